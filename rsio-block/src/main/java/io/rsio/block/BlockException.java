package io.rsio.block;

/** A block operation that failed with an errno; the message says why, for logs and users. */
public final class BlockException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final Errno errno;

    public BlockException(Errno errno, String message) {
        super(message, null, false, false);
        this.errno = errno;
    }

    public Errno errno() {
        return errno;
    }

    /**
     * A READ answered with {@code buf} (possibly null) where {@code length} bytes were asked for:
     * EIO, since a short buffer must never reach a client. Releases {@code buf}.
     */
    public static BlockException wrongReadLength(io.netty.buffer.ByteBuf buf, int length) {
        int got = buf == null ? -1 : buf.readableBytes();
        if (buf != null) {
            buf.release();
        }
        return new BlockException(Errno.EIO, "target returned " + got + " bytes for a " + length + "-byte read");
    }

    /** The errno carried by a failure, EIO for anything that is not a BlockException. */
    public static Errno errnoOf(Throwable failure) {
        Throwable t = failure;
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof BlockException be ? be.errno : Errno.EIO;
    }
}
