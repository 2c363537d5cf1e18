package io.rsio.nativeio.fuse;

/**
 * The FUSE request opcodes of {@code linux/fuse.h} this server knows by name. Others arrive
 * too (xattrs, locks, ioctl, …) and are answered ENOSYS or EPERM; {@link #of} gives null for them.
 */
public enum FuseOpcode {
    LOOKUP(1),
    FORGET(2),
    GETATTR(3),
    SETATTR(4),
    READLINK(5),
    SYMLINK(6),
    MKNOD(8),
    MKDIR(9),
    UNLINK(10),
    RMDIR(11),
    RENAME(12),
    LINK(13),
    OPEN(14),
    READ(15),
    WRITE(16),
    STATFS(17),
    RELEASE(18),
    FSYNC(20),
    SETXATTR(21),
    GETXATTR(22),
    LISTXATTR(23),
    REMOVEXATTR(24),
    FLUSH(25),
    INIT(26),
    OPENDIR(27),
    READDIR(28),
    RELEASEDIR(29),
    FSYNCDIR(30),
    ACCESS(34),
    CREATE(35),
    INTERRUPT(36),
    DESTROY(38),
    BATCH_FORGET(42),
    FALLOCATE(43),
    READDIRPLUS(44),
    RENAME2(45),
    LSEEK(46),
    COPY_FILE_RANGE(47),
    SYNCFS(50),
    TMPFILE(51);

    private static final FuseOpcode[] BY_VALUE = new FuseOpcode[64];

    static {
        for (FuseOpcode op : values()) {
            BY_VALUE[op.value] = op;
        }
    }

    private final int value;

    FuseOpcode(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** The opcode with this number, or null for one this server does not name. */
    public static FuseOpcode of(int value) {
        return value > 0 && value < BY_VALUE.length ? BY_VALUE[value] : null;
    }

    /** For log lines: {@code READ} or {@code opcode 39}. */
    public static String describe(int value) {
        FuseOpcode op = of(value);
        return op != null ? op.name() : "opcode " + value;
    }

    /** FORGET, BATCH_FORGET and INTERRUPT must never be answered (the kernel expects no reply). */
    public boolean hasReply() {
        return this != FORGET && this != BATCH_FORGET && this != INTERRUPT;
    }
}
