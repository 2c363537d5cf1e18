package io.rsio.crsio.screens;

import io.rsio.cli.JobFormatter;
import io.rsio.cli.ServerStatFormatter;
import io.rsio.cli.Units;
import io.rsio.cli.VolumeCommands;
import io.rsio.common.Args;
import io.rsio.config.ConfigValues;
import io.rsio.control.ControlClient;
import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.JobRow;
import io.rsio.control.ControlRows.ManageRow;
import io.rsio.crsio.Action;
import io.rsio.crsio.Dialogs;
import io.rsio.crsio.ScreenHost;
import io.rsio.crsio.Text;
import io.rsio.crsio.progress.JobFollower;
import io.rsio.crsio.progress.ServerCopyJob;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * The Volumes screen's management operations (docs/VOLUMES.md), each the rsconfig command of the
 * same letter: create (C), grow (G), snapshot (S), copy to a new volume (K), backup to a file in
 * the pool (B), delete (D), throttle (T), pause (P), resume (R). A form asks what rsconfig's
 * operands say; its OK builds the rsconfig command line and checks it with rsconfig's own parser
 * ({@link VolumeCommands#parse}), so the same mistakes get the same words. rsiod carries the request to a server; the answer goes to the message line, a
 * refusal (a missing right, a volume in use) also to a dialog with the server's reason. Work
 * that lasts more than a second gets the progress dialog; a server's copy job (K, B, and S
 * without reflinks) shows its bytes done of the total ({@link ServerCopyJob}).
 */
final class VolumeOperations {
    /** The keys, in the order of the F7 menu and the screen's key line. */
    static final String KEYS = "C create G grow S snapshot K copy B backup D delete T throttle P pause R resume";

    private final ScreenHost app;
    private final Supplier<ControlClient> client;
    private final Runnable refresh;

    VolumeOperations(ScreenHost app, Supplier<ControlClient> client, Runnable refresh) {
        this.app = app;
        this.client = client;
        this.refresh = refresh;
    }

    /**
     * What the screen knows when an operation starts: the selected volume (null when there is
     * none), the namespaces of rsiod, and the pools the servers reported volumes in.
     */
    record Context(VolumesScreen.Entry selected, List<String> namespaces, List<String> pools,
                   List<VolumesScreen.Entry> all) {}

    List<Action> actions(Context c) {
        VolumesScreen.Entry e = c.selected();
        String none = "no volume selected";
        String fixed = e == null ? none : fixedBecause(e);
        List<Action> list = new ArrayList<>();
        list.add(Action.when(!c.namespaces().isEmpty(), "Create a volume...  (C)", () -> create(c),
                "rsiod has no namespace (or does not answer)"));
        list.add(Action.when(fixed == null, "Grow " + label(e) + "...  (G)", () -> grow(e), fixed));
        list.add(Action.when(e != null && !isSnapshot(e), "Snapshot " + label(e) + "...  (S)", () -> snapshot(e),
                e == null ? none : "it is a snapshot already (read-only)"));
        String poolOnly = e == null ? none : e.usage() != null && e.usage().pool().isEmpty() ? configured() : null;
        list.add(Action.when(poolOnly == null, "Copy " + label(e) + " to a new volume...  (K)", () -> copy(e),
                poolOnly));
        list.add(Action.when(poolOnly == null, "Back up " + label(e) + " to a file in its pool...  (B)",
                () -> backup(e), poolOnly));
        String deletable = e == null ? none : e.usage() != null && e.usage().pool().isEmpty() ? configured()
                : e.local() != null ? "it is attached here as " + e.local().blockPath() + ": detach it first" : null;
        list.add(Action.when(deletable == null, "Delete " + label(e) + "...  (D)", () -> delete(e), deletable));
        list.add(Action.when(poolOnly == null, "Throttle " + label(e) + "...  (T)", () -> throttle(e), poolOnly));
        list.add(Action.when(poolOnly == null, "Pause I/O of " + label(e) + "...  (P)", () -> pause(c, true),
                poolOnly));
        list.add(Action.when(e != null, "Resume I/O...  (R)", () -> pause(c, false), none));
        return list;
    }

    /** The operation of a key of the screen's key line; false for other keys. */
    boolean key(char key, Context c) {
        int index = "CGSKBDTPR".indexOf(key);
        if (index < 0) {
            return false;
        }
        Action a = actions(c).get(index);
        if (a.available()) {
            a.run().run();
        } else {
            app.status(a.label().replaceAll("\\.\\.\\..*", "") + ": not now: " + a.unavailable());
        }
        return true;
    }

    private static String label(VolumesScreen.Entry e) {
        return e == null ? "the selected volume" : e.selector();
    }

    private static String configured() {
        return "a [volume] of the server's rssrvcfg: only its administrator changes it";
    }

    private static boolean isSnapshot(VolumesScreen.Entry e) {
        return e.usage() != null && !e.usage().origin().isEmpty();
    }

    /** Why the selected volume's size cannot change, or null. */
    private static String fixedBecause(VolumesScreen.Entry e) {
        if (isSnapshot(e)) {
            return "a snapshot's size is fixed";
        }
        return e.usage() != null && e.usage().pool().isEmpty() ? configured() : null;
    }

    private void create(Context c) {
        VolumesScreen.Entry e = c.selected();
        boolean several = c.namespaces().size() > 1;
        List<Dialogs.Field> fields = new ArrayList<>();
        if (several) {
            fields.add(Dialogs.Field.of("Namespace", e != null ? e.namespace() : c.namespaces().getFirst()));
        }
        fields.add(Dialogs.Field.of("Name", ""));
        fields.add(Dialogs.Field.of("Size", ""));
        fields.add(Dialogs.Field.of("Pool", e != null && e.usage() != null ? e.usage().pool()
                : c.pools().size() == 1 ? c.pools().getFirst() : ""));
        fields.add(Dialogs.Field.toggle("Thick", false));
        String pools = c.pools().isEmpty() ? "Pool: empty for the server's only pool; name one if it has several."
                : "Pools with volumes: " + String.join(", ", c.pools()) + " (empty: the server's only pool).";
        Dialogs.form(app.gui(), "Create a volume", """
                A new volume in a pool of the server (rsconfig -C). Size like 512M,
                10G or 1T. Thin (default): space is taken as data is written;
                thick (space toggles it): all of it now, with fallocate.
                """ + pools, fields, v -> createProblem(c, v)).ifPresent(v -> {
                    List<String> argv = createArgs(c, v);
                    String selector = argv.get(1);
                    boolean thick = argv.contains("--thick");
                    send("Create " + selector, thick ? "The server preallocates " + Units.bytes(parsedSize(argv.get(2)))
                            + " for " + selector + " (fallocate)" : "Creating " + selector, argv);
                });
    }

    private static List<String> createArgs(Context c, List<String> v) {
        int i = c.namespaces().size() > 1 ? 1 : 0;
        String ns = i == 1 ? v.getFirst() : c.namespaces().getFirst();
        List<String> argv = new ArrayList<>(List.of("-C", ns + ":" + v.get(i), v.get(i + 1)));
        if (!v.get(i + 2).isEmpty()) {
            argv.addAll(List.of("-p", v.get(i + 2)));
        }
        if (v.get(i + 3).equals("yes")) {
            argv.add("--thick");
        }
        return argv;
    }

    private static String createProblem(Context c, List<String> v) {
        int i = c.namespaces().size() > 1 ? 1 : 0;
        if (i == 1 && !c.namespaces().contains(v.getFirst())) {
            return "no namespace " + v.getFirst() + " in rsiod's configuration (" + String.join(", ", c.namespaces())
                    + ")";
        }
        return v.get(i).isEmpty() ? "a name, please" : problem(createArgs(c, v));
    }

    private void grow(VolumesScreen.Entry e) {
        long size = e.volume().size();
        Dialogs.form(app.gui(), "Grow " + e.selector(), Text.wrap(e.selector() + " is " + Units.bytes(size) + " ("
                + ConfigValues.formatSize(size) + "). The new size, like 20G: larger grows it online (an attached"
                + " device follows); smaller shrinks it, refused while in use (rsconfig -G).", 70),
                List.of(Dialogs.Field.of("Size", ConfigValues.formatSize(size))),
                v -> problem(List.of("-G", e.selector(), v.getFirst()))).ifPresent(v -> {
                    long wanted = parsedSize(v.getFirst());
                    if (wanted < size && !Dialogs.confirm(app.gui(), "Shrink", "Shrink " + e.selector() + " from "
                            + Units.bytes(size) + " to " + Units.bytes(wanted) + "?\nEverything stored beyond "
                            + Units.bytes(wanted) + " is lost.", "Keep the size", "Shrink")) {
                        return;
                    }
                    send((wanted < size ? "Shrink " : "Grow ") + e.selector(), "Resizing " + e.selector() + " to "
                            + Units.bytes(wanted), List.of("-G", e.selector(), v.getFirst()));
                });
    }

    private void snapshot(VolumesScreen.Entry e) {
        Dialogs.form(app.gui(), "Snapshot " + e.selector(), """
                A read-only snapshot of %s (rsconfig -S): a reflink, instant, sharing
                blocks until either side writes, where the pool has them (XFS made with
                reflink=1, btrfs); elsewhere a copy on the server, with progress. For a
                file system mounted on it, freeze it first (fsfreeze -f MOUNT) so that
                the snapshot is consistent.""".formatted(e.selector()),
                List.of(Dialogs.Field.of("Snapshot name", e.volume().name() + ".snap")),
                v -> problem(List.of("-S", e.selector(), v.getFirst()))).ifPresent(v ->
                send("Snapshot " + e.selector(), "Snapshot " + v.getFirst() + " of " + e.selector(),
                        List.of("-S", e.selector(), v.getFirst())));
    }

    private void copy(VolumesScreen.Entry e) {
        Dialogs.form(app.gui(), "Copy " + e.selector(), """
                A new read-write volume with the data of %s, in its pool (rsconfig -K).
                The server copies it: no data crosses the network. With reflinks at
                once; otherwise a copy of the data ranges, with progress. A volume
                written meanwhile is not copied at one instant: pause it (P) or
                freeze its file system first.""".formatted(e.selector()),
                List.of(Dialogs.Field.of("Copy name", e.volume().name() + ".copy")),
                v -> problem(List.of("-K", e.selector(), v.getFirst()))).ifPresent(v ->
                send("Copy " + e.selector(), "Copy " + v.getFirst() + " of " + e.selector(),
                        List.of("-K", e.selector(), v.getFirst())));
    }

    private void backup(VolumesScreen.Entry e) {
        Dialogs.form(app.gui(), "Back up " + e.selector(), """
                The bytes of %s to a file in its pool directory on the server
                (rsconfig -B), sparse: the LAN-less backup, only the command crosses
                the network. File: empty for NAME.backup-YYYYMMDD-HHMMSS.raw.""".formatted(e.selector()),
                List.of(Dialogs.Field.of("File", "")), v -> problem(backupArgs(e, v.getFirst()))).ifPresent(v ->
                send("Back up " + e.selector(), "Backup of " + e.selector(), backupArgs(e, v.getFirst())));
    }

    private static List<String> backupArgs(VolumesScreen.Entry e, String file) {
        return file.isEmpty() ? List.of("-B", e.selector()) : List.of("-B", e.selector(), file);
    }

    private void delete(VolumesScreen.Entry e) {
        String space = e.usage() == null ? Units.bytes(e.volume().size()) + " provisioned"
                : Units.bytes(e.usage().provisioned()) + " provisioned, " + Units.bytes(e.usage().allocated())
                + " allocated" + (e.usage().pool().isEmpty() ? "" : ", in pool " + e.usage().pool());
        if (Dialogs.confirm(app.gui(), "Delete volume", "Delete " + e.selector() + " on server " + e.server() + "?\n"
                + "Its data is lost for good: " + space + ".\nIts snapshots stay. The server refuses while another"
                + " client has it open.", "Keep", "Delete")) {
            send("Delete " + e.selector(), "Deleting " + e.selector(), List.of("-D", e.selector()));
        } else {
            app.status("Kept " + e.selector());
        }
    }

    private void throttle(VolumesScreen.Entry e) {
        String now = e.stats() == null ? "not known" : ServerStatFormatter.limits(e.stats().limits());
        Dialogs.form(app.gui(), "Throttle " + e.selector(), """
                Limits of %s on its servers, in force at once (rsconfig -T).
                Now: %s.
                Bandwidth in bytes a second like 100M, IOPS a number; empty or 0: no
                limit; both empty: off. Client: empty for all clients together, or
                the node name of one client.""".formatted(e.selector(), Text.cut(now, 50)),
                List.of(Dialogs.Field.of("Bandwidth", ""), Dialogs.Field.of("IOPS", ""),
                        Dialogs.Field.of("Client", "")),
                v -> problem(throttleArgs(e, v))).ifPresent(v -> send("Throttle " + e.selector(),
                        "Setting the limits of " + e.selector(), throttleArgs(e, v)));
    }

    private static List<String> throttleArgs(VolumesScreen.Entry e, List<String> v) {
        String bandwidth = v.get(0);
        String iops = v.get(1);
        String limit = bandwidth.isEmpty() && iops.isEmpty() ? "off" : iops.isEmpty() ? bandwidth
                : bandwidth + "," + iops;
        List<String> argv = new ArrayList<>(List.of("-T", e.selector(), limit));
        if (!v.get(2).isEmpty()) {
            argv.addAll(List.of("-c", v.get(2)));
        }
        return argv;
    }

    /** Pause or resume: the selected volume, or several of its namespace at one instant. */
    private void pause(Context c, boolean pause) {
        VolumesScreen.Entry e = c.selected();
        String names = pause ? e.volume().name() : String.join(" ", c.all().stream()
                .filter(x -> x.namespace().equals(e.namespace()) && x.stats() != null && x.stats().paused())
                .map(x -> x.volume().name()).distinct().toList());
        String verb = pause ? "Pause" : "Resume";
        String text = pause ? """
                Pause the I/O of these volumes of %s (rsconfig -P): all at one instant
                on every server. Requests wait, none fails, until Resume (R); the
                servers answer once the I/O already running is done. Keep it short.""".formatted(e.namespace())
                : "Let the held I/O of these volumes of " + e.namespace() + " go on (rsconfig -R).";
        Dialogs.form(app.gui(), verb + " I/O", text, List.of(Dialogs.Field.of("Volumes",
                names.isEmpty() ? e.volume().name() : names)), v -> problem(pauseArgs(pause, e, v.getFirst())))
                .ifPresent(v -> send(verb + " " + e.namespace() + ":" + v.getFirst(), pause
                        ? "Pausing; the servers answer once the I/O running now is done (at most 30 s)"
                        : "Resuming", pauseArgs(pause, e, v.getFirst())));
    }

    private static List<String> pauseArgs(boolean pause, VolumesScreen.Entry e, String names) {
        List<String> argv = new ArrayList<>(List.of(pause ? "-P" : "-R"));
        Arrays.stream(names.split("[\\s,]+")).filter(n -> !n.isEmpty())
                .forEach(n -> argv.add(n.contains(":") ? n : e.namespace() + ":" + n));
        return argv;
    }

    /** rsconfig's complaint about a command line, or null when it would be sent. */
    private static String problem(List<String> argv) {
        try {
            VolumeCommands.parse(argv.toArray(String[]::new));
            return null;
        } catch (Args.UsageException e) {
            return e.getMessage();
        }
    }

    private static long parsedSize(String size) {
        return ConfigValues.parseSize(size);
    }

    /**
     * Sends the command to rsiod; the answer shows on the message line, a refusal also in a
     * dialog. Longer than a second: the progress dialog, which may send it to the background.
     */
    private void send(String title, String phase, List<String> argv) {
        List<String> words;
        try {
            words = VolumeCommands.parse(argv.toArray(String[]::new));
        } catch (Args.UsageException e) {
            Dialogs.message(app.gui(), title, e.getMessage()); // the form checked it: not expected
            return;
        }
        ControlClient control = client.get();
        app.status(title + "...");
        JobFollower.follow(app.gui(), title, new ServerCopyJob(phase, control, words.toArray(String[]::new)),
                app::status, r -> answered(title, r), e -> {
                    refresh.run();
                    app.status(title + ": " + ScreenHost.message(e));
                    Dialogs.message(app.gui(), title, Text.wrap(ScreenHost.message(e), 66));
                });
    }

    private void answered(String title, ServerCopyJob.Outcome outcome) {
        refresh.run();
        ControlResponse r = outcome.answer();
        if (!r.ok()) {
            app.status(title + ": " + r.error());
            Dialogs.message(app.gui(), "Refused: " + title, Text.wrap(r.error(), 66));
            return;
        }
        // A reflink's answer says it all; a background job's ("started ... as job 2") is old news by now.
        boolean copied = outcome.jobs().stream().anyMatch(j -> !j.reflink());
        List<String> lines = copied ? outcome.jobs().stream().map(JobFormatter::ended).toList()
                : r.rows(ManageRow.class).stream().map(m -> m.namespace() + ":" + m.name() + ": " + m.message())
                .toList();
        app.status(lines.isEmpty() ? title + ": done" : String.join("; ", lines));
        List<JobRow> failed = outcome.failed();
        if (!failed.isEmpty()) { // the server took the request, its copy did not finish: shown as a refusal is
            Dialogs.message(app.gui(), "Failed: " + title, Text.wrap(String.join("\n", failed.stream()
                    .map(JobFormatter::ended).toList()), 66));
        }
    }
}
