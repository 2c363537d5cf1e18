package io.rsio.nbd.handshake;

import io.netty.buffer.ByteBuf;
import io.rsio.nbd.protocol.NbdOption;

/** What the client sends during the handshake, as decoded by {@link HandshakeDecoder}. */
public sealed interface HandshakeRequest {

    /** The u32 client flags that answer the greeting. */
    record ClientFlags(int flags) implements HandshakeRequest {}

    /**
     * One option with its payload; the receiver owns {@code data} and must release it.
     *
     * @param option raw wire value (it may be one this server does not know)
     */
    record OptionRequest(int option, ByteBuf data) implements HandshakeRequest {
        @Override
        public String toString() {
            return NbdOption.describe(option) + " (" + data.readableBytes() + " bytes)";
        }
    }

    /** An option whose payload exceeded {@code MAX_OPTION_LENGTH}; the payload was read and dropped. */
    record OversizedOption(int option, long length) implements HandshakeRequest {}
}
