package io.rsio.wire.codec;

import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.rsio.wire.message.Message;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/** Runs messages through an encoder on an EmbeddedChannel. */
final class Encoding {
    /** Before HELLO: pass null as the agreement. */
    record Agreed(int maxPayload, int features) {}

    private Encoding() {}

    static RsioFrameEncoder encoder(Agreed agreed) {
        RsioFrameEncoder encoder = new RsioFrameEncoder();
        if (agreed != null) {
            encoder.negotiated(agreed.maxPayload(), agreed.features());
        }
        return encoder;
    }

    /** The buffers the encoder wrote for {@code message}; the caller releases them. */
    static List<ByteBuf> buffers(Message message, Agreed agreed) {
        EmbeddedChannel channel = new EmbeddedChannel(encoder(agreed));
        channel.writeOutbound(message);
        List<ByteBuf> out = new ArrayList<>();
        for (Object o; (o = channel.readOutbound()) != null; ) {
            out.add((ByteBuf) o);
        }
        assertFalse(channel.finish());
        return out;
    }

    /** The bytes of {@code message} as framed on the wire; releases everything. */
    static byte[] bytes(Message message, Agreed agreed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (ByteBuf buf : buffers(message, agreed)) {
            byte[] part = new byte[buf.readableBytes()];
            buf.readBytes(part);
            out.writeBytes(part);
            buf.release();
        }
        return out.toByteArray();
    }
}
