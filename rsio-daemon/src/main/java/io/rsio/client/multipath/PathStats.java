package io.rsio.client.multipath;

import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one path (or one volume) and the rates derived from them once a second: what
 * {@code rsconfig -m stat} shows, and the measured throughput the scheduler weighs paths by.
 *
 * <p>The rates of every path and every volume are taken by one clock ({@link #tickAll}) at the
 * same instant, so within one {@code stat} answer they cover the same second: a volume's MB/s is
 * then the sum of its paths' (issue 12 saw 58.7 MB/s on the only path and 104.8 on its volume,
 * sampled by two timers). The scheduler's busy-rate keeps its own per-path sampling.
 */
public final class PathStats {
    private static final Set<PathStats> ALL = Collections.newSetFromMap(new WeakHashMap<>());
    private static final ScheduledExecutorService CLOCK = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "rsio-stats-clock");
        t.setDaemon(true);
        return t;
    });

    static {
        CLOCK.scheduleAtFixedRate(() -> tickAll(System.nanoTime()), 1, 1, TimeUnit.SECONDS);
    }

    /** Rates older than this are not trusted by the scheduler (the path may have been idle). */
    static final long STALE_NANOS = 2_000_000_000L;

    final LongAdder readOps = new LongAdder();
    final LongAdder writeOps = new LongAdder();
    final LongAdder otherOps = new LongAdder();
    final LongAdder readBytes = new LongAdder();
    final LongAdder writeBytes = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder failovers = new LongAdder();
    /** Bytes of requests sent and not yet answered; the scheduler's queue measure. */
    final AtomicLong outstandingBytes = new AtomicLong();

    private long lastSampleNanos = System.nanoTime();
    private long lastTickNanos = System.nanoTime();
    private long tickReadOps;
    private long tickWriteOps;
    private long tickReadBytes;
    private long tickWriteBytes;
    private long lastReadOps;
    private long lastWriteOps;
    private long lastReadBytes;
    private long lastWriteBytes;
    private volatile Rates rates = new Rates(0, 0, 0, 0);
    private volatile double busyBytesPerSecond;
    private volatile long busyRateNanos;

    /** Per-second rates over the last sample interval. */
    public record Rates(double readBytesPerSecond, double writeBytesPerSecond, double readOpsPerSecond,
                 double writeOpsPerSecond) {}

    PathStats() {
        synchronized (PathStats.class) {
            ALL.add(this);
        }
    }

    /** Takes the rates of every path and volume at {@code nowNanos}: one clock, one window. */
    static synchronized void tickAll(long nowNanos) {
        for (PathStats s : List.copyOf(ALL)) {
            s.tick(nowNanos);
        }
    }

    private synchronized void tick(long now) {
        double seconds = Math.max(1e-3, (now - lastTickNanos) / 1e9);
        long rOps = readOps.sum();
        long wOps = writeOps.sum();
        long rBytes = readBytes.sum();
        long wBytes = writeBytes.sum();
        rates = new Rates((rBytes - tickReadBytes) / seconds, (wBytes - tickWriteBytes) / seconds,
                (rOps - tickReadOps) / seconds, (wOps - tickWriteOps) / seconds);
        lastTickNanos = now;
        tickReadOps = rOps;
        tickWriteOps = wOps;
        tickReadBytes = rBytes;
        tickWriteBytes = wBytes;
    }

    void completed(IoRequest.Kind kind, int bytes) {
        switch (kind) {
            case READ -> {
                readOps.increment();
                readBytes.add(bytes);
            }
            case WRITE -> {
                writeOps.increment();
                writeBytes.add(bytes);
            }
            default -> otherOps.increment();
        }
    }

    /**
     * Takes a sample for the scheduler; called about once a second by the path. When the path had
     * work queued throughout, the bytes it moved are its capacity, folded into
     * {@link #busyBytesPerSecond()}. (The shown rates come from {@link #tickAll}.)
     */
    synchronized void sample(boolean wasBusy) {
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - lastSampleNanos) / 1e9);
        long rOps = readOps.sum();
        long wOps = writeOps.sum();
        long rBytes = readBytes.sum();
        long wBytes = writeBytes.sum();
        double moved = (rBytes - lastReadBytes + wBytes - lastWriteBytes) / seconds;
        if (wasBusy && moved > 0) {
            busyBytesPerSecond = busyRateNanos == 0 ? moved : 0.5 * busyBytesPerSecond + 0.5 * moved;
            busyRateNanos = now;
        }
        lastSampleNanos = now;
        lastReadOps = rOps;
        lastWriteOps = wOps;
        lastReadBytes = rBytes;
        lastWriteBytes = wBytes;
    }

    public Rates rates() {
        return rates;
    }

    public long readBytes() {
        return readBytes.sum();
    }

    public long writeBytes() {
        return writeBytes.sum();
    }

    public long readOps() {
        return readOps.sum();
    }

    public long writeOps() {
        return writeOps.sum();
    }

    public long errors() {
        return errors.sum();
    }

    public long failovers() {
        return failovers.sum();
    }

    /** Measured capacity in bytes per second, or 0 when unknown or stale. */
    double busyBytesPerSecond() {
        return busyRateNanos != 0 && System.nanoTime() - busyRateNanos < STALE_NANOS ? busyBytesPerSecond : 0;
    }
}
