package io.rsio.client.daemon;

import io.rsio.client.multipath.NamespaceClient;
import io.rsio.client.multipath.NamespaceLogin;
import io.rsio.client.multipath.PathPlanner;
import io.rsio.client.multipath.PathSpec;
import io.rsio.client.multipath.PathState;
import io.rsio.client.multipath.PathStatus;
import io.rsio.client.multipath.RsioPath;
import io.rsio.client.multipath.VolumeClient;
import io.rsio.config.ClientConfig;
import io.rsio.config.ConfigException;
import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.ReloadRow;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The control request {@code reload}: rsiod reads its config file again and makes what runs
 * match it, without dropping attached volumes.
 *
 * <ul>
 *   <li>A namespace added to the file starts with its own paths and volumes.</li>
 *   <li>Servers or interfaces added or removed: the paths they make are opened or closed; the
 *       others keep their connections (renumbered if sections moved). A change that would close
 *       the last ready path of an attached volume is refused with the device named: a mounted
 *       file system would otherwise see EIO after the no-path timeout.</li>
 *   <li>Node name, node key, TLS, or the path settings (ping interval, path timeout, reconnect
 *       ceiling) of a namespace changed: every path of it logs in again, make-before-break: the
 *       new paths are opened next to the old ones, and only when at least one of them logged in
 *       are the old ones closed. If none logs in (a wrong key), the change is refused and the old
 *       paths stay, so a typo never takes the volumes down.</li>
 *   <li>Policy, chunk size, no-path timeout: the volumes use them from the next request on.</li>
 *   <li>A namespace removed from the file stops, its NBD exports go, unless one of its volumes
 *       is attached as a block device: then it is refused with the device named.</li>
 *   <li>A namespace whose id changed is another namespace: it is removed and added again,
 *       unless one of its volumes is attached.</li>
 * </ul>
 * A closed path says GOODBYE; the server answers what it had read, and anything later is sent
 * again on another path, as after a failover, so in-flight I/O does not fail while a path to the
 * volume stays up. An invalid file is refused with its file:line message, and nothing changes.
 */
final class ReloadService {
    private static final Logger LOG = LogManager.getLogger(ReloadService.class);
    /** The longest a reload waits for new paths to log in before it closes the old ones. */
    static final long MAX_WAIT_MILLIS = 10_000;

    private final ClientDaemon daemon;

    ReloadService(ClientDaemon daemon) {
        this.daemon = daemon;
    }

    /** One running namespace being changed: its new paths, the paths they replace, and how to finish. */
    private record Change(NamespaceClient client, ClientConfig.Namespace before, ClientConfig.Namespace after,
                          NamespaceLogin login, boolean relogin, List<RsioPath> fresh, List<RsioPath> old) {}

    ControlResponse reload() {
        synchronized (daemon) { // one reload at a time
            return reloadNow();
        }
    }

    private static String transportText(ClientConfig.Defaults d) {
        return d.fuseTransport().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String metricsText(ClientConfig.Defaults defaults) {
        return defaults.metrics().map(io.rsio.config.MetricsAddress::text).orElse("no");
    }

    private ControlResponse reloadNow() {
        ClientConfig running = daemon.config();
        ClientConfig file;
        try {
            file = ClientConfig.load(daemon.configFile());
        } catch (ConfigException e) {
            return ControlResponse.error("config not reloaded: " + e.getMessage());
        }
        List<ReloadRow> rows = new ArrayList<>();
        io.rsio.config.KeyStrength.warnings(file).forEach(LOG::warn); // as at start: short keys, file and line
        // The attach method is chosen once, at start; devices attached one way are not moved to another.
        ClientConfig.Defaults defaults = file.defaults().withAttach(running.defaults().attach());
        if (file.defaults().attach() != running.defaults().attach()) {
            rows.add(new ReloadRow("restart", "[defaults] attach changed from " + running.defaults().attach().text()
                    + " to " + file.defaults().attach().text() + ": restart rsiod to apply"));
        }
        // The metrics endpoint is bound once, at start, like the attach method.
        defaults = defaults.withMetrics(running.defaults().metrics());
        if (!file.defaults().metrics().equals(running.defaults().metrics())) {
            rows.add(new ReloadRow("restart", "[defaults] metrics changed from " + metricsText(running.defaults())
                    + " to " + metricsText(file.defaults()) + ": restart rsiod to apply"));
        }
        // The FUSE transport too: the attach manager was made with it at start.
        defaults = defaults.withFuseTransport(running.defaults().fuseTransport());
        if (file.defaults().fuseTransport() != running.defaults().fuseTransport()) {
            rows.add(new ReloadRow("restart", "[defaults] fuse_transport changed from " + transportText(running.defaults())
                    + " to " + transportText(file.defaults()) + ": restart rsiod to apply"));
        }
        if (!running.defaults().equals(defaults)) {
            rows.add(applied("[defaults] changed: the namespaces that inherit them follow"));
        }
        interfaceRows(running.interfaces(), file.interfaces(), rows);
        List<PathSpec> plan = new PathPlanner(file.interfaces()).plan(file);
        Map<String, ClientConfig.Namespace> before = byName(running.namespaces());
        Map<String, ClientConfig.Namespace> after = byName(file.namespaces());
        // What runs afterwards, namespace by namespace: the file's, or the old one where a change was not made.
        Map<String, ClientConfig.Namespace> result = new LinkedHashMap<>(after);

        for (ClientConfig.Namespace ns : before.values()) {
            if (!after.containsKey(ns.name())) {
                removeNamespace(ns, rows, result);
            }
        }
        List<Change> changes = new ArrayList<>();
        for (ClientConfig.Namespace now : after.values()) {
            ClientConfig.Namespace was = before.get(now.name());
            if (was == null) {
                continue;
            }
            if (was.id() != now.id()) {
                replaceNamespace(was, now, PathSpec.of(plan, now.name()), rows, result);
                continue;
            }
            client(now.name()).ifPresent(client -> begin(client, was, now, PathSpec.of(plan, now.name()), rows, result)
                    .ifPresent(changes::add));
        }
        for (ClientConfig.Namespace ns : after.values()) {
            if (!before.containsKey(ns.name())) {
                addNamespace(ns, PathSpec.of(plan, ns.name()), rows, result);
            }
        }
        Map<RsioPath, String> failures = awaitLogins(changes);
        for (Change c : changes) {
            finish(c, failures, rows, result, daemon.attachedVolumesIn(c.after().name()));
        }
        daemon.running(new ClientConfig(running.file(), defaults, file.interfaces(), List.copyOf(result.values())));
        if (rows.isEmpty()) {
            rows.add(new ReloadRow("none", "no changes in " + daemon.configFile()));
        }
        rows.forEach(r -> LOG.info("reload: {} {}", r.action(), r.change()));
        return ControlResponse.ok(List.copyOf(rows));
    }

    private static void interfaceRows(List<ClientConfig.Interface> was, List<ClientConfig.Interface> now,
                                      List<ReloadRow> rows) {
        for (ClientConfig.Interface i : now) {
            if (!was.contains(i)) {
                rows.add(applied("interface " + i.name() + " " + i.address() + " added"));
            }
        }
        for (ClientConfig.Interface i : was) {
            if (!now.contains(i)) {
                rows.add(applied("interface " + i.name() + " " + i.address() + " removed"));
            }
        }
    }

    private void removeNamespace(ClientConfig.Namespace ns, List<ReloadRow> rows,
                                 Map<String, ClientConfig.Namespace> result) {
        Optional<NamespaceClient> client = client(ns.name());
        if (client.isEmpty()) {
            return;
        }
        List<String> attached = daemon.attachedIn(ns.name());
        if (!attached.isEmpty()) {
            rows.add(new ReloadRow("refused", "namespace " + ns.name() + " not removed: " + String.join(", ", attached)
                    + " attached (detach first: rsconfig -d)"));
            result.put(ns.name(), ns); // it keeps running
            return;
        }
        daemon.removeNamespace(client.get());
        rows.add(applied("namespace " + ns.name() + " (id " + ns.id() + ") removed"));
    }

    /**
     * A new id names another namespace on the servers, with other volumes: what runs under the
     * old id stops and the namespace starts again under the new one. Refused while one of its
     * volumes is attached, since that device would lose its volume.
     */
    private void replaceNamespace(ClientConfig.Namespace was, ClientConfig.Namespace now, List<PathSpec> specs,
                                  List<ReloadRow> rows, Map<String, ClientConfig.Namespace> result) {
        Optional<NamespaceClient> client = client(was.name());
        List<String> attached = daemon.attachedIn(was.name());
        if (!attached.isEmpty()) {
            rows.add(new ReloadRow("refused", "namespace " + now.name() + ": id not changed from " + was.id() + " to "
                    + now.id() + ": " + String.join(", ", attached) + " attached (detach first: rsconfig -d)"));
            result.put(now.name(), was);
            return;
        }
        client.ifPresent(daemon::removeNamespace);
        rows.add(applied("namespace " + was.name() + " (id " + was.id() + ") removed: id changed to " + now.id()));
        addNamespace(now, specs, rows, result);
    }

    private void addNamespace(ClientConfig.Namespace ns, List<PathSpec> specs, List<ReloadRow> rows,
                              Map<String, ClientConfig.Namespace> result) {
        boolean idTaken = daemon.namespaces().stream().anyMatch(c -> c.id() == ns.id());
        if (idTaken) {
            rows.add(new ReloadRow("restart", "namespace " + ns.name() + " added with the id of a running namespace:"
                    + " restart rsiod to apply"));
            result.remove(ns.name());
            return;
        }
        try {
            daemon.addNamespace(NamespaceLogin.of(ns), specs);
            rows.add(applied("namespace " + ns.name() + " (id " + ns.id() + ") added with " + ns.servers().size()
                    + " server interface(s)"));
        } catch (IOException e) {
            rows.add(new ReloadRow("restart", "namespace " + ns.name() + " could not be added: " + e.getMessage()));
            result.remove(ns.name());
        }
    }

    /** Opens what a changed namespace needs next to what runs; the old paths close in {@link #finish}. */
    private Optional<Change> begin(NamespaceClient client, ClientConfig.Namespace was, ClientConfig.Namespace now,
                                   List<PathSpec> specs, List<ReloadRow> rows,
                                   Map<String, ClientConfig.Namespace> result) {
        if (was.equals(now) && sameSpecs(client.paths(), specs)) {
            return Optional.empty();
        }
        NamespaceLogin login;
        try {
            login = NamespaceLogin.of(now);
        } catch (IOException e) {
            rows.add(new ReloadRow("refused", "namespace " + now.name() + " not changed: " + e.getMessage()));
            result.put(now.name(), was);
            return Optional.empty();
        }
        boolean relogin = !was.nodeName().equals(now.nodeName()) || !Objects.equals(was.nodeKey(), now.nodeKey())
                || !was.tls().equals(now.tls()) || !pathSettings(was.multipath()).equals(pathSettings(now.multipath()));
        List<RsioPath> old = new ArrayList<>();
        List<PathSpec> toOpen = new ArrayList<>();
        if (relogin) {
            old.addAll(client.paths());
            toOpen.addAll(specs);
        } else {
            List<RsioPath> unmatched = new ArrayList<>(client.paths());
            for (PathSpec spec : specs) {
                Optional<RsioPath> same = unmatched.stream().filter(p -> p.spec().sameEnds(spec)).findFirst();
                if (same.isPresent()) {
                    unmatched.remove(same.get());
                    same.get().renumber(spec);
                } else {
                    toOpen.add(spec);
                }
            }
            old.addAll(unmatched);
        }
        List<RsioPath> fresh = client.addPaths(toOpen, login);
        return Optional.of(new Change(client, was, now, login, relogin, fresh, old));
    }

    /**
     * Waits, bounded, until every new path has logged in or failed once, so old paths close only
     * behind working ones; returns why the failed ones failed (a path retries after a failure,
     * so its DOWN state is caught by polling often).
     */
    private static Map<RsioPath, String> awaitLogins(List<Change> changes) {
        Map<RsioPath, String> failed = new java.util.HashMap<>();
        List<RsioPath> fresh = changes.stream().flatMap(c -> c.fresh().stream()).toList();
        long waitMillis = 0;
        for (Change c : changes) {
            if (!c.fresh().isEmpty()) {
                waitMillis = Math.max(waitMillis, c.login().settings().pathTimeout().toMillis() + 500);
            }
        }
        long deadline = System.nanoTime() + Math.min(waitMillis, MAX_WAIT_MILLIS) * 1_000_000L;
        while (System.nanoTime() < deadline) {
            for (RsioPath p : fresh) {
                PathStatus st = p.status();
                if (st.state() == PathState.DOWN) {
                    failed.put(p, st.reason());
                }
            }
            if (fresh.stream().allMatch(p -> p.isReady() || failed.containsKey(p))) {
                break;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return failed;
    }

    private static void finish(Change c, Map<RsioPath, String> failures, List<ReloadRow> rows,
                               Map<String, ClientConfig.Namespace> result, Map<VolumeClient, Path> attached) {
        String name = c.after().name();
        long up = c.fresh().stream().filter(RsioPath::isReady).count();
        boolean oldWorked = c.old().stream().anyMatch(RsioPath::isReady);
        if (c.relogin() && up == 0 && oldWorked) {
            // Never trade working paths for none: most likely a mistyped key or name.
            String why = c.fresh().isEmpty() ? "no path planned" : c.fresh().stream().map(failures::get)
                    .filter(Objects::nonNull).findFirst().orElse("none connected in time");
            c.client().retire(c.fresh());
            result.put(name, c.before());
            rows.add(new ReloadRow("refused", "namespace " + name + ": new log-in data not applied: no path logged in"
                    + " with it (" + why + "); the running paths stay"));
            return;
        }
        List<String> stranded = stranded(c, attached);
        if (!stranded.isEmpty()) {
            // A device in use would fail with EIO after the no-path timeout: the admin detaches first.
            c.client().retire(c.fresh());
            result.put(name, c.before());
            rows.add(new ReloadRow("refused", "namespace " + name + ": paths not changed: attached "
                    + String.join(", ", stranded) + " would lose its last path; detach it first"));
            return;
        }
        c.client().retire(c.old());
        c.client().useLogin(c.login());
        List<String> parts = new ArrayList<>();
        if (c.relogin()) {
            parts.add("logged in again on " + up + " of " + c.fresh().size() + " path(s)"
                    + (up == c.fresh().size() ? "" : " (the others keep trying)"));
        } else {
            if (!c.fresh().isEmpty()) {
                parts.add(c.fresh().size() + " path(s) opened, " + up + " connected");
            }
            if (!c.old().isEmpty()) {
                parts.add(c.old().size() + " path(s) closed");
            }
            if (c.fresh().isEmpty() && c.old().isEmpty() && !c.before().servers().equals(c.after().servers())) {
                parts.add("servers renumbered");
            }
        }
        if (!c.before().multipath().equals(c.after().multipath())) {
            ClientConfig.MultipathSettings m = c.after().multipath();
            parts.add("multipath settings now policy " + m.policy() + ", chunk " + m.chunkSize() + " bytes, no-path timeout "
                    + m.nopathTimeout().toMillis() + " ms, path timeout " + m.pathTimeout().toMillis() + " ms, data digests "
                    + (m.dataDigest() ? "on" : "off"));
        }
        if (parts.isEmpty()) {
            parts.add("paths replanned");
        }
        rows.add(applied("namespace " + name + ": " + String.join("; ", parts)));
        for (VolumeClient v : c.client().volumes()) {
            if (v.readyPaths() == 0) {
                rows.add(applied("namespace " + name + ": volume " + v.name() + " has no ready path now (its I/O waits"
                        + " up to the no-path timeout)"));
            }
        }
    }

    /** The block devices of attached volumes that only paths this change closes carry now. */
    private static List<String> stranded(Change c, Map<VolumeClient, Path> attached) {
        if (c.old().isEmpty()) {
            return List.of();
        }
        return attached.entrySet().stream()
                .filter(e -> e.getKey().readyPaths() > 0 && !e.getKey().hasReadyPathBesides(c.old()))
                .map(e -> e.getValue().toString()).toList();
    }

    /** The settings a path itself uses (the others are the volumes'): changing them means new paths. */
    private static List<Object> pathSettings(ClientConfig.MultipathSettings m) {
        return List.of(m.pingInterval(), m.pathTimeout(), m.reconnectMax(), m.dataDigest());
    }

    private static boolean sameSpecs(List<RsioPath> paths, List<PathSpec> specs) {
        return paths.stream().map(RsioPath::spec).toList().equals(specs);
    }

    private Optional<NamespaceClient> client(String name) {
        return daemon.namespaces().stream().filter(c -> c.name().equals(name)).findFirst();
    }

    private static ReloadRow applied(String change) {
        return new ReloadRow("applied", change);
    }

    private static Map<String, ClientConfig.Namespace> byName(List<ClientConfig.Namespace> namespaces) {
        Map<String, ClientConfig.Namespace> map = new LinkedHashMap<>();
        namespaces.forEach(n -> map.put(n.name(), n));
        return map;
    }
}
