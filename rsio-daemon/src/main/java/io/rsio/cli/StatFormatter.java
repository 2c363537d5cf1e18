package io.rsio.cli;

import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.PathStatRow;
import io.rsio.control.ControlRows.VolumeStatRow;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * {@code rsconfig -m stat}: per path its state, MB/s and IOPS each way over the last second,
 * requests in flight, RTT, errors, failovers and the last state change; then per volume totals.
 */
final class StatFormatter {
    private static final DateTimeFormatter SINCE = DateTimeFormatter.ofPattern("MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private StatFormatter() {}

    static String format(ControlResponse response) {
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-4s %-5s %-24s %-10s %8s %8s %8s %8s %5s %8s %6s %6s %s%n", "if", "rep",
                "server interface", "state", "rd MB/s", "wr MB/s", "rd IOPS", "wr IOPS", "infl", "rtt us",
                "errors", "failov", "since (GMT)"));
        for (PathStatRow p : response.rows(PathStatRow.class)) {
            out.append(String.format("%-4s %03d   %-24s %-10s %8.1f %8.1f %8.0f %8.0f %5d %8s %6d %6d %s%n",
                    p.interfaceName(), p.repIndex(), p.address() + "/" + p.port(), p.state(),
                    p.readBytesPerSecond() / 1e6, p.writeBytesPerSecond() / 1e6, p.readIops(), p.writeIops(),
                    p.inFlight(), p.rttMicros() < 0 ? "-" : Long.toString(p.rttMicros()), p.errors(), p.failovers(),
                    SINCE.format(Instant.ofEpochMilli(p.stateSinceMillis()))));
        }
        out.append(String.format("%n%-24s %5s %8s %8s %8s %8s %6s %12s %12s%n", "volume", "paths", "rd MB/s", "wr MB/s",
                "rd IOPS", "wr IOPS", "errors", "read total", "written"));
        for (VolumeStatRow v : response.rows(VolumeStatRow.class)) {
            out.append(String.format("%-24s %5d %8.1f %8.1f %8.0f %8.0f %6d %12s %12s%n", v.namespace() + ":" + v.name(),
                    v.readyPaths(), v.readBytesPerSecond() / 1e6, v.writeBytesPerSecond() / 1e6, v.readIops(),
                    v.writeIops(), v.errors(), Units.bytes(v.readBytes()), Units.bytes(v.writeBytes())));
            if (v.noSpace()) {
                out.append("    ").append(ProblemLines.noSpace(v.name(), v.noSpaceErrors())).append('\n');
            }
        }
        return out.toString();
    }
}
