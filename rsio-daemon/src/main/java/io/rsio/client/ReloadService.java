package io.rsio.client;

import io.rsio.config.ClientConfig;
import io.rsio.config.ConfigException;
import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.ReloadRow;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The control request {@code reload}: rsiod reads its config file again and compares it with
 * what runs. What can change without dropping anything is applied at once: today that is a
 * namespace added to the file (crsio's "Add NEW Namespace" then F3), which gets its own paths
 * and volumes while the others keep running. Every other change (interfaces, defaults, servers
 * or log-in data of a running namespace, a removed namespace) is reported as needing a restart
 * of rsiod, and nothing of it is applied, so a reload never takes an attached volume down.
 *
 * <p>An invalid file is refused with its file:line message, and nothing changes.
 */
final class ReloadService {
    private final ClientDaemon daemon;

    ReloadService(ClientDaemon daemon) {
        this.daemon = daemon;
    }

    ControlResponse reload() {
        ClientConfig running = daemon.config();
        ClientConfig file;
        try {
            file = ClientConfig.load(daemon.configFile());
        } catch (ConfigException e) {
            return ControlResponse.error("config not reloaded: " + e.getMessage());
        }
        List<ReloadRow> rows = new ArrayList<>();
        if (!running.defaults().equals(file.defaults())) {
            rows.add(restart("[defaults] changed"));
        }
        boolean interfacesSame = running.interfaces().equals(file.interfaces());
        if (!interfacesSame) {
            rows.add(restart("[interface] sections changed"));
        }
        Map<String, ClientConfig.Namespace> before = byName(running.namespaces());
        Map<String, ClientConfig.Namespace> after = byName(file.namespaces());
        for (ClientConfig.Namespace ns : before.values()) {
            ClientConfig.Namespace now = after.get(ns.name());
            if (now == null) {
                rows.add(restart("namespace " + ns.name() + " removed"));
            } else if (!sameIgnoringKey(ns, now) || !Objects.equals(ns.nodeKey(), now.nodeKey())) {
                // Never say which key: only that the log-in data or servers changed.
                rows.add(restart("namespace " + ns.name() + " changed (id, log-in data, servers or settings)"));
            }
        }
        for (ClientConfig.Namespace ns : after.values()) {
            if (before.containsKey(ns.name())) {
                continue;
            }
            boolean idTaken = before.values().stream().anyMatch(b -> b.id() == ns.id());
            if (!interfacesSame) {
                rows.add(restart("namespace " + ns.name() + " added (not started: the interfaces changed too)"));
            } else if (idTaken) {
                rows.add(restart("namespace " + ns.name() + " added with the id of a running namespace"));
            } else {
                try {
                    daemon.addNamespace(file, ns);
                    rows.add(new ReloadRow("applied", "namespace " + ns.name() + " (id " + ns.id() + ") added with "
                            + ns.servers().size() + " server interface(s)"));
                } catch (java.io.IOException e) {
                    rows.add(restart("namespace " + ns.name() + " could not be added: " + e.getMessage()));
                }
            }
        }
        if (rows.isEmpty()) {
            rows.add(new ReloadRow("none", "no changes in " + daemon.configFile()));
        }
        return ControlResponse.ok(rows);
    }

    private static ReloadRow restart(String change) {
        return new ReloadRow("restart", change + ": restart rsiod to apply");
    }

    private static boolean sameIgnoringKey(ClientConfig.Namespace a, ClientConfig.Namespace b) {
        return a.id() == b.id() && a.nodeName().equals(b.nodeName()) && a.multipath().equals(b.multipath())
                && a.servers().equals(b.servers());
    }

    private static Map<String, ClientConfig.Namespace> byName(List<ClientConfig.Namespace> namespaces) {
        Map<String, ClientConfig.Namespace> map = new LinkedHashMap<>();
        namespaces.forEach(n -> map.put(n.name(), n));
        return map;
    }
}
