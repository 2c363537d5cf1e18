package io.rsio.server.discovery;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Token buckets that bound how many discovery answers rssrv sends: per source address (so one
 * host, or one forged address, gets at most {@code perSourceBurst} at once and then
 * {@code perSourcePerSecond}), and in total (so a flood from many forged sources cannot turn the
 * server into a traffic source either). The table of sources is bounded; the least recently
 * seen source is forgotten first, which at worst gives a forgotten source a fresh burst.
 *
 * <p>Thread-safe; called from the event loops of the discovery sockets.
 */
public final class DiscoveryRateLimiter {
    static final int MAX_SOURCES = 4096;

    private final double perSourcePerSecond;
    private final double perSourceBurst;
    private final double totalPerSecond;
    private final double totalBurst;
    private final LongSupplier nanoClock;
    private final Map<InetAddress, Bucket> sources = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
            return size() > MAX_SOURCES;
        }
    };
    private final Bucket total;

    private static final class Bucket {
        double tokens;
        long lastNanos;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.lastNanos = now;
        }

        boolean take(double perSecond, double burst, long now) {
            tokens = Math.min(burst, tokens + (now - lastNanos) / 1e9 * perSecond);
            lastNanos = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }

    public DiscoveryRateLimiter(double perSourcePerSecond, int perSourceBurst, double totalPerSecond, int totalBurst,
                                LongSupplier nanoClock) {
        this.perSourcePerSecond = perSourcePerSecond;
        this.perSourceBurst = perSourceBurst;
        this.totalPerSecond = totalPerSecond;
        this.totalBurst = totalBurst;
        this.nanoClock = nanoClock;
        this.total = new Bucket(totalBurst, nanoClock.getAsLong());
    }

    /** rssrv's limits: 5 answers at once and 2 a second per source; 50 at once and 20 a second in all. */
    public static DiscoveryRateLimiter standard() {
        return new DiscoveryRateLimiter(2, 5, 20, 50, System::nanoTime);
    }

    /** Whether an answer to {@code source} may be sent now; takes a token from both buckets if so. */
    public synchronized boolean allow(InetAddress source) {
        long now = nanoClock.getAsLong();
        Bucket bucket = sources.computeIfAbsent(source, s -> new Bucket(perSourceBurst, now));
        // Check the source first: a source over its limit must not use up the global budget.
        if (!bucket.take(perSourcePerSecond, perSourceBurst, now)) {
            return false;
        }
        if (!total.take(totalPerSecond, totalBurst, now)) {
            bucket.tokens += 1; // not sent: give the source its token back
            return false;
        }
        return true;
    }

    synchronized int trackedSources() {
        return sources.size();
    }
}
