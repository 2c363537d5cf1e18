package io.rsio.server.qos;

import io.rsio.wire.message.VolumeLimit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * What a volume's requests pass on rssrv before they reach its store (docs/VOLUMES.md,
 * "Throttling"): the volume's bandwidth and IOPS limit and each client's own limit on it, as
 * token buckets. A request over a limit waits (it is never refused) and the time it waited is
 * counted. Limits change at any time; a bucket whose rate stays the same keeps its state.
 *
 * <p>Thread-safe: the event loops of every connection to the volume admit requests here.
 */
public final class VolumeGate {
    /** A limit's two buckets; null where that dimension is unlimited. */
    private record Buckets(VolumeLimit limit, TokenBucket bytes, TokenBucket ops) {
        static Buckets of(VolumeLimit limit, Buckets before) {
            return new Buckets(limit, bucket(limit.bytesPerSecond(), before == null ? null : before.bytes),
                    bucket(limit.iops(), before == null ? null : before.ops));
        }

        private static TokenBucket bucket(long rate, TokenBucket before) {
            if (rate == 0) {
                return null;
            }
            return before != null && before.rate() == rate ? before : new TokenBucket(rate);
        }

        long take(long bytes, long now) {
            long wait = 0;
            if (this.bytes != null && bytes > 0) {
                wait = this.bytes.take(bytes, now);
            }
            if (ops != null) {
                wait = Math.max(wait, ops.take(1, now));
            }
            return wait;
        }
    }

    /** The volume's limit under client "", each client's under its name; replaced whole. */
    private volatile Map<String, Buckets> limits = Map.of();
    private final LongAdder throttledRequests = new LongAdder();
    private final LongAdder throttledNanos = new LongAdder();

    /**
     * Admits one request of {@code client} moving {@code bytes} of data (0 for DISCARD and
     * WRITE_ZEROES, which count as operations only): true when it may go at once; otherwise
     * {@code go} runs on {@code loop} once its limits allow and this answers false.
     */
    public boolean admit(String client, long bytes, ScheduledExecutorService loop, Runnable go) {
        Map<String, Buckets> now = limits;
        if (now.isEmpty()) {
            return true;
        }
        long at = System.nanoTime();
        long wait = 0;
        Buckets volume = now.get("");
        if (volume != null) {
            wait = volume.take(bytes, at);
        }
        Buckets own = now.get(client);
        if (own != null) {
            wait = Math.max(wait, own.take(bytes, at));
        }
        if (wait == 0) {
            return true;
        }
        throttledRequests.increment();
        throttledNanos.add(wait);
        loop.schedule(go, wait, TimeUnit.NANOSECONDS);
        return false;
    }

    /** Sets the limits in force: the volume's (client "") and per client; unlimited ones are dropped. */
    public synchronized void limit(List<VolumeLimit> next) {
        Map<String, Buckets> before = limits;
        Map<String, Buckets> after = new HashMap<>();
        for (VolumeLimit l : next) {
            if (!l.unlimited()) {
                after.put(l.client(), Buckets.of(l, before.get(l.client())));
            }
        }
        limits = Map.copyOf(after);
    }

    /** The limits in force, the volume's first, then per client by name. */
    public List<VolumeLimit> limits() {
        List<VolumeLimit> out = new ArrayList<>(limits.values().stream().map(Buckets::limit).toList());
        out.sort(java.util.Comparator.comparing(VolumeLimit::client));
        return out;
    }

    /** Requests that waited for a limit since the volume was opened. */
    public long throttledRequests() {
        return throttledRequests.sum();
    }

    /** Their waits, summed. */
    public long throttledNanos() {
        return throttledNanos.sum();
    }
}
