package io.rsio.wire.discovery;

/**
 * A datagram that is not a well-formed discovery message. Receivers drop it (and may count it);
 * the message is a short reason for a debug log and never quotes the datagram's bytes.
 */
public final class DiscoveryFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    public DiscoveryFormatException(String reason) {
        super(reason);
    }
}
