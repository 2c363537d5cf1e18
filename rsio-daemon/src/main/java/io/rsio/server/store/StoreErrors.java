package io.rsio.server.store;

import io.rsio.block.BlockException;
import io.rsio.block.Errno;
import io.rsio.nativeio.LinuxErrno;
import io.rsio.nativeio.NativeException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;

/** Turns storage failures into the errno a client gets. */
final class StoreErrors {
    private StoreErrors() {}

    /**
     * @param what the attempted operation, e.g. {@code write of 4096 bytes at 0}
     */
    static BlockException failure(String volume, String what, IOException cause) {
        if (cause instanceof ClosedChannelException) {
            return closed(volume);
        }
        Errno errno = cause instanceof NativeException ne ? errnoOf(ne.errno()) : Errno.EIO;
        return new BlockException(errno, what + " on volume " + volume + " failed: " + cause.getMessage());
    }

    static BlockException closed(String volume) {
        return new BlockException(Errno.ESHUTDOWN, "volume " + volume + " is closed");
    }

    /** The wire errno for a system call's errno: the few a client can act on, else EIO. */
    static Errno errnoOf(int linuxErrno) {
        return switch (linuxErrno) {
            case LinuxErrno.ENOSPC, LinuxErrno.EDQUOT -> Errno.ENOSPC;
            case LinuxErrno.EROFS -> Errno.EROFS;
            case LinuxErrno.EOPNOTSUPP -> Errno.ENOTSUP;
            case LinuxErrno.EINVAL -> Errno.EINVAL;
            default -> Errno.EIO;
        };
    }

    static String describe(StoreOperation op, long offset, long length) {
        return op.verb() + " of " + length + " bytes at " + offset;
    }
}
