package io.rsio.nativeio.fuse;

import static io.rsio.nativeio.fuse.FuseAbi.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes FUSE replies into a buffer: the 16-byte {@code fuse_out_header} {u32 len, i32
 * -errno, u64 unique} and the structure the request's opcode expects. Each method fills
 * {@code out} from offset 0 and returns the reply's length; the caller sends that many bytes
 * in one write(). {@code out} must be large enough (4 KiB covers every reply but READDIR,
 * which is bounded by the size the kernel asked for).
 */
public final class FuseReplyEncoder {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;

    private FuseReplyEncoder() {}

    /** The header alone: success with no data ({@code errno} 0) or a failure. */
    public static int header(MemorySegment out, long unique, int errno, int totalLength) {
        out.set(U32, 0, totalLength);
        out.set(U32, 4, -errno);
        out.set(U64, 8, unique);
        return OUT_HEADER_SIZE;
    }

    public static int error(MemorySegment out, long unique, int errno) {
        if (errno <= 0) {
            throw new IllegalArgumentException("errno must be positive, got " + errno);
        }
        return header(out, unique, errno, OUT_HEADER_SIZE);
    }

    public static int empty(MemorySegment out, long unique) {
        return header(out, unique, 0, OUT_HEADER_SIZE);
    }

    /** fuse_entry_out: node id, generation, entry and attribute cache times, attributes. */
    public static int entry(MemorySegment out, long unique, long nodeId, long generation, long entryValidSeconds,
                            long attrValidSeconds, FuseAttr attr) {
        int length = OUT_HEADER_SIZE + ENTRY_OUT_SIZE;
        header(out, unique, 0, length);
        long at = OUT_HEADER_SIZE;
        out.set(U64, at, nodeId);
        out.set(U64, at + 8, generation);
        out.set(U64, at + 16, entryValidSeconds);
        out.set(U64, at + 24, attrValidSeconds);
        out.set(U32, at + 32, 0);
        out.set(U32, at + 36, 0);
        attr.encode(out, at + 40);
        return length;
    }

    /** fuse_attr_out: attribute cache time, attributes. */
    public static int attr(MemorySegment out, long unique, long attrValidSeconds, FuseAttr attr) {
        int length = OUT_HEADER_SIZE + ATTR_OUT_SIZE;
        header(out, unique, 0, length);
        out.set(U64, OUT_HEADER_SIZE, attrValidSeconds);
        out.set(U32, OUT_HEADER_SIZE + 8, 0);
        out.set(U32, OUT_HEADER_SIZE + 12, 0);
        attr.encode(out, OUT_HEADER_SIZE + 16);
        return length;
    }

    /** fuse_open_out: file handle and FOPEN_* flags. */
    public static int open(MemorySegment out, long unique, long fh, int openFlags) {
        int length = OUT_HEADER_SIZE + OPEN_OUT_SIZE;
        header(out, unique, 0, length);
        out.set(U64, OUT_HEADER_SIZE, fh);
        out.set(U32, OUT_HEADER_SIZE + 8, openFlags);
        out.set(U32, OUT_HEADER_SIZE + 12, 0);
        return length;
    }

    /** fuse_write_out: bytes written. */
    public static int write(MemorySegment out, long unique, int size) {
        int length = OUT_HEADER_SIZE + WRITE_OUT_SIZE;
        header(out, unique, 0, length);
        out.set(U32, OUT_HEADER_SIZE, size);
        out.set(U32, OUT_HEADER_SIZE + 4, 0);
        return length;
    }

    /** fuse_statfs_out (fuse_kstatfs): blocks of {@code blockSize}, all used, {@code files} files. */
    public static int statfs(MemorySegment out, long unique, long blocks, long files, int blockSize) {
        int length = OUT_HEADER_SIZE + STATFS_OUT_SIZE;
        header(out, unique, 0, length);
        MemorySegment s = out.asSlice(OUT_HEADER_SIZE, STATFS_OUT_SIZE);
        s.fill((byte) 0);
        s.set(U64, 0, blocks);   // blocks
        s.set(U64, 8, 0);        // bfree
        s.set(U64, 16, 0);       // bavail
        s.set(U64, 24, files);   // files
        s.set(U64, 32, 0);       // ffree
        s.set(U32, 40, blockSize);
        s.set(U32, 44, FuseRequestDecoder.NAME_MAX);
        s.set(U32, 48, blockSize);
        return length;
    }

    /** fuse_init_out (64 bytes for 7.23+). */
    public static int init(MemorySegment out, long unique, FuseInitReply r) {
        int length = OUT_HEADER_SIZE + INIT_OUT_SIZE;
        header(out, unique, 0, length);
        MemorySegment s = out.asSlice(OUT_HEADER_SIZE, INIT_OUT_SIZE);
        s.fill((byte) 0);
        s.set(U32, 0, r.major());
        s.set(U32, 4, r.minor());
        s.set(U32, 8, r.maxReadahead());
        s.set(U32, 12, (int) r.flags());
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 16, (short) r.maxBackground());
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 18, (short) r.congestionThreshold());
        s.set(U32, 20, r.maxWrite());
        s.set(U32, 24, r.timeGranularity());
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 28, (short) r.maxPages());
        s.set(ValueLayout.JAVA_SHORT_UNALIGNED, 30, (short) 0); // map_alignment
        s.set(U32, 32, (int) (r.flags() >>> 32));               // flags2
        return length;
    }

    /** One directory entry for READDIR. */
    public record Dirent(long ino, String name, int type) {
        int size() {
            return align8(DIRENT_HEADER_SIZE + name.getBytes(StandardCharsets.UTF_8).length);
        }
    }

    /**
     * READDIR: the entries from index {@code offset} on that fit in {@code maxSize} bytes; each
     * entry's {@code off} is the index of the next one, so the kernel resumes where it stopped.
     */
    public static int readdir(MemorySegment out, long unique, List<Dirent> entries, long offset, int maxSize) {
        long at = OUT_HEADER_SIZE;
        for (long i = Math.max(0, offset); i < entries.size(); i++) {
            Dirent d = entries.get((int) i);
            byte[] name = d.name().getBytes(StandardCharsets.UTF_8);
            int size = align8(DIRENT_HEADER_SIZE + name.length);
            if (at - OUT_HEADER_SIZE + size > maxSize) {
                break;
            }
            out.asSlice(at, size).fill((byte) 0);
            out.set(U64, at, d.ino());
            out.set(U64, at + 8, i + 1);
            out.set(U32, at + 16, name.length);
            out.set(U32, at + 20, d.type());
            MemorySegment.copy(name, 0, out, ValueLayout.JAVA_BYTE, at + DIRENT_HEADER_SIZE, name.length);
            at += size;
        }
        header(out, unique, 0, (int) at);
        return (int) at;
    }

    /**
     * FUSE_NOTIFY_INVAL_INODE: drop the kernel's cached attributes of {@code nodeId} (offset
     * -1: no page-cache range), so the next stat asks again and the size is read fresh.
     */
    public static int notifyInvalInode(MemorySegment out, long nodeId) {
        int length = OUT_HEADER_SIZE + NOTIFY_INVAL_INODE_SIZE;
        out.set(U32, 0, length);
        out.set(U32, 4, NOTIFY_INVAL_INODE);
        out.set(U64, 8, 0);
        out.set(U64, OUT_HEADER_SIZE, nodeId);
        out.set(U64, OUT_HEADER_SIZE + 8, -1);
        out.set(U64, OUT_HEADER_SIZE + 16, 0);
        return length;
    }

    static int align8(int n) {
        return (n + 7) & ~7;
    }
}
