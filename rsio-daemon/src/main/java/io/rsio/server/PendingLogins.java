package io.rsio.server;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Counts, per source address, the connections that have not logged in yet, and refuses more
 * than {@code limit} of them: one host without a key cannot hold hundreds of sockets (each kept
 * for up to the login timeout) and crowd out clients that have one. Logged-in connections do not
 * count; a client with many paths from one address logs each in within milliseconds.
 *
 * <p>Refusals are logged at most once per {@link #LOG_INTERVAL_NANOS}, with the number refused
 * since the last line, so a flood cannot fill the log.
 */
final class PendingLogins {
    private static final Logger LOG = LogManager.getLogger(PendingLogins.class);
    static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final int limit;
    private final ConcurrentHashMap<InetAddress, Integer> pending = new ConcurrentHashMap<>();
    private final AtomicLong refusedSinceLog = new AtomicLong();
    private final java.util.concurrent.atomic.LongAdder refusedTotal = new java.util.concurrent.atomic.LongAdder();
    private final AtomicLong lastLogNanos = new AtomicLong(System.nanoTime() - LOG_INTERVAL_NANOS);

    PendingLogins(int limit) {
        this.limit = limit;
    }

    /** A new connection from {@code source}: true when it may proceed (then {@link #leave} once). */
    boolean tryEnter(InetAddress source) {
        boolean[] admitted = new boolean[1];
        pending.compute(source, (address, count) -> {
            int now = count == null ? 0 : count;
            if (now >= limit) {
                return count;
            }
            admitted[0] = true;
            return now + 1;
        });
        if (!admitted[0]) {
            refused(source);
        }
        return admitted[0];
    }

    /** The connection logged in or closed. Entries at zero are removed, so the map stays small. */
    void leave(InetAddress source) {
        pending.computeIfPresent(source, (address, count) -> count <= 1 ? null : count - 1);
    }

    /** Connections closed unread since rssrv started because their address had too many pending. */
    long refusedTotal() {
        return refusedTotal.sum();
    }

    private void refused(InetAddress source) {
        refusedTotal.increment();
        long refused = refusedSinceLog.incrementAndGet();
        long now = System.nanoTime();
        long last = lastLogNanos.get();
        if (now - last >= LOG_INTERVAL_NANOS && lastLogNanos.compareAndSet(last, now)) {
            refusedSinceLog.addAndGet(-refused);
            LOG.warn("refused {} connection(s) in the last {} s: too many not logged in from one address (latest {}, "
                    + "limit max_pending_logins = {})", refused, (now - last) / 1_000_000_000L,
                    source.getHostAddress(), limit);
        }
    }
}
