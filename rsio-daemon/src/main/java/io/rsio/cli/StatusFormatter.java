package io.rsio.cli;

import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.InterfaceRow;
import io.rsio.control.ControlRows.PathRow;
import java.util.Comparator;
import java.util.List;

/**
 * {@code rsconfig -m status}: a block per client interface, a {@code rep:} line per server
 * interface, exactly the seed's format for connected paths; a path that is not connected also
 * says why, in parentheses after the seed's columns, and an interface without any path says why
 * on a line of its own.
 */
final class StatusFormatter {
    private StatusFormatter() {}

    static String format(ControlResponse response) {
        StringBuilder out = new StringBuilder();
        List<PathRow> paths = response.rows(PathRow.class).stream()
                .sorted(Comparator.comparingInt(PathRow::repIndex)).toList();
        for (InterfaceRow itf : response.rows(InterfaceRow.class)) {
            out.append(String.format("%d %s %s %s/%d%n", itf.index(), itf.name(), protocol(itf.protocol()),
                    itf.address(), itf.port()));
            if (paths.stream().noneMatch(p -> p.interfaceIndex() == itf.index())) {
                out.append("    (").append(InterfaceLines.noPathReason(itf)).append(")\n");
            }
            for (PathRow p : paths) {
                if (p.interfaceIndex() != itf.index()) {
                    continue;
                }
                out.append(String.format("    rep: %03d %s %s/%d %s tx: %s rx: %s", p.repIndex(), protocol(p.protocol()),
                        p.address(), p.port(), p.state(), p.tx(), p.rx()));
                if (!p.state().equals("connected")) {
                    out.append(" (").append(p.reason()).append(')');
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    static String protocol(String protocol) {
        return "IP(" + protocol.toUpperCase(java.util.Locale.ROOT) + ")";
    }
}
