package io.rsio.nbd.handshake;

import io.rsio.nbd.protocol.NbdOption;

/** What the server sends during the handshake, encoded by {@link HandshakeEncoder}. */
public sealed interface HandshakeReply {

    /** NBDMAGIC, IHAVEOPT, u16 handshake flags. */
    record Greeting(int handshakeFlags) implements HandshakeReply {}

    /** The reply to NBD_OPT_EXPORT_NAME: u64 size, u16 flags, 124 zeroes unless NO_ZEROES was agreed. */
    record ExportNameReply(long size, int transmissionFlags, boolean zeroes) implements HandshakeReply {}

    /** A reply to any other option. */
    record OptionReply(int option, OptionReplyBody body) implements HandshakeReply {
        @Override
        public String toString() {
            return NbdOption.describe(option) + " -> " + body;
        }
    }
}
