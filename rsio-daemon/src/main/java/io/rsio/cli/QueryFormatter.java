package io.rsio.cli;

import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.NamespaceRow;
import io.rsio.control.ControlRows.ServerRow;
import io.rsio.control.ControlRows.VolumeRow;
import io.rsio.control.ControlRows.VolumeUsageRow;
import java.util.List;

/**
 * {@code rsconfig -q}: the namespace view in the seed's format; each {@code v} adds detail
 * after the seed's columns, never inside them.
 */
final class QueryFormatter {
    private QueryFormatter() {}

    static String format(ControlResponse response, int verbosity) {
        return format(response, verbosity, null);
    }

    /** With {@code usage} (rsiod's answer to {@code volume usage}), -qvv adds allocated/provisioned bytes. */
    static String format(ControlResponse response, int verbosity, ControlResponse usage) {
        List<VolumeUsageRow> space = usage == null || !usage.ok() ? List.of() : usage.rows(VolumeUsageRow.class);
        StringBuilder out = new StringBuilder();
        List<ServerRow> servers = response.rows(ServerRow.class);
        List<VolumeRow> volumes = response.rows(VolumeRow.class);
        for (NamespaceRow ns : response.rows(NamespaceRow.class)) {
            out.append(String.format("%03d %s", ns.index(), ns.name()));
            if (verbosity >= 1) {
                out.append(String.format("  (namespace id %d)", ns.id()));
            }
            out.append('\n').append("  clt: ").append(ns.nodeName()).append('\n');
            List<ServerRow> own = servers.stream().filter(s -> s.namespaceIndex() == ns.index()).toList();
            if (own.isEmpty()) {
                out.append("  srv: none logged in yet (see rsconfig -m status)\n");
            }
            for (ServerRow server : own) {
                out.append(String.format("  srv: %03d %s", server.index(), server.serverName()));
                if (verbosity >= 1) {
                    out.append(String.format("  (server id %d)", server.serverId()));
                    if (server.otherInstances() > 0) {
                        out.append("\n       ").append(ProblemLines.sharedIdentity(server.otherInstances(), ns.nodeName()));
                    }
                }
                out.append('\n');
                volumes.stream()
                        .filter(v -> v.namespaceIndex() == ns.index() && v.serverIndex() == server.index())
                        .forEach(v -> out.append(volumeLine(v, verbosity)).append(spaceOf(v, ns.name(), space, verbosity))
                                .append('\n'));
            }
        }
        return out.toString();
    }

    static String volumeLine(VolumeRow v, int verbosity) {
        StringBuilder line = new StringBuilder(String.format("    %s %-16s %-4s %13d blocks of %4d bytes",
                deviceIndex(v.device()), v.name(), "disk", v.size() / v.blockSize(), v.blockSize()));
        if (verbosity >= 1) {
            line.append(String.format("  %s  %d path(s)", v.readOnly() ? "ro" : "rw", v.readyPaths()));
        }
        if (verbosity >= 2) {
            line.append(String.format("  %s  device dir %s", Units.bytes(v.size()), v.device()));
        }
        if (verbosity >= 3) {
            line.append("\n        id ").append(v.id());
            if (!v.nbdSocket().isEmpty()) {
                line.append("\n        nbd+unix:///").append(v.name()).append("?socket=").append(v.nbdSocket());
            }
        }
        return line.toString();
    }

    /** -qvv: "allocated X of Y" (and pool, thick, snapshot origin) when the server told rsiod. */
    static String spaceOf(VolumeRow v, String namespace, List<VolumeUsageRow> space, int verbosity) {
        if (verbosity < 2) {
            return "";
        }
        return space.stream().filter(u -> u.namespace().equals(namespace) && u.name().equals(v.name())).findFirst()
                .map(u -> String.format("  allocated %s of %s (%d of %d bytes)%s%s%s", Units.bytes(u.allocated()),
                        Units.bytes(u.provisioned()), u.allocated(), u.provisioned(),
                        u.pool().isEmpty() ? "" : ", pool " + u.pool(), u.thick() ? ", thick" : "",
                        u.origin().isEmpty() ? "" : ", snapshot of " + u.origin()))
                .orElse("");
    }

    /** The seed prints the digit of the suggested directory ("av0" → 0) before each volume. */
    private static String deviceIndex(String device) {
        String digits = device.replaceAll("\\D", "");
        return digits.isEmpty() ? "-" : digits;
    }
}
