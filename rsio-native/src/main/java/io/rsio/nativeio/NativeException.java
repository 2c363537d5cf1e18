package io.rsio.nativeio;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A failed system call: carries the errno so callers can react to ENOSPC, EOPNOTSUPP and the
 * like, and a message that names the call, the file, the errno and the C library's text, e.g.
 * {@code pwrite of 4096 bytes at 8192 failed on /srv/vol.img: ENOSPC (No space left on device)}.
 */
public final class NativeException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String operation;
    private final transient Path path;

    public NativeException(int errno, String operation, Path path) {
        super(operation + " failed on " + path + ": " + LinuxErrno.name(errno) + " (" + Libc.strerror(errno) + ")");
        this.errno = errno;
        this.operation = operation;
        this.path = path;
    }

    /** The Linux errno number. */
    public int errno() {
        return errno;
    }

    /** The symbolic errno name, e.g. {@code ENOSPC}. */
    public String errnoName() {
        return LinuxErrno.name(errno);
    }

    /** What was attempted, e.g. {@code pread of 4096 bytes at 0}. */
    public String operation() {
        return operation;
    }

    /** The file the call was made on. */
    public Path path() {
        return path;
    }
}
