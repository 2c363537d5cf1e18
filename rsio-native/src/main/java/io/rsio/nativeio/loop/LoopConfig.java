package io.rsio.nativeio.loop;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * {@code struct loop_config} of {@code linux/loop.h}, the argument of LOOP_CONFIGURE: 304
 * bytes, native byte order.
 *
 * <pre>
 *   0  u32 fd                    backing file descriptor
 *   4  u32 block_size            logical block size (512 … 4096); 0 = keep 512
 *   8  struct loop_info64 info   (232 bytes):
 *        8 u64 lo_device, 16 u64 lo_inode, 24 u64 lo_rdevice   (read-only, 0)
 *       32 u64 lo_offset          start of the data in the backing file
 *       40 u64 lo_sizelimit       bytes, 0 = up to the end of the file
 *       48 u32 lo_number, 52 u32 lo_encrypt_type, 56 u32 lo_encrypt_key_size
 *       60 u32 lo_flags           LO_FLAGS_*
 *       64 u8  lo_file_name[64]   shown by losetup; NUL-terminated
 *      128 u8  lo_crypt_name[64], 192 u8 lo_encrypt_key[32], 224 u64 lo_init[2]
 * 240  u64 __reserved[8]
 * </pre>
 */
public record LoopConfig(int fd, int blockSize, int flags, String fileName) {
    public static final int SIZE = 304;
    static final int FD_OFFSET = 0;
    static final int BLOCK_SIZE_OFFSET = 4;
    static final int OFFSET_OFFSET = 8 + 24;
    static final int SIZELIMIT_OFFSET = 8 + 32;
    static final int FLAGS_OFFSET = 8 + 52;
    static final int FILE_NAME_OFFSET = 8 + 56;
    static final int NAME_SIZE = 64;

    public static final int LO_FLAGS_READ_ONLY = 1;
    public static final int LO_FLAGS_AUTOCLEAR = 4;
    public static final int LO_FLAGS_PARTSCAN = 8;
    public static final int LO_FLAGS_DIRECT_IO = 16;

    public LoopConfig {
        Objects.requireNonNull(fileName, "fileName");
        if (fd < 0) {
            throw new IllegalArgumentException("bad descriptor " + fd);
        }
        if (blockSize != 0 && (blockSize < 512 || blockSize > 65536 || Integer.bitCount(blockSize) != 1)) {
            throw new IllegalArgumentException("loop block size must be a power of two from 512, got " + blockSize);
        }
    }

    /** Writes the structure into the first {@link #SIZE} bytes of {@code out}, zeroing the rest. */
    public void encode(MemorySegment out) {
        MemorySegment s = out.asSlice(0, SIZE);
        s.fill((byte) 0);
        s.set(ValueLayout.JAVA_INT_UNALIGNED, FD_OFFSET, fd);
        s.set(ValueLayout.JAVA_INT_UNALIGNED, BLOCK_SIZE_OFFSET, blockSize);
        s.set(ValueLayout.JAVA_INT_UNALIGNED, FLAGS_OFFSET, flags);
        byte[] name = fileName.getBytes(StandardCharsets.UTF_8);
        // The kernel keeps 63 bytes and a NUL; a longer name is cut (it is only a label).
        MemorySegment.copy(name, 0, s, ValueLayout.JAVA_BYTE, FILE_NAME_OFFSET, Math.min(name.length, NAME_SIZE - 1));
    }

    /** The encoded bytes, for tests and logs. */
    public byte[] toBytes() {
        MemorySegment s = MemorySegment.ofArray(new byte[SIZE]);
        encode(s);
        return s.toArray(ValueLayout.JAVA_BYTE);
    }
}
