package io.rsio.nbd.handshake;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.rsio.nbd.protocol.NbdProtocol;
import io.rsio.nbd.protocol.NbdProtocolException;
import java.util.List;

/**
 * Decodes the client side of the fixed-newstyle handshake: the client flags, then options
 * (IHAVEOPT, u32 option, u32 length, data). A state machine emitting one message per
 * {@code decode} call, so that the handler can swap the pipeline after NBD_OPT_GO and the bytes
 * that follow reach the transmission decoder untouched.
 *
 * <p>Limits come before allocation: payloads up to {@link NbdProtocol#MAX_OPTION_LENGTH} are
 * kept, larger ones up to {@link NbdProtocol#MAX_SKIPPED_OPTION_LENGTH} are skipped as they
 * arrive (never stored) and reported as {@link HandshakeRequest.OversizedOption}; anything larger
 * or a wrong magic is a {@link NbdProtocolException}, after which all input is discarded.
 */
public final class HandshakeDecoder extends ByteToMessageDecoder {
    private enum State { CLIENT_FLAGS, OPTION_HEADER, OPTION_DATA, SKIP_DATA, FAILED }

    private State state = State.CLIENT_FLAGS;
    private int option;
    private long remaining;
    private long skippedLength;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        switch (state) {
            case CLIENT_FLAGS -> {
                if (in.readableBytes() >= 4) {
                    out.add(new HandshakeRequest.ClientFlags(in.readInt()));
                    state = State.OPTION_HEADER;
                }
            }
            case OPTION_HEADER -> {
                if (in.readableBytes() >= NbdProtocol.OPTION_HEADER_LENGTH) {
                    readHeader(in, out);
                }
            }
            case OPTION_DATA -> {
                if (in.readableBytes() >= remaining) {
                    out.add(new HandshakeRequest.OptionRequest(option, in.readRetainedSlice((int) remaining)));
                    state = State.OPTION_HEADER;
                }
            }
            case SKIP_DATA -> {
                int n = (int) Math.min(remaining, in.readableBytes());
                in.skipBytes(n);
                remaining -= n;
                if (remaining == 0) {
                    out.add(new HandshakeRequest.OversizedOption(option, skippedLength));
                    state = State.OPTION_HEADER;
                }
            }
            case FAILED -> in.skipBytes(in.readableBytes());
        }
    }

    private void readHeader(ByteBuf in, List<Object> out) {
        long magic = in.readLong();
        if (magic != NbdProtocol.IHAVEOPT) {
            fail(String.format("option magic 0x%016x, expected IHAVEOPT", magic));
        }
        option = in.readInt();
        long length = in.readUnsignedInt();
        if (length > NbdProtocol.MAX_SKIPPED_OPTION_LENGTH) {
            fail("option payload of " + length + " bytes is beyond any sane size");
        }
        remaining = length;
        if (length == 0) {
            out.add(new HandshakeRequest.OptionRequest(option, Unpooled.EMPTY_BUFFER));
        } else if (length <= NbdProtocol.MAX_OPTION_LENGTH) {
            state = State.OPTION_DATA;
        } else {
            skippedLength = length;
            state = State.SKIP_DATA;
        }
    }

    private void fail(String reason) {
        state = State.FAILED;
        throw new NbdProtocolException(reason);
    }
}
