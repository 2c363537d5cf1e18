package io.rsio.nbd.protocol;

import io.rsio.block.BlockTarget;

/**
 * The size constraints advertised in NBD_INFO_BLOCK_SIZE.
 *
 * @param minimum smallest addressable unit and alignment: a power of two, at most 64 KiB
 * @param preferred a power of two at least max(minimum, 512)
 * @param maximum largest READ/WRITE payload the client should send, at least {@code preferred}
 */
public record BlockSizes(int minimum, int preferred, int maximum) {
    private static final int MAX_MINIMUM = 64 * 1024;

    public BlockSizes {
        if (!powerOfTwo(minimum) || minimum > MAX_MINIMUM) {
            throw new IllegalArgumentException("minimum block size " + minimum);
        }
        if (!powerOfTwo(preferred) || preferred < Math.max(minimum, 512)) {
            throw new IllegalArgumentException("preferred block size " + preferred);
        }
        if (maximum < preferred) {
            throw new IllegalArgumentException("maximum payload " + maximum + " < preferred " + preferred);
        }
    }

    /**
     * Minimum is the target's logical block size (1 when that is not a usable power of two),
     * preferred 4096 or the block size if larger, maximum min(target.maxIoSize(), 32 MiB) but
     * never below the preferred size. The server accepts up to 32 MiB regardless and splits.
     */
    public static BlockSizes of(BlockTarget target) {
        int block = target.blockSize();
        int minimum = powerOfTwo(block) && block <= MAX_MINIMUM ? block : 1;
        int preferred = Math.max(4096, minimum);
        int maximum = Math.max(preferred, Math.min(target.maxIoSize(), NbdProtocol.MAX_PAYLOAD));
        return new BlockSizes(minimum, preferred, maximum);
    }

    public boolean aligned(long value) {
        return (value & (minimum - 1)) == 0;
    }

    private static boolean powerOfTwo(int v) {
        return v > 0 && (v & (v - 1)) == 0;
    }
}
