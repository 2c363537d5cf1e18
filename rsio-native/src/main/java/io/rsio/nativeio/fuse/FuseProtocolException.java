package io.rsio.nativeio.fuse;

/** A request from the kernel that does not have the shape its opcode requires. */
public final class FuseProtocolException extends Exception {
    private static final long serialVersionUID = 1L;
    /** The header, when it could be read: then the request can still be answered (EIO). */
    private final transient FuseInHeader header;

    FuseProtocolException(String message, FuseInHeader header) {
        super(message);
        this.header = header;
    }

    public FuseInHeader header() {
        return header;
    }
}
