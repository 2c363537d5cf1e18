package io.rsio.nbd.handshake;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToByteEncoder;
import io.rsio.nbd.protocol.NbdProtocol;
import io.rsio.nbd.protocol.NbdStrings;
import java.nio.charset.StandardCharsets;

/** Encodes the server side of the handshake. Stateless. */
@ChannelHandler.Sharable
public final class HandshakeEncoder extends MessageToByteEncoder<HandshakeReply> {
    public static final HandshakeEncoder INSTANCE = new HandshakeEncoder();

    private HandshakeEncoder() {
        super(HandshakeReply.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, HandshakeReply msg, ByteBuf out) {
        switch (msg) {
            case HandshakeReply.Greeting g -> {
                out.writeLong(NbdProtocol.NBDMAGIC);
                out.writeLong(NbdProtocol.IHAVEOPT);
                out.writeShort(g.handshakeFlags());
            }
            case HandshakeReply.ExportNameReply r -> {
                out.writeLong(r.size());
                out.writeShort(r.transmissionFlags());
                if (r.zeroes()) {
                    out.writeZero(NbdProtocol.EXPORT_NAME_REPLY_ZEROES);
                }
            }
            case HandshakeReply.OptionReply r -> encodeOptionReply(r, out);
        }
    }

    private static void encodeOptionReply(HandshakeReply.OptionReply r, ByteBuf out) {
        out.writeLong(NbdProtocol.OPTION_REPLY_MAGIC);
        out.writeInt(r.option());
        out.writeInt(r.body().type().value());
        int lengthIndex = out.writerIndex();
        out.writeInt(0); // patched below once the payload is written
        int start = out.writerIndex();
        switch (r.body()) {
            case OptionReplyBody.Ack a -> { }
            case OptionReplyBody.Server s -> {
                byte[] name = s.name().getBytes(StandardCharsets.UTF_8);
                out.writeInt(name.length);
                out.writeBytes(name);
                out.writeBytes(NbdStrings.message(s.description(), NbdProtocol.MAX_STRING_LENGTH));
            }
            case OptionReplyBody.ExportInfo e -> {
                out.writeShort(e.infoType().value());
                out.writeLong(e.size());
                out.writeShort(e.transmissionFlags());
            }
            case OptionReplyBody.NameInfo n -> {
                out.writeShort(n.infoType().value());
                out.writeBytes(n.name().getBytes(StandardCharsets.UTF_8));
            }
            case OptionReplyBody.DescriptionInfo d -> {
                out.writeShort(d.infoType().value());
                out.writeBytes(NbdStrings.message(d.description(), NbdProtocol.MAX_STRING_LENGTH));
            }
            case OptionReplyBody.BlockSizeInfo b -> {
                out.writeShort(b.infoType().value());
                out.writeInt(b.sizes().minimum());
                out.writeInt(b.sizes().preferred());
                out.writeInt(b.sizes().maximum());
            }
            case OptionReplyBody.MetaContext m -> {
                out.writeInt(m.id());
                out.writeBytes(m.name().getBytes(StandardCharsets.UTF_8));
            }
            case OptionReplyBody.Failure f ->
                    out.writeBytes(NbdStrings.message(f.message(), NbdProtocol.MAX_STRING_LENGTH));
        }
        out.setInt(lengthIndex, out.writerIndex() - start);
    }
}
