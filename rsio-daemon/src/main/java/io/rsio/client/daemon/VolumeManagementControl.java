package io.rsio.client.daemon;

import io.rsio.client.multipath.NamespaceClient;
import io.rsio.client.multipath.VolumeClient;
import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.JobRow;
import io.rsio.control.ControlRows.ManageRow;
import io.rsio.control.ControlRows.ServerVolumeStatRow;
import io.rsio.control.ControlRows.VolumeUsageRow;
import io.rsio.wire.message.CopyJob;
import io.rsio.wire.message.Management;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.VolumeLimit;
import io.rsio.wire.message.VolumeStatistics;
import io.rsio.wire.message.VolumeUsage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The control socket's {@code volume} requests (docs/CONTROL.md, docs/VOLUMES.md): a management
 * request sent to one logged-in server of the namespace, then the namespace's volumes listed
 * again so that {@code rsconfig -q} shows the result and {@code rsconfig -a} can attach it.
 *
 * <pre>
 * volume create [NS:]NAME BYTES POOL|- thin|thick
 * volume resize [NS:]NAME BYTES
 * volume snapshot [NS:]NAME SNAPSHOT
 * volume delete [NS:]NAME
 * volume usage
 * volume throttle [NS:]NAME BYTES_PER_SECOND IOPS CLIENT|-
 * volume stats [NS:]NAME|-
 * volume pause [NS:]NAME...
 * volume resume [NS:]NAME...
 * volume copy [NS:]NAME TARGET|- volume|file
 * volume jobs
 * </pre>
 * A snapshot is asked for as a COPY of kind snapshot: a reflink where the pool has them, else
 * a background copy; a copy answers with its job, whose progress {@code volume jobs} shows.
 */
final class VolumeManagementControl {
    /** A management request may wait for a pool lock, a preallocation or a reflink. */
    private static final long ANSWER_SECONDS = 120;
    private static final long RELIST_SECONDS = 10;
    static final String USAGE = "usage: volume create [NS:]NAME BYTES POOL|- thin|thick | volume resize [NS:]NAME BYTES"
            + " | volume snapshot [NS:]NAME SNAPSHOT | volume delete [NS:]NAME | volume usage"
            + " | volume throttle [NS:]NAME BYTES_PER_SECOND IOPS CLIENT|- | volume stats [NS:]NAME|-"
            + " | volume pause|resume [NS:]NAME... | volume copy [NS:]NAME TARGET|- volume|file | volume jobs";

    private final ClientDaemon daemon;

    VolumeManagementControl(ClientDaemon daemon) {
        this.daemon = daemon;
    }

    ControlResponse handle(List<String> words) {
        if (words.size() < 2) {
            return ControlResponse.error(USAGE);
        }
        try {
            return switch (words.get(1)) {
                case "create" -> {
                    need(words, 6);
                    Target t = target(words.get(2));
                    String pool = words.get(4).equals("-") ? "" : words.get(4);
                    if (!words.get(5).equals("thin") && !words.get(5).equals("thick")) {
                        throw new Refused(USAGE);
                    }
                    yield change(t, new Management.Create(pool, t.name(), bytes(words.get(3)), words.get(5).equals("thick")));
                }
                case "resize" -> {
                    need(words, 4);
                    Target t = target(words.get(2));
                    long size = bytes(words.get(3));
                    VolumeClient v = volume(t);
                    if (v != null && size < v.size()) {
                        refuseIfAttached(t, "shrunk");
                    }
                    yield change(t, new Management.Resize(t.name(), size));
                }
                case "snapshot" -> {
                    need(words, 4);
                    Target t = target(words.get(2));
                    yield copy(t, new Management.Copy(t.name(), words.get(3), CopyJob.Kind.SNAPSHOT));
                }
                case "delete" -> {
                    need(words, 3);
                    Target t = target(words.get(2));
                    refuseIfAttached(t, "deleted");
                    yield change(t, new Management.Delete(t.name()));
                }
                case "usage" -> {
                    need(words, 2);
                    yield ControlResponse.ok(usage());
                }
                case "throttle" -> {
                    need(words, 6);
                    Target t = target(words.get(2));
                    String client = words.get(5).equals("-") ? "" : words.get(5);
                    yield change(t, new Management.Throttle(t.name(), new VolumeLimit(client, rate(words.get(3)),
                            rate(words.get(4)))));
                }
                case "pause", "resume" -> {
                    if (words.size() < 3) {
                        throw new Refused(USAGE);
                    }
                    yield ControlResponse.ok(pauseOrResume(words.get(1).equals("pause"), words.subList(2, words.size())));
                }
                case "copy" -> {
                    need(words, 5);
                    Target t = target(words.get(2));
                    String into = words.get(3).equals("-") ? "" : words.get(3);
                    CopyJob.Kind kind = switch (words.get(4)) {
                        case "volume" -> CopyJob.Kind.VOLUME;
                        case "file" -> CopyJob.Kind.FILE;
                        default -> throw new Refused(USAGE);
                    };
                    if (kind == CopyJob.Kind.VOLUME && into.isEmpty()) {
                        throw new Refused("a copy to a new volume needs its name");
                    }
                    yield copy(t, new Management.Copy(t.name(), into, kind));
                }
                case "jobs" -> {
                    need(words, 2);
                    yield ControlResponse.ok(jobs());
                }
                case "stats" -> {
                    need(words, 3);
                    yield ControlResponse.ok(statistics(words.get(2)));
                }
                default -> throw new Refused(USAGE);
            };
        } catch (Refused e) {
            return ControlResponse.error(e.getMessage());
        }
    }

    /** The namespace a request goes to and the volume it names. */
    private record Target(NamespaceClient namespace, String name) {}

    private static final class Refused extends Exception {
        Refused(String reason) {
            super(reason, null, false, false);
        }
    }

    private ControlResponse change(Target t, Management operation) throws Refused {
        return changed(t, await(t.namespace().manage(operation), ANSWER_SECONDS));
    }

    /** The server's answer to a change; once made, the volumes are listed again so that it shows at once. */
    private ControlResponse changed(Target t, NamespaceClient.Managed done) throws Refused {
        if (done.reply() instanceof Reply.Failure f) {
            throw new Refused("server " + done.serverName() + " refused: " + f.reason());
        }
        if (!(done.reply() instanceof Reply.Managed m)) {
            throw new Refused("server " + done.serverName() + " answered " + done.reply().opcode());
        }
        String relisted = "";
        try {
            await(t.namespace().refreshVolumes(), RELIST_SECONDS);
        } catch (Refused e) {
            relisted = " (rsiod did not list the volumes again: " + e.getMessage() + "; it retries every "
                    + NamespaceClient.RELIST_SECONDS + " s)";
        }
        return ControlResponse.ok(List.of(new ManageRow(t.namespace().name(), done.serverName(), t.name(),
                m.message() + relisted)));
    }

    /** A COPY: the server's answer and its job; the volumes listed again when the copy is already whole. */
    private ControlResponse copy(Target t, Management.Copy operation) throws Refused {
        NamespaceClient.Managed done = await(t.namespace().manage(operation), ANSWER_SECONDS);
        if (done.reply() instanceof Reply.Failure f) {
            throw new Refused("server " + done.serverName() + " refused: " + f.reason());
        }
        if (!(done.reply() instanceof Reply.ManagedJobs m)) {
            throw new Refused("server " + done.serverName() + " answered " + done.reply().opcode());
        }
        if (operation.kind() != CopyJob.Kind.FILE && m.jobs().stream().allMatch(CopyJob::finished)) {
            try {
                await(t.namespace().refreshVolumes(), RELIST_SECONDS);
            } catch (Refused e) {
                // the periodic re-list shows it within NamespaceClient.RELIST_SECONDS
            }
        }
        List<Record> rows = new ArrayList<>();
        rows.add(new ManageRow(t.namespace().name(), done.serverName(), t.name(), m.message()));
        m.jobs().forEach(j -> rows.add(jobRow(t.namespace().name(), done.serverName(), j)));
        return ControlResponse.ok(rows);
    }

    /** Every server's copy jobs, one row each. */
    private List<Record> jobs() throws Refused {
        List<Record> rows = new ArrayList<>();
        for (NamespaceClient ns : daemon.namespaces()) {
            for (var answer : ns.manageEach(new Management.Jobs())) {
                NamespaceClient.Managed done = await(answer, ANSWER_SECONDS);
                if (done.reply() instanceof Reply.ManagedJobs m) {
                    m.jobs().forEach(j -> rows.add(jobRow(ns.name(), done.serverName(), j)));
                } else if (done.reply() instanceof Reply.Failure f) {
                    throw new Refused("server " + done.serverName() + " refused: " + f.reason());
                }
            }
        }
        return rows;
    }

    private static JobRow jobRow(String namespace, String server, CopyJob j) {
        return new JobRow(namespace, server, j.id(), j.kind().word, j.state().word, j.pool(), j.source(), j.target(),
                j.client(), j.total(), j.done(), j.bytesPerSecond(), j.elapsedMillis(), j.reflink(), j.message());
    }

    private List<Record> usage() throws Refused {
        List<Record> rows = new ArrayList<>();
        for (NamespaceClient ns : daemon.namespaces()) {
            NamespaceClient.Managed done;
            try {
                done = await(ns.manage(new Management.Usage()), ANSWER_SECONDS);
            } catch (Refused e) {
                continue; // no server logged in: the query view says so already
            }
            if (done.reply() instanceof Reply.Managed m) {
                for (VolumeUsage v : m.volumes()) {
                    rows.add(new VolumeUsageRow(ns.name(), done.serverName(), v.name(), v.pool(), v.provisioned(),
                            v.allocated(), v.readOnly(), v.thick(), v.origin()));
                }
            }
        }
        return rows;
    }

    /**
     * Pauses or resumes the named volumes (of one namespace) on every server of the namespace,
     * since the client's I/O to them may go through any: a pause counts only when every server
     * paused them, so when one refuses, the others resume them again and the refusal is the answer.
     */
    private List<Record> pauseOrResume(boolean pause, List<String> selectors) throws Refused {
        NamespaceClient ns = null;
        List<String> names = new ArrayList<>();
        for (String selector : selectors) {
            Target t = target(selector);
            if (ns != null && ns != t.namespace()) {
                throw new Refused("the volumes of one pause are in one namespace; " + selector + " is not in "
                        + ns.name());
            }
            ns = t.namespace();
            names.add(t.name());
        }
        Management operation = pause ? new Management.Pause(names) : new Management.Resume(names);
        var answers = ns.manageEach(operation);
        if (answers.isEmpty()) {
            throw new Refused("namespace " + ns.name() + ": no server logged in that takes volume management"
                    + " requests (see rsconfig -m status)");
        }
        List<Record> rows = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        List<NamespaceClient.Managed> paused = new ArrayList<>();
        for (var answer : answers) {
            NamespaceClient.Managed done;
            try {
                done = await(answer, ANSWER_SECONDS);
            } catch (Refused e) {
                refusals.add(e.getMessage());
                continue;
            }
            if (done.reply() instanceof Reply.Managed m) {
                paused.add(done);
                rows.add(new ManageRow(ns.name(), done.serverName(), String.join(",", names), m.message()));
            } else if (done.reply() instanceof Reply.Failure f) {
                refusals.add("server " + done.serverName() + " refused: " + f.reason());
            }
        }
        if (refusals.isEmpty()) {
            return rows;
        }
        if (pause && !paused.isEmpty()) {
            ns.manageEach(new Management.Resume(names)); // undo where it worked: all or nothing
            refusals.add("resumed again on " + String.join(", ", paused.stream().map(NamespaceClient.Managed::serverName)
                    .toList()));
        }
        throw new Refused(String.join("; ", refusals));
    }

    /** Every server's statistics of the named volume, or of every volume ("-"), one row per volume and server. */
    private List<Record> statistics(String selector) throws Refused {
        List<NamespaceClient> namespaces = daemon.namespaces();
        String volume = "";
        if (!selector.equals("-")) {
            Target t = target(selector);
            namespaces = List.of(t.namespace());
            volume = t.name();
        }
        List<Record> rows = new ArrayList<>();
        for (NamespaceClient ns : namespaces) {
            var answers = ns.manageEach(new Management.Statistics(volume));
            if (answers.isEmpty() && !volume.isEmpty()) {
                throw new Refused("namespace " + ns.name() + ": no server logged in that takes volume management"
                        + " requests (see rsconfig -m status)");
            }
            for (var answer : answers) {
                NamespaceClient.Managed done = await(answer, ANSWER_SECONDS);
                if (done.reply() instanceof Reply.Failure f) {
                    throw new Refused("server " + done.serverName() + " refused: " + f.reason());
                }
                if (done.reply() instanceof Reply.ManagedStatistics m) {
                    for (VolumeStatistics v : m.volumes()) {
                        rows.add(new ServerVolumeStatRow(ns.name(), done.serverName(), v.name(), v.paused(), v.reads(),
                                v.writes(), v.readBytes(), v.writtenBytes(), v.throttledRequests(), v.throttledNanos(),
                                String.join(" ", v.limits().stream().map(l -> l.client() + "=" + l.bytesPerSecond()
                                        + "/" + l.iops()).toList()),
                                String.join(" ", v.latency().stream().map(b -> (b.upToNanos()
                                        == VolumeStatistics.LatencyBucket.UNBOUNDED ? "inf" : Long.toString(b.upToNanos()))
                                        + ":" + b.count()).toList())));
                    }
                }
            }
        }
        return rows;
    }

    private Target target(String selector) throws Refused {
        int colon = selector.indexOf(':');
        String name = colon < 0 ? selector : selector.substring(colon + 1);
        List<NamespaceClient> namespaces = daemon.namespaces();
        if (colon >= 0) {
            String ns = selector.substring(0, colon);
            return namespaces.stream().filter(n -> n.name().equals(ns)).findFirst().map(n -> new Target(n, name))
                    .orElseThrow(() -> new Refused("no namespace " + ns + " in rsiod's configuration"));
        }
        if (namespaces.size() != 1) {
            throw new Refused(namespaces.isEmpty() ? "rsiod has no namespace"
                    : "rsiod has " + namespaces.size() + " namespaces: name one, NAMESPACE:" + name);
        }
        return new Target(namespaces.getFirst(), name);
    }

    private static VolumeClient volume(Target t) {
        return t.namespace().volumes().stream().filter(v -> v.name().equals(t.name())).findFirst().orElse(null);
    }

    /** This client's own device: the server cannot know it is attached here, rsiod can. */
    private void refuseIfAttached(Target t, String what) throws Refused {
        for (Map.Entry<VolumeClient, Path> e : daemon.attachedVolumesIn(t.namespace().name()).entrySet()) {
            if (e.getKey().name().equals(t.name())) {
                throw new Refused(t.namespace().name() + ":" + t.name() + " not " + what + ": it is attached here as "
                        + e.getValue() + " (detach it first: rsconfig -d " + t.name() + ")");
            }
        }
    }

    private static void need(List<String> words, int count) throws Refused {
        if (words.size() != count) {
            throw new Refused(USAGE);
        }
    }

    private static long bytes(String word) throws Refused {
        try {
            long n = Long.parseLong(word);
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new Refused("size must be a positive number of bytes, found '" + word + "'");
        }
    }

    /** A limit: a whole number of bytes per second or IOPS, 0 for none. */
    private static long rate(String word) throws Refused {
        try {
            long n = Long.parseLong(word);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new Refused("a limit must be a number, 0 for none, found '" + word + "'");
        }
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> future, long seconds) throws Refused {
        try {
            return future.get(seconds, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof java.util.concurrent.CompletionException c && c.getCause() != null
                    ? c.getCause() : e.getCause();
            throw new Refused(cause.getMessage());
        } catch (TimeoutException e) {
            throw new Refused("no answer within " + seconds + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Refused("interrupted");
        }
    }
}
