package io.rsio.wire.codec;

import io.netty.handler.codec.DecoderException;

/**
 * A peer broke a rule of docs/PROTOCOL.md. The message is a short reason for the log, such as
 * {@code bad magic 0x12345678}; it never contains payload data or keys. The connection that
 * produced it must be closed: the decoder discards everything that arrives afterwards.
 *
 * <p>It extends {@link DecoderException} so that {@code ByteToMessageDecoder} passes it up the
 * pipeline as it is instead of wrapping it.
 */
public final class ProtocolException extends DecoderException {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String reason) {
        super(reason);
    }
}
