package io.rsio.nativeio.fuse;

/**
 * Sizes, offsets and flag bits of the FUSE kernel protocol ({@code linux/fuse.h}, protocol
 * 7.x; this server speaks 7.31 or newer and answers with at most {@link #SERVER_MINOR}). All
 * structures are in the host's byte order.
 */
final class FuseAbi {
    static final int KERNEL_MAJOR = 7;
    /** The highest minor version whose structures this server writes. */
    static final int SERVER_MINOR = 38;
    /** MAX_PAGES and FOPEN_PARALLEL_DIRECT_WRITES need 7.28+; older kernels are refused. */
    static final int MIN_MINOR = 28;

    static final int IN_HEADER_SIZE = 40;
    static final int OUT_HEADER_SIZE = 16;
    static final int ATTR_SIZE = 88;
    static final int ENTRY_OUT_SIZE = 40 + ATTR_SIZE;
    static final int ATTR_OUT_SIZE = 16 + ATTR_SIZE;
    static final int OPEN_OUT_SIZE = 16;
    static final int WRITE_OUT_SIZE = 8;
    static final int STATFS_OUT_SIZE = 80;
    static final int INIT_OUT_SIZE = 64;
    static final int DIRENT_HEADER_SIZE = 24;
    static final int NOTIFY_INVAL_INODE_SIZE = 24;

    static final int INIT_IN_MIN_SIZE = 16;
    static final int GETATTR_IN_SIZE = 16;
    static final int SETATTR_IN_SIZE = 88;
    static final int OPEN_IN_SIZE = 8;
    static final int READ_IN_SIZE = 40;
    static final int WRITE_IN_SIZE = 40;
    static final int RELEASE_IN_SIZE = 24;
    static final int FSYNC_IN_SIZE = 16;
    static final int FLUSH_IN_SIZE = 24;
    static final int ACCESS_IN_SIZE = 8;
    static final int FALLOCATE_IN_SIZE = 32;
    static final int INTERRUPT_IN_SIZE = 8;
    static final int FORGET_IN_SIZE = 8;
    static final int BATCH_FORGET_IN_SIZE = 8;

    static final long ROOT_ID = 1;

    // fuse_init flags (the low 32 bits are in "flags", the high ones in "flags2" with INIT_EXT).
    static final long ASYNC_READ = 1L << 0;
    static final long ATOMIC_O_TRUNC = 1L << 3;
    static final long BIG_WRITES = 1L << 5;
    static final long ASYNC_DIO = 1L << 15;
    static final long MAX_PAGES = 1L << 22;
    static final long INIT_EXT = 1L << 30;
    /** Requests over io_uring (flags2 bit 9): offered by the kernel only while enable_uring is on. */
    static final long OVER_IO_URING = 1L << 41;

    // fuse_open_out.open_flags
    static final int FOPEN_DIRECT_IO = 1 << 0;
    static final int FOPEN_PARALLEL_DIRECT_WRITES = 1 << 6;

    // fuse_setattr_in.valid
    static final int FATTR_MODE = 1 << 0;
    static final int FATTR_UID = 1 << 1;
    static final int FATTR_GID = 1 << 2;
    static final int FATTR_SIZE = 1 << 3;

    // fallocate(2) modes the kernel passes through
    static final int FALLOC_FL_KEEP_SIZE = 0x01;
    static final int FALLOC_FL_PUNCH_HOLE = 0x02;
    static final int FALLOC_FL_ZERO_RANGE = 0x10;

    // notifications: out header with unique 0 and the code in "error"
    static final int NOTIFY_INVAL_INODE = 2;

    // st_mode bits
    static final int S_IFDIR = 0040000;
    static final int S_IFREG = 0100000;
    static final int DT_DIR = 4;
    static final int DT_REG = 8;

    /** O_ACCMODE bits of open flags. */
    static final int O_ACCMODE = 3;
    static final int O_RDONLY = 0;

    // FUSE over io_uring (linux/fuse.h, 7.42): each ring entry registers two buffers, a
    // fuse_uring_req_header {char in_out[128]; char op_in[128]; fuse_uring_ent_in_out} and a
    // payload of at least max_write bytes. fuse_uring_ent_in_out is {u64 flags; u64 commit_id;
    // u32 payload_sz; u32 padding; u64 reserved}.
    static final int URING_IN_OUT_OFFSET = 0;
    static final int URING_OP_IN_OFFSET = 128;
    static final int URING_OP_IN_SIZE = 128;
    static final int URING_ENT_IN_OUT_OFFSET = 256;
    static final int URING_COMMIT_ID_OFFSET = URING_ENT_IN_OUT_OFFSET + 8;
    static final int URING_PAYLOAD_SIZE_OFFSET = URING_ENT_IN_OUT_OFFSET + 16;
    static final int URING_HEADER_SIZE = 288;
    /** IORING_OP_URING_CMD command ops (enum fuse_uring_cmd). */
    static final int URING_CMD_REGISTER = 1;
    static final int URING_CMD_COMMIT_AND_FETCH = 2;
    /** fuse_uring_cmd_req in the SQE's command area: {u64 flags; u64 commit_id; u16 qid; u8 pad[6]}. */
    static final int URING_CMD_COMMIT_ID_OFFSET = 8;
    static final int URING_CMD_QID_OFFSET = 16;

    /** _IOR(229, 0, uint32_t): gives a new /dev/fuse descriptor its own request queue. */
    static final long FUSE_DEV_IOC_CLONE = 0x8004E500L;

    private FuseAbi() {}
}
