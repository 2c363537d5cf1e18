package io.rsio.block;

import java.util.Optional;

/**
 * Errno values used as RSIO wire status codes and as block-layer errors. The numbers are
 * Linux errno values so they pass unchanged to NBD, FUSE and the kernel.
 */
public enum Errno {
    OK(0, "success"),
    EPERM(1, "operation not permitted"),
    ENOENT(2, "no such volume"),
    EIO(5, "I/O error"),
    EBADF(9, "unknown handle"),
    ENOMEM(12, "out of memory"),
    EACCES(13, "access denied"),
    EBUSY(16, "volume in use"),
    EEXIST(17, "volume exists"),
    EINVAL(22, "invalid argument"),
    ENOSPC(28, "no space left on device"),
    EROFS(30, "read-only volume"),
    EPROTO(71, "protocol error"),
    ENOTSUP(95, "operation not supported"),
    ESHUTDOWN(108, "server shutting down"),
    ETIMEDOUT(110, "timed out");

    private static final EnumByValue<Errno> BY_VALUE = new EnumByValue<>(values(), Errno::value, 111);

    private final int value;
    private final String description;

    Errno(int value, String description) {
        this.value = value;
        this.description = description;
    }

    public int value() {
        return value;
    }

    public String description() {
        return description;
    }

    /** The errno with this wire value, or empty when the value is not one RSIO knows. */
    public static Optional<Errno> of(int value) {
        return BY_VALUE.of(value);
    }
}
