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

    /** The errno carried by a failure, EIO for anything that is not a BlockException. */
    public static Errno errnoOf(Throwable failure) {
        Throwable t = failure;
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof BlockException be ? be.errno : Errno.EIO;
    }
}
