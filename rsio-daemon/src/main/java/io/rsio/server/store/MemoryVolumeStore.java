package io.rsio.server.store;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A volume held in memory, for tests and for demos that run without a scratch filesystem.
 * Memory is taken in {@value #CHUNK_SIZE}-byte chunks on first write and given back by
 * discard and write-zeroes when they cover whole chunks, so a mostly empty volume costs
 * little. Contents are lost on close. Like a disk, concurrent I/O to overlapping ranges has
 * no defined order.
 */
public final class MemoryVolumeStore implements VolumeStore {
    /** Largest size accepted: the data lives on the Java heap. */
    public static final long MAX_SIZE = 1L << 30;
    static final int CHUNK_SIZE = 64 * 1024;
    private static final int CHUNK_SHIFT = Integer.numberOfTrailingZeros(CHUNK_SIZE);

    private final VolumeGeometry geometry;
    /** null chunks read as zeros. */
    private final AtomicReferenceArray<byte[]> chunks;
    private volatile boolean closed;

    /**
     * @param size bytes, a multiple of {@code blockSize}, at most {@link #MAX_SIZE}
     */
    public MemoryVolumeStore(String name, long size, int blockSize, boolean readOnly) {
        this.geometry = new VolumeGeometry(name, size, blockSize, readOnly);
        if (size > MAX_SIZE) {
            throw new IllegalArgumentException("volume " + name + ": a memory volume holds at most " + MAX_SIZE
                    + " bytes, not " + size);
        }
        this.chunks = new AtomicReferenceArray<>((int) ((size + CHUNK_SIZE - 1) >>> CHUNK_SHIFT));
    }

    @Override
    public VolumeGeometry geometry() {
        return geometry;
    }

    /** Heap bytes holding data now: a multiple of the chunk size. */
    public long allocatedBytes() {
        long count = 0;
        for (int i = 0; i < chunks.length(); i++) {
            if (chunks.get(i) != null) {
                count++;
            }
        }
        return count * CHUNK_SIZE;
    }

    @Override
    public boolean buffersWrites() {
        return true;
    }

    @Override
    public boolean readIfCached(long offset, ByteBuf dst, int length) {
        read(offset, dst, length);
        return true;
    }

    @Override
    public void read(long offset, ByteBuf dst, int length) {
        geometry.check(StoreOperation.READ, offset, length);
        ensureOpen();
        dst.ensureWritable(length);
        long position = offset;
        int remaining = length;
        while (remaining > 0) {
            int within = (int) (position & (CHUNK_SIZE - 1));
            int n = Math.min(remaining, CHUNK_SIZE - within);
            byte[] chunk = chunks.get((int) (position >>> CHUNK_SHIFT));
            if (chunk == null) {
                dst.writeZero(n);
            } else {
                dst.writeBytes(chunk, within, n);
            }
            position += n;
            remaining -= n;
        }
    }

    @Override
    public void write(long offset, ByteBuf src, boolean fua) {
        int length = src.readableBytes();
        geometry.check(StoreOperation.WRITE, offset, length);
        ensureOpen();
        int srcIndex = src.readerIndex();
        long position = offset;
        int remaining = length;
        while (remaining > 0) {
            int within = (int) (position & (CHUNK_SIZE - 1));
            int n = Math.min(remaining, CHUNK_SIZE - within);
            src.getBytes(srcIndex, chunkForWrite((int) (position >>> CHUNK_SHIFT)), within, n);
            srcIndex += n;
            position += n;
            remaining -= n;
        }
    }

    private byte[] chunkForWrite(int index) {
        byte[] chunk = chunks.get(index);
        if (chunk == null) {
            byte[] fresh = new byte[CHUNK_SIZE];
            chunk = chunks.compareAndExchange(index, null, fresh);
            if (chunk == null) {
                chunk = fresh;
            }
        }
        return chunk;
    }

    @Override
    public void flush() {
        ensureOpen();
    }

    @Override
    public void discard(long offset, long length) {
        geometry.check(StoreOperation.DISCARD, offset, length);
        ensureOpen();
        zero(offset, length);
    }

    @Override
    public void writeZeroes(long offset, long length, boolean mayPunchHole) {
        geometry.check(StoreOperation.WRITE_ZEROES, offset, length);
        ensureOpen();
        // Memory needs no reservation: freeing whole chunks is right either way.
        zero(offset, length);
    }

    private void zero(long offset, long length) {
        long position = offset;
        long end = offset + length;
        while (position < end) {
            int within = (int) (position & (CHUNK_SIZE - 1));
            int n = (int) Math.min(end - position, CHUNK_SIZE - within);
            int index = (int) (position >>> CHUNK_SHIFT);
            if (n == CHUNK_SIZE) {
                chunks.set(index, null);
            } else {
                byte[] chunk = chunks.get(index);
                if (chunk != null) {
                    Arrays.fill(chunk, within, within + n, (byte) 0);
                }
            }
            position += n;
        }
    }

    @Override
    public void close() {
        closed = true;
        for (int i = 0; i < chunks.length(); i++) {
            chunks.set(i, null);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw StoreErrors.closed(name());
        }
    }

    @Override
    public String toString() {
        return "MemoryVolumeStore[" + geometry + "]";
    }
}
