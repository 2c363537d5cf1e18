package io.rsio.crsio.progress;

import io.rsio.cli.Units;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The words and the bar of a progress dialog, from a job's {@link JobState.Running} and the time
 * since it started. The rate is the bytes of the last few seconds (a copy that stalls shows it
 * at once), kept here from the polls: the job reports only how far it is.
 */
final class ProgressText {
    static final int BAR_WIDTH = 50;
    private static final long RATE_WINDOW_NANOS = 5_000_000_000L;
    private final Deque<long[]> samples = new ArrayDeque<>(); // {nanos, doneBytes}

    /** The bar: filled to the fraction done, or, without a total, a block that moves each poll. */
    static String bar(JobState.Running<?> r, long polls) {
        StringBuilder b = new StringBuilder("[");
        if (r.measured()) {
            int filled = (int) Math.min(BAR_WIDTH, r.doneBytes() * BAR_WIDTH / r.totalBytes());
            b.append("=".repeat(filled)).append(" ".repeat(BAR_WIDTH - filled)).append("] ").append(percent(r));
        } else {
            int span = BAR_WIDTH - 5;
            int step = (int) (polls % (2L * span));
            int at = step < span ? step : 2 * span - step; // there and back
            b.append(" ".repeat(at)).append("<===>").append(" ".repeat(span - at)).append(']');
        }
        return b.toString();
    }

    /** "42 %" of a job that knows its total. */
    static String percent(JobState.Running<?> r) {
        return Math.min(100, r.doneBytes() * 100 / r.totalBytes()) + " %";
    }

    /** "21.0 MiB of 50.0 MiB, 4.2 MiB/s, 5 s (about 7 s left)", or the time alone without a total. */
    String numbers(JobState.Running<?> r, long nowNanos, long elapsedNanos) {
        long seconds = elapsedNanos / 1_000_000_000L;
        if (!r.measured()) {
            return seconds + " s so far; the answer comes when it is done";
        }
        samples.addLast(new long[] {nowNanos, r.doneBytes()});
        while (samples.size() > 2 && nowNanos - samples.peekFirst()[0] > RATE_WINDOW_NANOS) {
            samples.removeFirst();
        }
        long[] first = samples.peekFirst();
        double span = (nowNanos - first[0]) / 1e9;
        double rate = span > 0 ? (r.doneBytes() - first[1]) / span : 0;
        StringBuilder s = new StringBuilder(Units.bytes(r.doneBytes()) + " of " + Units.bytes(r.totalBytes()));
        if (span > 0) {
            s.append(", ").append(Units.bytes((long) rate)).append("/s");
        }
        s.append(", ").append(seconds).append(" s");
        if (rate > 0) {
            s.append(" (about ").append((long) Math.ceil((r.totalBytes() - r.doneBytes()) / rate)).append(" s left)");
        }
        return s.toString();
    }
}
