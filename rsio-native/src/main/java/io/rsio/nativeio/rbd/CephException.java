package io.rsio.nativeio.rbd;

import io.rsio.nativeio.LinuxErrno;
import java.io.IOException;

/**
 * A failed librados or librbd call. Both return {@code -errno}; the message names the call,
 * what it was about (pool, image, option) and the errno, e.g.
 * {@code rbd_open of rbd/vol1 failed: ENOENT (-2)}.
 */
public final class CephException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;

    public CephException(String what, int errno) {
        super(what + " failed: " + LinuxErrno.name(errno) + " (" + -errno + ")");
        this.errno = errno;
    }

    /** Throws for a negative return value ({@code -errno}); returns other values unchanged. */
    static int check(int result, String what) throws CephException {
        if (result < 0) {
            throw new CephException(what, -result);
        }
        return result;
    }

    /** The positive Linux errno. */
    public int errno() {
        return errno;
    }
}
