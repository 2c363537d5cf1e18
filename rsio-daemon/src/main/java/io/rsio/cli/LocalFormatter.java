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
 * attach method and the kernel device underneath, after the seed's lines, never inside them,
 * and a last line with the FUSE transport of the devices (io_uring or /dev/fuse, and why).
 */
final class LocalFormatter {
    private LocalFormatter() {}

    static String format(ControlResponse response, int verbosity) {
        StringBuilder out = new StringBuilder();
        List<LocalRow> rows = response.rows(LocalRow.class);
        if (rows.isEmpty()) {
            // Silence would read as "rsconfig did nothing"; -lvv adds how devices would be made.
            List<BlockLayerRow> layers = response.rows(BlockLayerRow.class);
            if (verbosity >= 2 && !layers.isEmpty()) {
                for (BlockLayerRow layer : layers) {
                    out.append("no devices attached; attach method ").append(layer.method()).append(" (")
                            .append(layer.reason()).append(")\n");
                    transportLine(layer, out);
                }
            } else {
                out.append("no devices attached (rsconfig -a attaches the volumes rsconfig -q lists)\n");
            }
        }
        for (LocalRow r : rows) {
            out.append(r.namespace()).append(':').append(r.name()).append('@').append(DeviceLines.deviceIndex(r.deviceDir()))
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
        if (verbosity >= 2 && !rows.isEmpty()) {
            response.rows(BlockLayerRow.class).forEach(layer -> transportLine(layer, out));
        }
        return out.toString();
    }

    /** How the devices' FUSE requests travel (io_uring or /dev/fuse) and why; nothing without FUSE. */
    private static void transportLine(BlockLayerRow layer, StringBuilder out) {
        if (!layer.fuseTransport().isEmpty()) {
            out.append("FUSE transport: ").append(layer.fuseTransport()).append('\n');
        }
    }

    /** One line per volume for {@code -a}, {@code -d} and {@code --stop}; failures go to {@code err}. */
    static void outcomes(ControlResponse response, StringBuilder out, StringBuilder err) {
        for (DeviceRow r : response.rows(DeviceRow.class)) {
            if (DeviceLines.failed(r)) {
                err.append("rsconfig: ").append(DeviceLines.outcome(r)).append('\n');
            } else {
                out.append(DeviceLines.outcome(r)).append('\n');
            }
        }
    }
}
