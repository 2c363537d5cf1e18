package io.rsio.server;

import io.rsio.server.store.VolumeStore;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Decides which WRITEs run on the event loop that read them instead of on a store thread.
 * A small write without FUA to a store that {@linkplain VolumeStore#buffersWrites() buffers
 * writes} is a copy into the page cache: a few microseconds, less than the two thread
 * wake-ups a store-thread hop costs. The kernel can still make such a write wait (dirty-page
 * throttling, memory reclaim, metadata from disk): when one takes longer than
 * {@link #STALL_NANOS}, writes to that volume go back to the store threads for
 * {@link #PAUSE_NANOS}, so a slow disk costs the event loop one stall, not one per write.
 */
final class InlineWriteGate {
    private static final Logger LOG = LogManager.getLogger(InlineWriteGate.class);

    static final int MAX_BYTES = 64 * 1024;
    static final long STALL_NANOS = 1_000_000;
    static final long PAUSE_NANOS = 2_000_000_000L;

    /** Per store: the System.nanoTime until which its writes go to store threads (0: none). */
    private final Map<VolumeStore, Long> pausedUntil = new ConcurrentHashMap<>();

    boolean mayRunInline(VolumeStore store, int length, boolean fua, long now) {
        if (fua || length > MAX_BYTES || !store.buffersWrites()) {
            return false;
        }
        Long until = pausedUntil.get(store);
        return until == null || now - until >= 0;
    }

    /** Reports how long an inline write took; a stall pauses inline writes to that store. */
    void finished(VolumeStore store, long startNanos, long endNanos) {
        long took = endNanos - startNanos;
        if (took > STALL_NANOS) {
            Long previous = pausedUntil.put(store, endNanos + PAUSE_NANOS);
            if (previous == null || endNanos - previous >= 0) {
                LOG.info("volume {}: a write waited {} ms in the kernel; writes go to store threads for {} s",
                        store.name(), took / 1_000_000, PAUSE_NANOS / 1_000_000_000);
            }
        }
    }
}
