package io.rsio.block;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real in-memory block target for tests: stores data, honours its own limits (an oversized
 * read or write fails with EINVAL, which proves the NBD layer splits), can fail a range with EIO
 * and delay a range (to force out-of-order completion), and counts what it was asked to do.
 */
public final class MemoryBlockTarget implements BlockTarget {
    private static final ScheduledExecutorService DELAYS = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "memory-target-delay");
        t.setDaemon(true);
        return t;
    });

    private final String name;
    private final int blockSize;
    private final int maxIoSize;
    private final boolean readOnly;
    private byte[] data;
    private volatile long size;

    private volatile long failOffset = -1;
    private volatile long failLength;
    private volatile long delayOffset = -1;
    private volatile long delayLength;
    private volatile Duration delay = Duration.ZERO;

    public final AtomicInteger reads = new AtomicInteger();
    public final AtomicInteger writes = new AtomicInteger();
    public final AtomicInteger fuaWrites = new AtomicInteger();
    public final AtomicInteger flushes = new AtomicInteger();
    public final AtomicInteger discards = new AtomicInteger();
    public final AtomicInteger zeroes = new AtomicInteger();
    public final AtomicInteger zeroesWithoutHoles = new AtomicInteger();
    public final AtomicLong largestIo = new AtomicLong();

    public MemoryBlockTarget(String name, int size, int blockSize, int maxIoSize, boolean readOnly) {
        this.name = name;
        this.data = new byte[size];
        this.size = size;
        this.blockSize = blockSize;
        this.maxIoSize = maxIoSize;
        this.readOnly = readOnly;
    }

    public MemoryBlockTarget(String name, int size) {
        this(name, size, 512, 1 << 20, false);
    }

    /** Reads and writes overlapping this range fail with EIO. */
    public MemoryBlockTarget failRange(long offset, long length) {
        failLength = length;
        failOffset = offset;
        return this;
    }

    /** Operations overlapping this range complete only after {@code delay}, on another thread. */
    public MemoryBlockTarget delayRange(long offset, long length, Duration delay) {
        this.delay = delay;
        delayLength = length;
        delayOffset = offset;
        return this;
    }

    /** Changes the size (as an online resize would); data past the new end is dropped. */
    public synchronized void resize(int newSize) {
        data = Arrays.copyOf(data, newSize);
        size = newSize;
    }

    public synchronized byte[] contents() {
        return data.clone();
    }

    public synchronized void load(byte[] bytes) {
        System.arraycopy(bytes, 0, data, 0, bytes.length);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public int blockSize() {
        return blockSize;
    }

    @Override
    public int maxIoSize() {
        return maxIoSize;
    }

    @Override
    public boolean readOnly() {
        return readOnly;
    }

    @Override
    public CompletableFuture<ByteBuf> read(long offset, int length) {
        reads.incrementAndGet();
        largestIo.accumulateAndGet(length, Math::max);
        return later(offset, length, () -> {
            check(offset, length, true);
            ByteBuf buf = ByteBufAllocator.DEFAULT.buffer(length);
            synchronized (this) {
                buf.writeBytes(data, (int) offset, length);
            }
            return buf;
        });
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuf buf, boolean fua) {
        writes.incrementAndGet();
        if (fua) {
            fuaWrites.incrementAndGet();
        }
        int length = buf.readableBytes();
        largestIo.accumulateAndGet(length, Math::max);
        return later(offset, length, () -> {
            try {
                check(offset, length, true);
                if (readOnly) {
                    throw new BlockException(Errno.EROFS, name + " is read-only");
                }
                synchronized (this) {
                    buf.getBytes(buf.readerIndex(), data, (int) offset, length);
                }
                return null;
            } finally {
                buf.release();
            }
        });
    }

    @Override
    public CompletableFuture<Void> flush() {
        flushes.incrementAndGet();
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> discard(long offset, long length) {
        discards.incrementAndGet();
        return zero(offset, length);
    }

    @Override
    public CompletableFuture<Void> writeZeroes(long offset, long length, boolean mayPunchHole) {
        zeroes.incrementAndGet();
        if (!mayPunchHole) {
            zeroesWithoutHoles.incrementAndGet();
        }
        return zero(offset, length);
    }

    private CompletableFuture<Void> zero(long offset, long length) {
        return later(offset, length, () -> {
            check(offset, length, false);
            synchronized (this) {
                Arrays.fill(data, (int) offset, (int) (offset + length), (byte) 0);
            }
            return null;
        });
    }

    private void check(long offset, long length, boolean dataIo) {
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new BlockException(Errno.EINVAL, "range " + offset + "+" + length + " beyond " + size);
        }
        if (dataIo && length > maxIoSize) {
            throw new BlockException(Errno.EINVAL, length + " bytes exceed maxIoSize " + maxIoSize);
        }
        if (overlaps(offset, length, failOffset, failLength)) {
            throw new BlockException(Errno.EIO, "injected failure at " + offset);
        }
    }

    private interface Op<T> {
        T run();
    }

    private <T> CompletableFuture<T> later(long offset, long length, Op<T> op) {
        if (!overlaps(offset, length, delayOffset, delayLength)) {
            try {
                return CompletableFuture.completedFuture(op.run());
            } catch (RuntimeException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        DELAYS.schedule(() -> {
            try {
                f.complete(op.run());
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        }, delay.toNanos(), TimeUnit.NANOSECONDS);
        return f;
    }

    private static boolean overlaps(long offset, long length, long rangeOffset, long rangeLength) {
        return rangeOffset >= 0 && offset < rangeOffset + rangeLength && rangeOffset < offset + length;
    }
}
