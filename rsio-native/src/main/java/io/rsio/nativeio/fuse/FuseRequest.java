package io.rsio.nativeio.fuse;

import java.lang.foreign.MemorySegment;

/** One decoded request from {@code /dev/fuse}; every kind carries its header. */
public sealed interface FuseRequest {
    FuseInHeader header();

    default long unique() {
        return header().unique();
    }

    default long nodeId() {
        return header().nodeId();
    }

    /** fuse_init_in: the kernel's protocol version, read-ahead limit and capability flags (64-bit). */
    record Init(FuseInHeader header, int major, int minor, int maxReadahead, long flags) implements FuseRequest {}

    record Lookup(FuseInHeader header, String name) implements FuseRequest {}

    record Forget(FuseInHeader header, long lookups) implements FuseRequest {}

    record BatchForget(FuseInHeader header, int count) implements FuseRequest {}

    record Getattr(FuseInHeader header, int flags, long fh) implements FuseRequest {}

    /** fuse_setattr_in: {@code valid} says which fields are set (FATTR_*). */
    record Setattr(FuseInHeader header, int valid, long fh, long size, int mode, int uid, int gid)
            implements FuseRequest {}

    record Open(FuseInHeader header, int flags) implements FuseRequest {}

    record Read(FuseInHeader header, long fh, long offset, int size) implements FuseRequest {}

    /**
     * A write; {@code data} is a view of the reader's buffer, valid only until the handler
     * returns (the buffer is reused for the next request).
     */
    record Write(FuseInHeader header, long fh, long offset, int size, int writeFlags, MemorySegment data)
            implements FuseRequest {}

    record Statfs(FuseInHeader header) implements FuseRequest {}

    record Release(FuseInHeader header, long fh, int flags) implements FuseRequest {}

    record Fsync(FuseInHeader header, long fh, int fsyncFlags) implements FuseRequest {}

    record Flush(FuseInHeader header, long fh) implements FuseRequest {}

    record Opendir(FuseInHeader header, int flags) implements FuseRequest {}

    record Readdir(FuseInHeader header, long fh, long offset, int size) implements FuseRequest {}

    record Releasedir(FuseInHeader header, long fh) implements FuseRequest {}

    record Access(FuseInHeader header, int mask) implements FuseRequest {}

    record Fallocate(FuseInHeader header, long fh, long offset, long length, int mode) implements FuseRequest {}

    record Interrupt(FuseInHeader header, long target) implements FuseRequest {}

    record Destroy(FuseInHeader header) implements FuseRequest {}

    /** Any other opcode: answered without looking at its payload. */
    record Other(FuseInHeader header) implements FuseRequest {}
}
