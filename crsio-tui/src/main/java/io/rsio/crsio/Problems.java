package io.rsio.crsio;

import io.rsio.cli.ProblemLines;
import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.NamespaceRow;
import io.rsio.control.ControlRows.ServerRow;
import io.rsio.control.ControlRows.VolumeStatRow;
import java.util.ArrayList;
import java.util.List;

/**
 * What rsiod reports that an admin must act on although I/O goes on: volumes whose server is
 * out of space (writes fail with ENOSPC) and servers that see another host logged in under
 * this client's node name and key. Built from rsiod's {@code query} and {@code stat} answers;
 * Path Status and Volumes show the same findings in the same words as rsconfig.
 */
public final class Problems {
    /** A volume its server reports full. */
    public record Full(String namespace, String volume, long failedWrites) {
        public String selector() {
            return namespace + ":" + volume;
        }

        /** rsconfig -m stat's sentence. */
        public String sentence() {
            return ProblemLines.noSpace(selector(), failedWrites);
        }
    }

    /** A server that sees {@code others} other rsiods logged in as {@code nodeName}. */
    public record Shared(String namespace, int serverId, String serverName, String nodeName, int others) {
        /** rsconfig -qv's sentence, with the server named. */
        public String sentence() {
            return "server " + serverName + ": " + ProblemLines.sharedIdentity(others, nodeName);
        }
    }

    public static final Problems NONE = new Problems(List.of(), List.of());

    private final List<Full> full;
    private final List<Shared> shared;

    private Problems(List<Full> full, List<Shared> shared) {
        this.full = full;
        this.shared = shared;
    }

    /** From rsiod's answers; either may be null or an error (then it adds nothing). */
    public static Problems of(ControlResponse query, ControlResponse stat) {
        List<Full> full = new ArrayList<>();
        if (stat != null && stat.ok()) {
            for (VolumeStatRow v : stat.rows(VolumeStatRow.class)) {
                if (v.noSpace()) {
                    full.add(new Full(v.namespace(), v.name(), v.noSpaceErrors()));
                }
            }
        }
        List<Shared> shared = new ArrayList<>();
        if (query != null && query.ok()) {
            List<NamespaceRow> namespaces = query.rows(NamespaceRow.class);
            for (ServerRow s : query.rows(ServerRow.class)) {
                if (s.otherInstances() > 0) {
                    namespaces.stream().filter(n -> n.index() == s.namespaceIndex()).findFirst().ifPresent(n ->
                            shared.add(new Shared(n.name(), s.serverId(), s.serverName(), n.nodeName(),
                                    s.otherInstances())));
                }
            }
        }
        return new Problems(List.copyOf(full), List.copyOf(shared));
    }

    /** A finding's sentence for a detail pane: wrapped to 79 columns, each line indented by one. */
    public static List<String> detailLines(String sentence) {
        return Text.wrap(sentence, 78).lines().map(l -> " " + l).toList();
    }

    /** The volume's finding, or null when its server has room. */
    public Full full(String namespace, String volume) {
        return full.stream().filter(f -> f.namespace().equals(namespace) && f.volume().equals(volume)).findFirst()
                .orElse(null);
    }

    /** The server's finding (by namespace and server id), or null when it sees no other rsiod as us. */
    public Shared shared(String namespace, int serverId) {
        return shared.stream().filter(s -> s.namespace().equals(namespace) && s.serverId() == serverId).findFirst()
                .orElse(null);
    }

    /** The server's finding by name, or null. */
    public Shared shared(String namespace, String serverName) {
        return shared.stream().filter(s -> s.namespace().equals(namespace) && s.serverName().equals(serverName))
                .findFirst().orElse(null);
    }

    /**
     * One line for a screen's header, at most {@code width} columns: every finding named
     * shortly ({@code ! NO SPACE osl:oracle  ! SHARED IDENTITY big-9}); empty when there is none.
     * The selected row's detail gives the whole sentence.
     */
    public String summary(int width) {
        List<String> parts = new ArrayList<>();
        full.forEach(f -> parts.add("! NO SPACE " + f.selector()));
        shared.forEach(s -> parts.add("! SHARED IDENTITY " + s.serverName() + " (another host is " + s.nodeName()
                + ")"));
        return Text.cut(parts.isEmpty() ? "" : " " + String.join("  ", parts), width);
    }
}
