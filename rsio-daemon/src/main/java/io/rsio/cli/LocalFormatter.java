package io.rsio.cli;

import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.BlockLayerRow;
import io.rsio.control.ControlRows.DeviceRow;
import io.rsio.control.ControlRows.LocalRow;
import java.util.List;

/**
 * {@code rsconfig -l}: the local view in the seed's format. {@code -l} names each attached
 * volume ({@code osl:oracle@0}, the digit being its device directory's, as in {@code rsconfig -q});
 * {@code -lv} adds the seed's {@code c:} and {@code b:} lines; {@code -lvv} adds a line with the
 * attach method and the kernel device underneath, after the seed's lines, never inside them.
 */
final class LocalFormatter {
    private LocalFormatter() {}

    static String format(ControlResponse response, int verbosity) {
        StringBuilder out = new StringBuilder();
        List<LocalRow> rows = response.rows(LocalRow.class);
        if (verbosity >= 2) {
            for (BlockLayerRow layer : response.rows(BlockLayerRow.class)) {
                if (rows.isEmpty()) {
                    out.append("no devices attached; attach method ").append(layer.method()).append(" (")
                            .append(layer.reason()).append(")\n");
                }
            }
        }
        for (LocalRow r : rows) {
            out.append(r.namespace()).append(':').append(r.name()).append('@').append(deviceIndex(r.deviceDir()))
                    .append('\n');
            if (verbosity >= 1) {
                out.append(String.format("    c: %-20s %13d blocks, %2d server(s)%n", r.charPath(),
                        r.size() / r.blockSize(), r.servers()));
                out.append(String.format("    b: %s%n", r.blockPath()));
            }
            if (verbosity >= 2) {
                out.append(String.format("    m: %s %s%s%s, block size %d, on %s%s%n", r.method(), r.device(),
                        r.directIo() ? " (direct I/O)" : "", r.readOnly() ? " read-only" : "", r.blockSize(),
                        r.backing(), r.state().equals("attached") ? "" : " [" + r.state() + "]"));
            }
        }
        return out.toString();
    }

    /** One line per volume for {@code -a}, {@code -d} and {@code --stop}; failures go to {@code err}. */
    static void outcomes(ControlResponse response, StringBuilder out, StringBuilder err) {
        for (DeviceRow r : response.rows(DeviceRow.class)) {
            String who = r.namespace() + ":" + r.name();
            switch (r.action()) {
                case "attached" -> out.append(who).append(" attached: b: ").append(r.blockPath()).append("  c: ")
                        .append(r.charPath()).append('\n');
                case "already" -> out.append(who).append(" already attached: b: ").append(r.blockPath())
                        .append("  c: ").append(r.charPath()).append('\n');
                case "detached" -> out.append(who).append(" detached (").append(r.blockPath()).append(")\n");
                case "forced" -> out.append(who).append(" detached by force (").append(r.blockPath()).append("): ")
                        .append(r.message()).append('\n');
                case "pending" -> out.append(who).append(" detaching: ").append(r.message()).append('\n');
                case "refused" -> err.append("rsconfig: ").append(who).append(" not detached: ").append(r.message())
                        .append('\n');
                default -> err.append("rsconfig: ").append(who).append(": ").append(r.message()).append('\n');
            }
        }
    }

    /** The seed prints the digit of the suggested directory ("av0" → 0). */
    private static String deviceIndex(String device) {
        String digits = device.replaceAll("\\D", "");
        return digits.isEmpty() ? "-" : digits;
    }
}
