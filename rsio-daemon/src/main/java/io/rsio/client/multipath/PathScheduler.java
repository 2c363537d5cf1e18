package io.rsio.client.multipath;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chooses the path for the next request. {@code adaptive} (the default) sends each request
 * where it is expected to finish first: the bytes already queued on the path plus this
 * request, divided by the path's measured throughput, plus its round-trip time; so equal
 * paths share evenly, and a slow or distant path gets less. {@code roundrobin} takes turns.
 */
final class PathScheduler {
    enum Policy {
        ADAPTIVE, ROUNDROBIN;

        static Policy of(String name) {
            return valueOf(name.toUpperCase(Locale.ROOT));
        }
    }

    private final Policy policy;
    private final AtomicInteger turn = new AtomicInteger();

    PathScheduler(Policy policy) {
        this.policy = policy;
    }

    Policy policy() {
        return policy;
    }

    /** The path for a request of {@code bytes}, or null when no path is ready. */
    RsioPath pick(List<RsioPath> ready, int bytes) {
        int n = ready.size();
        if (n == 0) {
            return null;
        }
        int start = Math.floorMod(turn.getAndIncrement(), n);
        if (policy == Policy.ROUNDROBIN || n == 1) {
            return ready.get(start);
        }
        double fallbackRate = 0;
        for (RsioPath path : ready) {
            fallbackRate = Math.max(fallbackRate, path.stats().busyBytesPerSecond());
        }
        // Unknown rates (new or long-idle paths) count as the best known one, so they get
        // tried and measured instead of starved; with no rate known at all, queue size decides.
        fallbackRate = fallbackRate > 0 ? fallbackRate : 1;
        RsioPath best = null;
        double bestCost = Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            RsioPath path = ready.get((start + i) % n);
            double rate = path.stats().busyBytesPerSecond();
            double cost = (path.stats().outstandingBytes.get() + bytes + 4096.0) / (rate > 0 ? rate : fallbackRate);
            long rtt = path.rttNanos();
            if (fallbackRate > 1 && rtt > 0) {
                cost += rtt / 1e9;
            }
            if (cost < bestCost) {
                bestCost = cost;
                best = path;
            }
        }
        return best;
    }

    /** A ready path to server {@code serverId} (a FLUSH only that server can do), the least loaded, or null. */
    static RsioPath leastLoadedOn(List<RsioPath> ready, int serverId) {
        RsioPath best = null;
        for (RsioPath path : ready) {
            if (path.serverId() == serverId && (best == null || path.outstanding() < best.outstanding())) {
                best = path;
            }
        }
        return best;
    }
}
