package io.rsio.wire.codec;

import static io.rsio.wire.WireConstants.DIGEST_SIZE;
import static io.rsio.wire.WireConstants.HEADER_SIZE;
import static io.rsio.wire.WireConstants.MAGIC;
import static io.rsio.wire.WireConstants.VERSION;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import io.rsio.wire.message.DataMessage;
import io.rsio.wire.message.Message;
import java.util.List;

/**
 * Encodes {@link Message}s into RSIO frames (docs/PROTOCOL.md §1–3). Requests and replies alike:
 * which side may send what is the session's business, not the framing's.
 *
 * <p>Volume data is never copied: a WRITE request or READ reply becomes three buffers written in
 * order — the header, the message's own data buffer, and the 4-byte data digest (when data
 * digests are on). Other messages become one buffer.
 *
 * <p>Ownership: the encoder takes over a {@link DataMessage}'s buffer. It is released once
 * written, or at once if the message cannot be encoded; a caller that needs the data again
 * (to resend it on another path) retains it before writing.
 *
 * <p>A message the peer would reject (a string over 1024 bytes, a payload over the agreed
 * limit, a nonce of the wrong size…) fails the write with an EncoderException and sends
 * nothing. Not thread safe: call {@link #negotiated} on the channel's event loop.
 */
public final class RsioFrameEncoder extends MessageToMessageEncoder<Message> {
    private final Crc32c crc = new Crc32c();
    private LinkSettings settings = LinkSettings.BEFORE_HELLO;

    public RsioFrameEncoder() {
        super(Message.class);
    }

    /**
     * Applies what HELLO agreed to every frame written from now on.
     *
     * @param maxPayload the agreed max payload, 4096..16 MiB
     * @param features the agreed feature bits ({@code FEATURE_HEADER_DIGEST}, {@code FEATURE_DATA_DIGEST})
     * @throws IllegalArgumentException when either value is outside what HELLO can agree
     */
    public void negotiated(int maxPayload, int features) {
        apply(new LinkSettings(maxPayload, features));
    }

    void apply(LinkSettings agreed) {
        settings = agreed;
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Message message, List<Object> out) {
        if (message instanceof DataMessage data) {
            encodeData(ctx, message, data.data(), out);
        } else {
            encodeControl(ctx, message, out);
        }
    }

    private void encodeData(ChannelHandlerContext ctx, Message message, ByteBuf data, List<Object> out) {
        ByteBuf header = null;
        ByteBuf digest = null;
        try {
            int length = data.readableBytes();
            if (length > settings.maxPayload()) {
                throw new IllegalArgumentException(
                        "payload length " + length + " exceeds limit " + settings.maxPayload());
            }
            HeaderFields fields = MessageWriter.header(message);
            header = ctx.alloc().buffer(HEADER_SIZE);
            header.writeZero(HEADER_SIZE);
            setHeader(header, fields, length);
            if (settings.dataDigest(length)) {
                digest = ctx.alloc().buffer(DIGEST_SIZE);
                digest.writeInt(crc.of(data, data.readerIndex(), length));
            }
        } catch (RuntimeException e) {
            release(header);
            release(digest);
            data.release();
            throw e;
        }
        // Nothing below can fail: MessageToMessageEncoder writes whatever is in out even after
        // an exception, so buffers are added only once the frame is complete.
        out.add(header);
        out.add(data);
        if (digest != null) {
            out.add(digest);
        }
    }

    private void encodeControl(ChannelHandlerContext ctx, Message message, List<Object> out) {
        ByteBuf frame = ctx.alloc().buffer(HEADER_SIZE + 128);
        try {
            HeaderFields fields = MessageWriter.header(message);
            frame.writeZero(HEADER_SIZE);
            MessageWriter.payload(message, new PayloadWriter(frame, settings.maxPayload()));
            int length = frame.writerIndex() - HEADER_SIZE;
            setHeader(frame, fields, length);
            if (settings.dataDigest(length)) {
                frame.writeInt(crc.of(frame, HEADER_SIZE, length));
            }
        } catch (RuntimeException e) {
            frame.release();
            throw e;
        }
        out.add(frame);
    }

    /** Fills the 44 header bytes at index 0 of {@code buf}. */
    private void setHeader(ByteBuf buf, HeaderFields h, int payloadLength) {
        buf.setInt(0, MAGIC);
        buf.setByte(4, VERSION);
        buf.setByte(5, h.opcode().value());
        buf.setShort(6, h.flags());
        buf.setLong(8, h.tag());
        buf.setInt(16, h.handle());
        buf.setInt(20, h.status().value());
        buf.setLong(24, h.offset());
        buf.setInt(32, h.length());
        buf.setInt(36, payloadLength);
        buf.setInt(40, settings.headerDigest(h.opcode()) ? crc.of(buf, 0, 40) : 0);
    }

    private static void release(ByteBuf buf) {
        if (buf != null) {
            buf.release();
        }
    }
}
