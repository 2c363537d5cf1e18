package io.rsio.nbd.protocol;

import io.rsio.block.Errno;
import java.util.Optional;

/** The error values the NBD spec allows on the wire (a restricted errno set). */
public enum NbdError {
    EPERM(1),
    EIO(5),
    ENOMEM(12),
    EINVAL(22),
    ENOSPC(28),
    EOVERFLOW(75),
    ENOTSUP(95),
    ESHUTDOWN(108);

    private final int value;

    NbdError(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** The error with this wire value, or empty when it is not one the spec defines. */
    public static Optional<NbdError> of(int value) {
        for (NbdError e : values()) {
            if (e.value == value) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /**
     * Maps a block-layer errno to what NBD may carry. ENOTSUP is reserved by the spec for
     * refused fast zeroes, so elsewhere it becomes EINVAL; errors NBD has no word for (timeouts,
     * lost paths, protocol trouble on the RSIO side) are I/O errors to the client.
     */
    public static NbdError fromErrno(Errno errno, boolean fastZero) {
        return switch (errno) {
            case EPERM, EACCES, EROFS -> EPERM;
            case ENOMEM -> ENOMEM;
            case EINVAL -> EINVAL;
            case ENOSPC -> ENOSPC;
            case ESHUTDOWN -> ESHUTDOWN;
            case ENOTSUP -> fastZero ? ENOTSUP : EINVAL;
            case OK, ENOENT, EIO, EBADF, EBUSY, EEXIST, EPROTO, ETIMEDOUT -> EIO;
        };
    }
}
