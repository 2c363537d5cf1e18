package io.rsio.wire.codec;

import static io.rsio.wire.WireConstants.DIGEST_SIZE;
import static io.rsio.wire.WireConstants.FLAG_FUA;
import static io.rsio.wire.WireConstants.FLAG_NO_HOLE;
import static io.rsio.wire.WireConstants.HEADER_SIZE;
import static io.rsio.wire.WireConstants.KNOWN_FLAGS;
import static io.rsio.wire.WireConstants.MAGIC;
import static io.rsio.wire.WireConstants.VERSION;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.rsio.block.Errno;
import io.rsio.wire.Opcode;
import io.rsio.wire.message.Message;
import java.util.List;
import java.util.Optional;

/**
 * Decodes RSIO frames (docs/PROTOCOL.md §1) into {@link Message}s: {@code Request}s on the
 * server side, {@code Reply}s on the client side.
 *
 * <p>An explicit state machine: {@code HEADER} checks every rule of §1 on the 44 header bytes
 * before waiting for a single payload byte, so a lying length can never make it allocate or
 * buffer more than the agreed limit; {@code PAYLOAD} takes the payload as a retained slice of
 * the cumulation (WRITE and READ data reach the consumer uncopied); {@code DATA_DIGEST} checks
 * the payload's CRC32C before anything is parsed from it. Any violation throws one
 * {@link ProtocolException} and moves to {@code FAILED}, which discards all further input.
 *
 * <p>Messages carrying data ({@code DataMessage}) own a slice of the input; their consumer must
 * release them. Not thread safe: call {@link #negotiated} on the channel's event loop.
 */
public final class RsioFrameDecoder extends ByteToMessageDecoder {
    private enum State { HEADER, PAYLOAD, DATA_DIGEST, FAILED }

    private final boolean acceptRequests;
    private final Crc32c crc = new Crc32c();
    private LinkSettings settings = LinkSettings.BEFORE_HELLO;
    private State state = State.HEADER;
    /** The current frame's header; set in PAYLOAD and DATA_DIGEST. */
    private FrameHeader header;
    /** The current frame's payload while its data digest is awaited; owned by this decoder. */
    private ByteBuf payload;

    /**
     * @param acceptRequests true on a server (only requests are legal input), false on a client
     *     (only replies are)
     */
    public RsioFrameDecoder(boolean acceptRequests) {
        this.acceptRequests = acceptRequests;
        // Data payloads are large and leave as slices of the input: composing socket reads
        // instead of merging them into one buffer saves copying every byte once more
        // (the merge was half of rsiod's CPU time at 800 MB/s).
        setCumulator(COMPOSITE_CUMULATOR);
    }

    /**
     * Applies what HELLO agreed to every frame whose header arrives from now on.
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
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        try {
            switch (state) {
                case HEADER -> {
                    if (in.readableBytes() < HEADER_SIZE) {
                        return;
                    }
                    header = readHeader(in);
                    state = State.PAYLOAD;
                    readPayload(in, out);
                }
                case PAYLOAD -> readPayload(in, out);
                case DATA_DIGEST -> readDataDigest(in, out);
                case FAILED -> in.skipBytes(in.readableBytes());
            }
        } catch (ProtocolException e) {
            fail(in);
            throw e;
        }
    }

    /** A connection that ends inside a frame is a protocol error: the peer sent half a message. */
    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (state == State.FAILED) {
            in.skipBytes(in.readableBytes());
            return;
        }
        // decode() has already consumed every complete frame; anything left is a partial one.
        String missing = switch (state) {
            case HEADER -> in.isReadable()
                    ? "have " + in.readableBytes() + " of " + HEADER_SIZE + " header bytes" : null;
            case PAYLOAD -> "have " + in.readableBytes() + " of " + header.payloadLength() + " payload bytes";
            case DATA_DIGEST -> "have " + in.readableBytes() + " of " + DIGEST_SIZE + " data digest bytes";
            case FAILED -> null;
        };
        if (missing != null) {
            String frame = state == State.HEADER ? "frame" : header.kind();
            fail(in);
            throw new ProtocolException("input ended inside a " + frame + ": " + missing);
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        releasePayload();
    }

    private FrameHeader readHeader(ByteBuf in) {
        int at = in.readerIndex();
        int magic = in.getInt(at);
        if (magic != MAGIC) {
            throw new ProtocolException(String.format("bad magic 0x%08x", magic));
        }
        int version = in.getUnsignedByte(at + 4);
        if (version != VERSION) {
            throw new ProtocolException("bad version " + version);
        }
        int opcodeValue = in.getUnsignedByte(at + 5);
        // No lambdas or strings on the way of a good frame: this runs for every frame.
        Optional<Opcode> knownOpcode = Opcode.of(opcodeValue);
        if (knownOpcode.isEmpty()) {
            throw new ProtocolException("unknown opcode " + opcodeValue);
        }
        Opcode opcode = knownOpcode.get();
        // Check the digest before trusting any other field: a corrupted header is reported as
        // such rather than as whatever odd value the corruption produced.
        int digest = in.getInt(at + 40);
        if (settings.headerDigest(opcode)) {
            int computed = crc.of(in, at, 40);
            if (computed != digest) {
                throw new ProtocolException(String.format(
                        "bad header digest 0x%08x, computed 0x%08x", digest, computed));
            }
        } else if (digest != 0) {
            throw new ProtocolException(String.format("header digest 0x%08x while header digests are off", digest));
        }
        int flags = in.getUnsignedShort(at + 6);
        if ((flags & ~KNOWN_FLAGS) != 0) {
            throw new ProtocolException(String.format("unknown flag bits 0x%04x", flags & ~KNOWN_FLAGS));
        }
        boolean reply = FrameHeader.isReply(flags);
        if (reply == acceptRequests) {
            throw new ProtocolException(FrameHeader.kind(opcode, reply)
                    + (reply ? " received by a server" : " received by a client"));
        }
        if ((flags & FLAG_FUA) != 0 && (reply || opcode != Opcode.WRITE)) {
            throw new ProtocolException("FUA flag on a " + FrameHeader.kind(opcode, reply));
        }
        if ((flags & FLAG_NO_HOLE) != 0 && (reply || opcode != Opcode.WRITE_ZEROES)) {
            throw new ProtocolException("NO_HOLE flag on a " + FrameHeader.kind(opcode, reply));
        }
        int statusValue = in.getInt(at + 20);
        Errno status;
        if (reply) {
            Optional<Errno> knownStatus = Errno.of(statusValue);
            if (knownStatus.isEmpty()) {
                throw new ProtocolException(FrameHeader.kind(opcode, reply) + " with unknown status "
                        + Integer.toUnsignedString(statusValue));
            }
            status = knownStatus.get();
        } else if (statusValue != 0) {
            throw new ProtocolException(FrameHeader.kind(opcode, reply) + " with status "
                    + Integer.toUnsignedString(statusValue));
        } else {
            status = Errno.OK;
        }
        int payloadLength = in.getInt(at + 36);
        if (Integer.toUnsignedLong(payloadLength) > settings.maxPayload()) {
            throw new ProtocolException("payload length " + Integer.toUnsignedString(payloadLength)
                    + " exceeds limit " + settings.maxPayload());
        }
        int length = in.getInt(at + 32);
        FrameHeader h = new FrameHeader(opcode, reply, flags, in.getLong(at + 8), in.getInt(at + 16), status,
                in.getLong(at + 24), length, payloadLength, settings.dataDigest(payloadLength));
        if (h.carriesData() && payloadLength != length) {
            throw new ProtocolException(h.kind() + " payload length " + payloadLength + " != length "
                    + Integer.toUnsignedString(length));
        }
        in.skipBytes(HEADER_SIZE);
        return h;
    }

    private void readPayload(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < header.payloadLength()) {
            return;
        }
        payload = in.readRetainedSlice(header.payloadLength());
        if (header.dataDigest()) {
            state = State.DATA_DIGEST;
            readDataDigest(in, out);
        } else {
            out.add(deliver());
        }
    }

    private void readDataDigest(ByteBuf in, List<Object> out) {
        if (in.readableBytes() < DIGEST_SIZE) {
            return;
        }
        int digest = in.readInt();
        int computed = crc.of(payload, payload.readerIndex(), payload.readableBytes());
        if (computed != digest) {
            throw new ProtocolException(String.format("%s: bad data digest 0x%08x, computed 0x%08x",
                    header.kind(), digest, computed));
        }
        out.add(deliver());
    }

    /** Hands the payload to the message (data frames) or parses and releases it. */
    private Message deliver() {
        FrameHeader h = header;
        ByteBuf p = payload;
        header = null;
        payload = null;
        state = State.HEADER;
        if (h.carriesData()) {
            return MessageReader.read(h, p);
        }
        try {
            return MessageReader.read(h, p);
        } finally {
            p.release();
        }
    }

    private void fail(ByteBuf in) {
        state = State.FAILED;
        header = null;
        releasePayload();
        in.skipBytes(in.readableBytes());
    }

    private void releasePayload() {
        if (payload != null) {
            payload.release();
            payload = null;
        }
    }
}
