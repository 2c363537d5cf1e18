package io.rsio.nativeio;

/**
 * Kernel constants for x86-64 and arm64 Linux. Most are shared; {@code O_DIRECT} is not.
 * Sources: uapi {@code asm-generic/fcntl.h}, {@code arch/x86/include/uapi/asm/fcntl.h}
 * (via asm-generic with overrides), {@code linux/falloc.h}, {@code linux/fs.h},
 * {@code linux/stat.h}.
 */
final class LinuxAbi {
    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_CREAT = 0100;
    static final int O_CLOEXEC = 02000000;

    static final int FALLOC_FL_KEEP_SIZE = 0x01;
    static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    static final int FALLOC_FL_ZERO_RANGE = 0x10;

    /** _IOR(0x12, 114, size_t): device size in bytes into a u64. */
    static final long BLKGETSIZE64 = 0x80081272L;
    /** _IO(0x12, 119): discard the byte range given as u64[2] {start, length}. */
    static final long BLKDISCARD = 0x1277L;

    static final int AT_EMPTY_PATH = 0x1000;
    static final int STATX_TYPE = 0x1;
    static final int STATX_MODE = 0x2;
    static final int STATX_SIZE = 0x200;
    static final int STATX_BLOCKS = 0x400;
    /** sizeof(struct statx). */
    static final long STATX_STRUCT_SIZE = 256;
    static final long STATX_MASK_OFFSET = 0;
    static final long STATX_MODE_OFFSET = 28;
    static final long STATX_SIZE_OFFSET = 40;
    static final long STATX_BLOCKS_OFFSET = 48;

    static final int S_IFMT = 0170000;
    static final int S_IFREG = 0100000;
    static final int S_IFBLK = 0060000;

    private LinuxAbi() {}

    /** O_DIRECT differs by architecture; unknown architectures cannot ask for it. */
    static int oDirect() {
        return switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> 040000;
            case "aarch64" -> 0200000;
            default -> throw new UnsupportedOperationException(
                    "O_DIRECT value unknown on " + System.getProperty("os.arch"));
        };
    }
}
