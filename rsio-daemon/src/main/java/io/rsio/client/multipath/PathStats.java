package io.rsio.client.multipath;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one path (or one volume) and the rates derived from them once a second: what
 * {@code rsconfig -m stat} shows, and the measured throughput the scheduler weighs paths by.
 */
public final class PathStats {
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
     * Takes a sample; called about once a second. When the path had work queued throughout,
     * the bytes it moved are its capacity, folded into {@link #busyBytesPerSecond()}.
     */
    synchronized void sample(boolean wasBusy) {
        long now = System.nanoTime();
        double seconds = Math.max(1e-3, (now - lastSampleNanos) / 1e9);
        long rOps = readOps.sum();
        long wOps = writeOps.sum();
        long rBytes = readBytes.sum();
        long wBytes = writeBytes.sum();
        rates = new Rates((rBytes - lastReadBytes) / seconds, (wBytes - lastWriteBytes) / seconds,
                (rOps - lastReadOps) / seconds, (wOps - lastWriteOps) / seconds);
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
