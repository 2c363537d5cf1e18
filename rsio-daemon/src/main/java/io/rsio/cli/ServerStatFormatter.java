package io.rsio.cli;

import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.ServerVolumeStatRow;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code rsconfig -m vstat}: per volume and server what the server did for it since it opened
 * it (docs/VOLUMES.md, "Statistics"): requests and bytes each way, the requests its limits held
 * and how long they waited in all, the limits in force, whether it is paused, and the store's
 * latency as a histogram with its median and 99th percentile. crsio shows the limits in the same words.
 */
public final class ServerStatFormatter {
    private ServerStatFormatter() {}

    static String format(ControlResponse response) {
        List<ServerVolumeStatRow> rows = response.rows(ServerVolumeStatRow.class);
        if (rows.isEmpty()) {
            return "no volumes (or no server logged in that keeps statistics)\n";
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format("%-24s %-12s %10s %11s %10s %11s %10s %10s %s%n", "volume", "server", "reads",
                "read", "writes", "written", "throttled", "waited s", "state"));
        for (ServerVolumeStatRow v : rows) {
            out.append(String.format("%-24s %-12s %10d %11s %10d %11s %10d %10.3f %s%n", v.namespace() + ":" + v.name(),
                    v.server(), v.reads(), Units.bytes(v.readBytes()), v.writes(), Units.bytes(v.writtenBytes()),
                    v.throttledRequests(), v.throttledNanos() / 1e9, v.paused() ? "PAUSED" : "running"));
            out.append("    limits: ").append(limits(v.limits())).append('\n');
            out.append("    latency: ").append(latency(v.latency())).append('\n');
        }
        return out.toString();
    }

    /** {@code volume 10M/s 2000 IOPS; big-3 1M/s}, or {@code none}. */
    public static String limits(String words) {
        if (words.isBlank()) {
            return "none";
        }
        List<String> parts = new ArrayList<>();
        for (String word : words.split(" ")) {
            int eq = word.indexOf('=');
            int slash = word.indexOf('/', eq);
            String client = word.substring(0, eq);
            long bytes = Long.parseLong(word.substring(eq + 1, slash));
            long iops = Long.parseLong(word.substring(slash + 1));
            List<String> limit = new ArrayList<>();
            if (bytes > 0) {
                limit.add(Units.bytes(bytes) + "/s");
            }
            if (iops > 0) {
                limit.add(iops + " IOPS");
            }
            parts.add((client.isEmpty() ? "volume " : "client " + client + " ") + String.join(" ", limit));
        }
        return String.join("; ", parts);
    }

    /** {@code 1234 requests, p50 <= 250us, p99 <= 5ms; <=50us 10 <=100us 200 …}: the buckets that hold any. */
    static String latency(String words) {
        List<long[]> buckets = new ArrayList<>();
        long total = 0;
        for (String word : words.split(" ")) {
            if (word.isEmpty()) {
                continue;
            }
            int colon = word.indexOf(':');
            String bound = word.substring(0, colon);
            long count = Long.parseLong(word.substring(colon + 1));
            buckets.add(new long[] {bound.equals("inf") ? Long.MAX_VALUE : Long.parseLong(bound), count});
            total += count;
        }
        if (total == 0) {
            return "no requests yet";
        }
        StringBuilder histogram = new StringBuilder();
        for (long[] b : buckets) {
            if (b[1] > 0) {
                histogram.append(' ').append(bound(b[0])).append(' ').append(b[1]);
            }
        }
        return total + " requests, p50 " + percentile(buckets, total, 0.5) + ", p99 " + percentile(buckets, total, 0.99)
                + ";" + histogram;
    }

    private static String percentile(List<long[]> buckets, long total, double q) {
        long seen = 0;
        for (long[] b : buckets) {
            seen += b[1];
            if (seen >= Math.ceil(total * q)) {
                return bound(b[0]);
            }
        }
        return bound(Long.MAX_VALUE);
    }

    private static String bound(long nanos) {
        if (nanos == Long.MAX_VALUE) {
            return ">10s";
        }
        return nanos < 1_000_000 ? "<=" + nanos / 1000 + "us" : nanos < 1_000_000_000L
                ? "<=" + trim(nanos / 1e6) + "ms" : "<=" + trim(nanos / 1e9) + "s";
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
