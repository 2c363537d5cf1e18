package io.rsio.nativeio.fuse;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * {@code struct fuse_attr} (88 bytes): u64 ino, size, blocks, atime, mtime, ctime; u32
 * atimensec, mtimensec, ctimensec, mode, nlink, uid, gid, rdev, blksize, flags.
 */
public record FuseAttr(long ino, long size, long blocks, long timeSeconds, int mode, int nlink, int uid, int gid,
                       int blksize) {
    void encode(MemorySegment out, long at) {
        ValueLayout.OfLong u64 = ValueLayout.JAVA_LONG_UNALIGNED;
        ValueLayout.OfInt u32 = ValueLayout.JAVA_INT_UNALIGNED;
        out.set(u64, at, ino);
        out.set(u64, at + 8, size);
        out.set(u64, at + 16, blocks);
        out.set(u64, at + 24, timeSeconds);
        out.set(u64, at + 32, timeSeconds);
        out.set(u64, at + 40, timeSeconds);
        out.set(u32, at + 48, 0);
        out.set(u32, at + 52, 0);
        out.set(u32, at + 56, 0);
        out.set(u32, at + 60, mode);
        out.set(u32, at + 64, nlink);
        out.set(u32, at + 68, uid);
        out.set(u32, at + 72, gid);
        out.set(u32, at + 76, 0);
        out.set(u32, at + 80, blksize);
        out.set(u32, at + 84, 0);
    }
}
