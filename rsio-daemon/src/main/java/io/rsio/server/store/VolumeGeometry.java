package io.rsio.server.store;

import io.rsio.block.BlockException;
import io.rsio.block.Errno;
import java.util.Objects;

/**
 * A volume's name, size, block size and writability, and the one place where I/O requests
 * are checked against them before any storage is touched.
 *
 * @param size bytes, positive and a multiple of {@code blockSize}
 * @param blockSize a power of two from {@value #MIN_BLOCK_SIZE} to {@value #MAX_BLOCK_SIZE}
 */
public record VolumeGeometry(String name, long size, int blockSize, boolean readOnly) {
    public static final int MIN_BLOCK_SIZE = 512;
    public static final int MAX_BLOCK_SIZE = 65536;

    public VolumeGeometry {
        Objects.requireNonNull(name, "name");
        checkBlockSize(blockSize);
        if (size <= 0 || size % blockSize != 0) {
            throw new IllegalArgumentException("volume " + name + ": size " + size
                    + " must be positive and a multiple of the block size " + blockSize);
        }
    }

    /** Throws IllegalArgumentException unless {@code blockSize} is a supported block size. */
    public static void checkBlockSize(int blockSize) {
        if (blockSize < MIN_BLOCK_SIZE || blockSize > MAX_BLOCK_SIZE || Integer.bitCount(blockSize) != 1) {
            throw new IllegalArgumentException("block size " + blockSize + " must be a power of two from "
                    + MIN_BLOCK_SIZE + " to " + MAX_BLOCK_SIZE);
        }
    }

    /** {@code bytes} rounded down to whole blocks. */
    public static long roundDown(long bytes, int blockSize) {
        checkBlockSize(blockSize);
        return bytes - Math.floorMod(bytes, blockSize);
    }

    /**
     * Checks one request: EROFS for a change to a read-only volume, then EINVAL for a
     * negative offset, a length that is not positive, or a range that ends past the volume
     * (computed without overflow, so {@code Long.MAX_VALUE} offsets or lengths are caught).
     */
    public void check(StoreOperation op, long offset, long length) {
        if (readOnly && op.changesData()) {
            throw new BlockException(Errno.EROFS, op.verb() + " of " + length + " bytes at " + offset
                    + " refused: volume " + name + " is read-only");
        }
        if (offset < 0) {
            throw new BlockException(Errno.EINVAL, op.verb() + " at negative offset " + offset
                    + " on volume " + name);
        }
        if (length <= 0) {
            throw new BlockException(Errno.EINVAL, op.verb() + " of " + length + " bytes at " + offset
                    + " on volume " + name + ": the length must be positive");
        }
        // size > 0 and length > 0, so size - length cannot overflow.
        if (offset > size - length) {
            throw new BlockException(Errno.EINVAL, op.verb() + " of " + length + " bytes at " + offset
                    + " is beyond the end of volume " + name + " (" + size + " bytes)");
        }
    }
}
