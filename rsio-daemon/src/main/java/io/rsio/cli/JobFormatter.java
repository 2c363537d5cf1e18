package io.rsio.cli;

import io.rsio.control.ControlRows.JobRow;
import java.util.List;

/**
 * {@code rsconfig -m jobs} and the progress line of {@code rsconfig -K/-B/-S} (docs/VOLUMES.md,
 * "Copies"): each server's copy jobs, running and recently ended, with bytes done of the total,
 * the rate and the time taken.
 */
public final class JobFormatter {
    private static final int BAR = 30;

    private JobFormatter() {}

    static String format(List<JobRow> rows) {
        if (rows.isEmpty()) {
            return "no copy jobs (running or ended in the last 10 minutes)\n";
        }
        StringBuilder out = new StringBuilder(String.format("%-12s %4s %-8s %-9s %5s %23s %12s %9s  %s%n", "server",
                "job", "kind", "state", "done", "bytes", "rate", "elapsed", "source -> target (pool, client)"));
        for (JobRow j : rows) {
            out.append(String.format("%-12s %4d %-8s %-9s %4d%% %23s %12s %8.1fs  %s -> %s (%s, %s)%s%n", j.server(),
                    j.id(), j.kind(), j.state(), percent(j), Units.bytes(j.done()) + "/" + Units.bytes(j.total()),
                    j.reflink() ? "reflink" : Units.bytes(j.rate()) + "/s", j.elapsedMillis() / 1000.0,
                    j.namespace() + ":" + j.source(), j.target(), j.pool(), j.client(),
                    j.message().isEmpty() ? "" : "\n    " + j.message()));
        }
        return out.toString();
    }

    /** {@code [#########.....]  45% 115.0 MiB of 256.0 MiB, 310.0 MiB/s}. */
    static String progress(JobRow j) {
        int filled = (int) (BAR * percent(j) / 100);
        return "[" + "#".repeat(filled) + ".".repeat(BAR - filled) + "] " + String.format("%3d%% ", percent(j))
                + Units.bytes(j.done()) + " of " + Units.bytes(j.total()) + ", " + Units.bytes(j.rate()) + "/s";
    }

    /** The line a finished job ends with (also crsio's message line). */
    public static String ended(JobRow j) {
        return "job " + j.id() + " on " + j.server() + ": " + j.kind() + " " + j.target() + " " + j.state()
                + (j.state().equals("done") ? ", " + Units.bytes(j.total()) + (j.reflink() ? " by reflink"
                : " in " + String.format("%.1f s (%s/s)", j.elapsedMillis() / 1000.0, Units.bytes(j.rate())))
                : j.message().isEmpty() ? "" : ": " + j.message());
    }

    private static long percent(JobRow j) {
        return j.total() == 0 ? 100 : j.done() * 100 / j.total();
    }
}
