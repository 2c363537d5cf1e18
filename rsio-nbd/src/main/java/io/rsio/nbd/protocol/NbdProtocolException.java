package io.rsio.nbd.protocol;

/**
 * The peer broke the protocol in a way that leaves the byte stream unusable (bad magic, a
 * length beyond the limits); the connection is closed and the message is the logged reason.
 */
public final class NbdProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public NbdProtocolException(String message) {
        super(message, null, false, false);
    }
}
