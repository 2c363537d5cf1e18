package io.rsio.server.store;

import io.netty.buffer.ByteBuf;

/**
 * One volume's storage on the server: a file, a block device, memory, later a distributed
 * store. The server calls these methods from a bounded pool of I/O threads, several at once;
 * every method is synchronous and thread-safe.
 *
 * <p>Every operation checks its range through {@link VolumeGeometry#check} before touching
 * storage. Failures are {@link io.rsio.block.BlockException}s whose errno goes on the wire:
 * EINVAL for a bad range (negative offset, length not positive, past the end, or overflowing),
 * EROFS for a change to a read-only volume, ENOSPC when the backing filesystem is full,
 * ENOTSUP for an operation the backing storage cannot do, ESHUTDOWN after {@link #close()},
 * EIO for any other storage failure.
 */
public interface VolumeStore extends AutoCloseable {
    /** Name, size, block size and read-only flag, and the range checks they imply. */
    VolumeGeometry geometry();

    /** The volume's name, as used in messages. */
    default String name() {
        return geometry().name();
    }

    /** Size in bytes; a multiple of {@link #blockSize()}. */
    default long size() {
        return geometry().size();
    }

    /** Logical block size in bytes: a power of two from 512 to 65536. */
    default int blockSize() {
        return geometry().blockSize();
    }

    default boolean readOnly() {
        return geometry().readOnly();
    }

    /**
     * Reads {@code length} bytes at {@code offset} into {@code dst} at its writer index and
     * advances the writer index by {@code length}. {@code dst} should be a direct buffer (it is
     * read into without copying then); it grows if it has too little room.
     */
    void read(long offset, ByteBuf dst, int length);

    /**
     * Reads like {@link #read} but only if that cannot wait for a disk (the range is in the page
     * cache, or the store is memory), so it may run on an event loop; answers false, having
     * read nothing, when the caller must use {@link #read} on a store thread instead. Range
     * errors are thrown as by {@link #read}.
     */
    default boolean readIfCached(long offset, ByteBuf dst, int length) {
        return false;
    }

    /**
     * True when a write without FUA ends in memory (the page cache of a regular file, or RAM)
     * and normally returns in microseconds, so it may run on an event loop; false when it goes
     * to a device and may wait for it.
     */
    default boolean buffersWrites() {
        return false;
    }

    /**
     * Writes {@code src}'s readable bytes at {@code offset}. Leaves {@code src}'s indexes
     * alone and does not release it. With {@code fua}, the data is durable on return.
     */
    void write(long offset, ByteBuf src, boolean fua);

    /** Makes every write that completed before this call durable. */
    void flush();

    /**
     * Tells the store the range is no longer needed; it may free the space. Reads of the range
     * return zeros afterwards on file and memory stores; on block devices the contents are
     * whatever the device returns after a discard.
     */
    void discard(long offset, long length);

    /**
     * Makes the range read as zeros. With {@code mayPunchHole} the store may free the space
     * (like discard, but reads are guaranteed to be zeros); without it the range stays
     * allocated, so later writes there cannot fail for lack of space.
     */
    void writeZeroes(long offset, long length, boolean mayPunchHole);

    /** Releases the storage; later calls fail with ESHUTDOWN. Calling it again does nothing. */
    @Override
    void close();
}
