package io.rsio.server.qos;

/**
 * A token bucket that makes requests wait rather than refusing them (docs/VOLUMES.md,
 * "Throttling"): {@code rate} tokens a second, at most {@link #BURST_NANOS} worth of them saved
 * up while idle. A request takes its tokens at once, even more than the bucket holds, and is
 * told how long to wait until the bucket is back at zero; the requests after it wait longer in
 * turn. So a limit holds over any stretch of time longer than the burst, large requests are
 * never starved, and nothing is queued here: the caller holds the request for the time given.
 *
 * <p>Kept as one number, the time at which the bucket will be full again (the "theoretical
 * arrival time" of the GCRA). Thread-safe; callers on several event loops share one bucket.
 */
final class TokenBucket {
    /** Idle time a bucket saves up tokens for: short, so a limit holds over short stretches too. */
    static final long BURST_NANOS = 50_000_000L;

    private final long rate;
    private long fullAt;

    TokenBucket(long ratePerSecond) {
        if (ratePerSecond <= 0) {
            throw new IllegalArgumentException("rate must be positive, found " + ratePerSecond);
        }
        this.rate = ratePerSecond;
        this.fullAt = Long.MIN_VALUE / 2;
    }

    long rate() {
        return rate;
    }

    /**
     * Takes {@code cost} tokens at {@code nowNanos} and answers how many nanoseconds the request
     * must wait before it goes (0: at once).
     */
    synchronized long take(long cost, long nowNanos) {
        // A request costs at most 2^31 tokens (bytes), so cost × 10^9 fits a long.
        long nanos = Math.min(cost, Integer.MAX_VALUE) * 1_000_000_000L / rate;
        fullAt = Math.max(fullAt, nowNanos) + nanos;
        return Math.max(0, fullAt - nowNanos - BURST_NANOS);
    }
}
