package io.rsio.nbd.transmission;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.rsio.nbd.protocol.NbdCommand;
import io.rsio.nbd.protocol.NbdProtocol;
import io.rsio.nbd.protocol.NbdProtocolException;
import java.util.List;

/**
 * Decodes transmission requests: a 28-byte header, then for NBD_CMD_WRITE the payload.
 *
 * <p>The WRITE length is checked against {@link NbdProtocol#MAX_PAYLOAD} before anything is
 * allocated; a longer one, or a wrong magic, is a {@link NbdProtocolException} (the stream can
 * no longer be trusted, so the connection is closed) and all later input is discarded. The
 * payload is gathered as retained slices of the receive buffers, in the chunks they arrive, so
 * it is never copied on its way to the target. Everything else (command, flags, range) is
 * checked in one place, {@link RequestValidator}.
 */
public final class RequestDecoder extends ByteToMessageDecoder {
    private static final int MAX_PAYLOAD_COMPONENTS = 1024;

    private enum State { HEADER, PAYLOAD, FAILED }

    private State state = State.HEADER;
    private int flags;
    private int type;
    private long cookie;
    private long offset;
    private long length;
    private CompositeByteBuf payload;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case HEADER -> {
                if (in.readableBytes() >= NbdProtocol.REQUEST_HEADER_LENGTH) {
                    readHeader(in, out);
                }
            }
            case PAYLOAD -> readPayload(in, out);
            case FAILED -> in.skipBytes(in.readableBytes());
        }
    }

    private void readHeader(ByteBuf in, List<Object> out) {
        int magic = in.readInt();
        if (magic != NbdProtocol.REQUEST_MAGIC) {
            fail(String.format("request magic 0x%08x, expected 0x%08x", magic, NbdProtocol.REQUEST_MAGIC));
        }
        flags = in.readUnsignedShort();
        type = in.readUnsignedShort();
        cookie = in.readLong();
        offset = in.readLong();
        length = in.readUnsignedInt();
        if (type != NbdCommand.WRITE.value() || length == 0) {
            out.add(new NbdRequest(flags, type, cookie, offset, length, null));
            return;
        }
        if (length > NbdProtocol.MAX_PAYLOAD) {
            fail("NBD_CMD_WRITE of " + length + " bytes exceeds the " + NbdProtocol.MAX_PAYLOAD + "-byte limit");
        }
        if (in.readableBytes() >= length) {
            // the common case for small writes: the whole payload is already here
            out.add(new NbdRequest(flags, type, cookie, offset, length, in.readRetainedSlice((int) length)));
            return;
        }
        payload = in.alloc().compositeBuffer(MAX_PAYLOAD_COMPONENTS);
        state = State.PAYLOAD;
        readPayload(in, out);
    }

    private void readPayload(ByteBuf in, List<Object> out) {
        int n = (int) Math.min(in.readableBytes(), length - payload.readableBytes());
        if (n > 0) {
            payload.addComponent(true, in.readRetainedSlice(n));
        }
        if (payload.readableBytes() == length) {
            out.add(new NbdRequest(flags, type, cookie, offset, length, payload));
            payload = null;
            state = State.HEADER;
        }
    }

    private void fail(String reason) {
        state = State.FAILED;
        throw new NbdProtocolException(reason);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (payload != null) {
            payload.release();
            payload = null;
        }
    }
}
