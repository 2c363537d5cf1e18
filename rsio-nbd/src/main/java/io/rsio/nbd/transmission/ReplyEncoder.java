package io.rsio.nbd.transmission;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.rsio.nbd.protocol.ChunkType;
import io.rsio.nbd.protocol.NbdProtocol;
import io.rsio.nbd.protocol.NbdStrings;
import java.util.List;

/**
 * Encodes replies. Only headers are written here; data buffers follow their header as separate
 * messages, so READ data reaches the socket (a gathering write) without being copied.
 */
@ChannelHandler.Sharable
public final class ReplyEncoder extends MessageToMessageEncoder<NbdReply> {
    public static final ReplyEncoder INSTANCE = new ReplyEncoder();

    private ReplyEncoder() {
        super(NbdReply.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, NbdReply msg, List<Object> out) {
        switch (msg) {
            case NbdReply.SimpleReply r -> {
                out.add(simpleHeader(ctx, r.cookie(), 0));
                if (r.data() != null) {
                    out.add(r.data());
                }
            }
            case NbdReply.SimpleError r -> out.add(simpleHeader(ctx, r.cookie(), r.error().value()));
            case NbdReply.DataChunk c -> {
                ByteBuf header = chunkHeader(ctx, c.cookie(), c.done(), ChunkType.OFFSET_DATA, 8 + c.data().readableBytes(), 8);
                header.writeLong(c.offset());
                out.add(header);
                out.add(c.data());
            }
            case NbdReply.NoneChunk c -> out.add(chunkHeader(ctx, c.cookie(), true, ChunkType.NONE, 0, 0));
            case NbdReply.ErrorChunk c -> {
                byte[] message = NbdStrings.message(c.message(), NbdProtocol.MAX_STRING_LENGTH);
                ByteBuf chunk = chunkHeader(ctx, c.cookie(), c.done(), ChunkType.ERROR, 6 + message.length, 6 + message.length);
                chunk.writeInt(c.error().value());
                chunk.writeShort(message.length);
                chunk.writeBytes(message);
                out.add(chunk);
            }
            case NbdReply.BlockStatusChunk c -> {
                int length = 4 + 8 * c.extents().size();
                ByteBuf chunk = chunkHeader(ctx, c.cookie(), c.done(), ChunkType.BLOCK_STATUS, length, length);
                chunk.writeInt(c.contextId());
                for (NbdReply.Extent e : c.extents()) {
                    chunk.writeInt((int) e.length());
                    chunk.writeInt(e.flags());
                }
                out.add(chunk);
            }
        }
    }

    private static ByteBuf simpleHeader(ChannelHandlerContext ctx, long cookie, int error) {
        ByteBuf b = ctx.alloc().ioBuffer(NbdProtocol.SIMPLE_REPLY_HEADER_LENGTH);
        b.writeInt(NbdProtocol.SIMPLE_REPLY_MAGIC);
        b.writeInt(error);
        b.writeLong(cookie);
        return b;
    }

    /** A chunk header with room for {@code inline} payload bytes written by the caller. */
    private static ByteBuf chunkHeader(ChannelHandlerContext ctx, long cookie, boolean done, ChunkType type,
            long payloadLength, int inline) {
        ByteBuf b = ctx.alloc().ioBuffer(NbdProtocol.CHUNK_HEADER_LENGTH + inline);
        b.writeInt(NbdProtocol.STRUCTURED_REPLY_MAGIC);
        b.writeShort(done ? NbdProtocol.REPLY_FLAG_DONE : 0);
        b.writeShort(type.value());
        b.writeLong(cookie);
        b.writeInt((int) payloadLength);
        return b;
    }
}
