package io.rsio.wire.codec;

import static io.rsio.wire.WireConstants.NONCE_SIZE;
import static io.rsio.wire.WireConstants.PROOF_SIZE;

import io.netty.buffer.ByteBuf;
import io.rsio.block.Errno;
import io.rsio.wire.WireConstants;
import io.rsio.wire.message.Message;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import io.rsio.wire.message.VolumeInfo;
import java.util.ArrayList;
import java.util.List;

/** Turns a checked header and its payload into a message (docs/PROTOCOL.md §3). */
final class MessageReader {
    /** The smallest volume entry: two empty strings, u64, u32, uuid, u32. */
    static final int MIN_VOLUME_ENTRY = 2 + 8 + 4 + 2 + 16 + 4;
    static final int MIN_BLOCK_SIZE = 512;
    static final int MAX_BLOCK_SIZE = 65536;

    private MessageReader() {}

    /**
     * The message of one frame. For {@link FrameHeader#carriesData() data frames} the message
     * takes ownership of {@code payload}; otherwise the caller still owns it and releases it.
     */
    static Message read(FrameHeader h, ByteBuf payload) {
        if (h.carriesData()) {
            return h.reply()
                    ? new Reply.ReadData(h.tag(), payload)
                    : new Request.Write(h.tag(), h.handle(), h.offset(), h.flag(WireConstants.FLAG_FUA), payload);
        }
        PayloadReader in = new PayloadReader(payload, h.kind());
        Message message = h.reply() ? reply(h, in) : request(h, in);
        in.end();
        return message;
    }

    private static Request request(FrameHeader h, PayloadReader in) {
        long tag = h.tag();
        return switch (h.opcode()) {
            case HELLO -> {
                int minVersion = in.u16();
                int maxVersion = in.u16();
                int maxPayload = maxPayload(in);
                int features = in.u32(); // unknown bits allowed: the server answers the intersection
                yield new Request.Hello(tag, minVersion, maxVersion, maxPayload, features, in.string("software"));
            }
            case AUTH_START -> {
                int namespaceId = in.u32();
                String nodeName = in.string("node name");
                byte[] nonce = in.bytes(NONCE_SIZE, "client nonce");
                // The instance is there exactly when HELLO agreed FEATURE_CLIENT_INSTANCE (as the
                // server instance of the AUTH_PROOF reply); the codec knows the two layouts.
                yield new Request.AuthStart(tag, namespaceId, nodeName, nonce,
                        in.remaining() == 16 ? in.uuid("client instance") : null);
            }
            case AUTH_PROOF -> new Request.AuthProof(tag, in.bytes(PROOF_SIZE, "client proof"));
            case LIST -> new Request.ListVolumes(tag);
            case OPEN -> {
                String volume = in.string("volume name");
                int flags = in.u32();
                if ((flags & ~WireConstants.OPEN_READ_ONLY) != 0) {
                    throw in.error("unknown open flag bits 0x" + Integer.toHexString(flags));
                }
                yield new Request.Open(tag, volume, flags == WireConstants.OPEN_READ_ONLY);
            }
            case CLOSE -> new Request.Close(tag, h.handle());
            case READ -> new Request.Read(tag, h.handle(), h.offset(), h.length());
            case WRITE -> throw new IllegalStateException("WRITE carries data"); // handled in read()
            case FLUSH -> new Request.Flush(tag, h.handle());
            case DISCARD -> new Request.Discard(tag, h.handle(), h.offset(), h.length());
            case WRITE_ZEROES -> new Request.WriteZeroes(
                    tag, h.handle(), h.offset(), h.length(), h.flag(WireConstants.FLAG_NO_HOLE));
            case QUERY -> {
                if (h.offset() < 0 || h.offset() > Integer.MAX_VALUE) {
                    throw in.error("query code " + Long.toUnsignedString(h.offset()) + " out of range");
                }
                yield new Request.Query(tag, h.handle(), (int) h.offset());
            }
            case PING -> new Request.Ping(tag, h.offset());
            case GOODBYE -> new Request.Goodbye(tag);
            case MANAGE -> ManagementCodec.readRequest(tag, in);
        };
    }

    private static Reply reply(FrameHeader h, PayloadReader in) {
        long tag = h.tag();
        if (h.status() != Errno.OK) {
            return new Reply.Failure(tag, h.opcode(), h.status(), in.string("failure reason"));
        }
        return switch (h.opcode()) {
            case HELLO -> {
                int version = in.u16();
                int maxPayload = maxPayload(in);
                int features = in.u32();
                if ((features & ~LinkSettings.KNOWN_FEATURES) != 0) {
                    throw in.error("unknown feature bits 0x" + Integer.toHexString(features));
                }
                yield new Reply.HelloReply(tag, version, maxPayload, features, in.string("software"));
            }
            case AUTH_START -> {
                int serverId = in.u32();
                String serverName = in.string("server name");
                yield new Reply.AuthChallenge(tag, serverId, serverName, in.bytes(NONCE_SIZE, "server nonce"));
            }
            case AUTH_PROOF -> {
                byte[] proof = in.bytes(PROOF_SIZE, "server proof");
                // The instance is there exactly when HELLO agreed FEATURE_SERVER_INSTANCE; the
                // client checks that against its session, the codec only knows the two layouts.
                yield new Reply.AuthAccepted(tag, proof, in.remaining() == 16 ? in.uuid("server instance") : null);
            }
            case LIST -> {
                int count = in.u16();
                // Check the claim against the bytes present before sizing anything by it.
                if ((long) count * MIN_VOLUME_ENTRY > in.remaining()) {
                    throw in.error("volume count " + count + " needs at least " + (long) count * MIN_VOLUME_ENTRY
                            + " bytes, payload has " + in.remaining());
                }
                List<VolumeInfo> volumes = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    volumes.add(volume(in));
                }
                yield new Reply.VolumeList(tag, List.copyOf(volumes));
            }
            case OPEN -> new Reply.Opened(tag, h.handle(), volume(in));
            case CLOSE, WRITE, FLUSH, DISCARD, WRITE_ZEROES, GOODBYE -> new Reply.Done(tag, h.opcode());
            case READ -> throw new IllegalStateException("READ carries data"); // handled in read()
            case QUERY -> {
                if (h.offset() != WireConstants.QUERY_GEOMETRY) {
                    throw in.error("unknown query code " + Long.toUnsignedString(h.offset()));
                }
                long size = in.u64Size("size");
                int blockSize = blockSize(in, "logical block size");
                int preferred = in.u32Size("preferred I/O size");
                int max = in.u32Size("maximum I/O size");
                yield new Reply.Geometry(tag, size, blockSize, preferred, max);
            }
            case PING -> {
                if (h.length() < 0) {
                    throw in.error("other instances " + Integer.toUnsignedString(h.length()) + " out of range");
                }
                yield new Reply.Pong(tag, h.offset(), h.length(), h.handle());
            }
            case MANAGE -> ManagementCodec.readReply(tag, in);
        };
    }

    private static VolumeInfo volume(PayloadReader in) {
        String name = in.string("volume name");
        long size = in.u64Size("volume size");
        int blockSize = blockSize(in, "volume block size");
        String deviceDir = in.string("device directory");
        var id = in.uuid("volume uuid");
        int flags = in.u32();
        if ((flags & ~(WireConstants.VOLUME_READ_ONLY | WireConstants.VOLUME_ONE_ACTIVE_SERVER)) != 0) {
            throw in.error("unknown volume flag bits 0x" + Integer.toHexString(flags));
        }
        return new VolumeInfo(name, size, blockSize, deviceDir, id, (flags & WireConstants.VOLUME_READ_ONLY) != 0,
                (flags & WireConstants.VOLUME_ONE_ACTIVE_SERVER) != 0);
    }

    private static int maxPayload(PayloadReader in) {
        int value = in.u32();
        if (!LinkSettings.validMaxPayload(value)) {
            throw in.error("max payload " + Integer.toUnsignedString(value) + " outside "
                    + WireConstants.PRE_HELLO_MAX_PAYLOAD + ".." + WireConstants.MAX_PAYLOAD_LIMIT);
        }
        return value;
    }

    private static int blockSize(PayloadReader in, String field) {
        int value = in.u32();
        if (!validBlockSize(value)) {
            throw in.error(field + " " + Integer.toUnsignedString(value) + " is not a power of two in "
                    + MIN_BLOCK_SIZE + ".." + MAX_BLOCK_SIZE);
        }
        return value;
    }

    static boolean validBlockSize(int value) {
        return value >= MIN_BLOCK_SIZE && value <= MAX_BLOCK_SIZE && Integer.bitCount(value) == 1;
    }
}
