package io.rsio.nativeio.netlink;

import java.io.IOException;

/** A netlink exchange that failed: the kernel's error (errno), or a reply that does not parse. */
public final class NetlinkException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public NetlinkException(String message) {
        this(message, 0);
    }

    public NetlinkException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    /** The errno the kernel answered with, 0 for a malformed reply. */
    public int errno() {
        return errno;
    }
}
