package io.rsio.wire.codec;

import static io.rsio.wire.WireConstants.FLAG_FUA;
import static io.rsio.wire.WireConstants.FLAG_NO_HOLE;
import static io.rsio.wire.WireConstants.FLAG_REPLY;
import static io.rsio.wire.WireConstants.NONCE_SIZE;
import static io.rsio.wire.WireConstants.PROOF_SIZE;

import io.rsio.block.Errno;
import io.rsio.wire.Opcode;
import io.rsio.wire.WireConstants;
import io.rsio.wire.message.Message;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import io.rsio.wire.message.VolumeInfo;
import java.util.EnumSet;
import java.util.Set;

/**
 * Maps each message to its header fields and payload (docs/PROTOCOL.md §2–3); the mirror of
 * {@link MessageReader}. It checks what the decoder on the other side would reject, so a bad
 * message fails the local write instead of killing the connection.
 */
final class MessageWriter {
    /** Opcodes whose success reply has no payload ({@link Reply.Done}). */
    static final Set<Opcode> DONE_OPCODES = EnumSet.of(
            Opcode.CLOSE, Opcode.WRITE, Opcode.FLUSH, Opcode.DISCARD, Opcode.WRITE_ZEROES, Opcode.GOODBYE);

    private MessageWriter() {}

    static HeaderFields header(Message message) {
        return switch (message) {
            case Request.Hello m -> HeaderFields.of(Opcode.HELLO, 0, m.tag());
            case Request.AuthStart m -> HeaderFields.of(Opcode.AUTH_START, 0, m.tag());
            case Request.AuthProof m -> HeaderFields.of(Opcode.AUTH_PROOF, 0, m.tag());
            case Request.ListVolumes m -> HeaderFields.of(Opcode.LIST, 0, m.tag());
            case Request.Open m -> HeaderFields.of(Opcode.OPEN, 0, m.tag());
            case Request.Close m -> request(Opcode.CLOSE, 0, m.tag(), m.handle(), 0, 0);
            case Request.Read m -> request(Opcode.READ, 0, m.tag(), m.handle(), m.offset(), m.length());
            case Request.Write m -> request(Opcode.WRITE, m.fua() ? FLAG_FUA : 0, m.tag(), m.handle(), m.offset(),
                    m.data().readableBytes());
            case Request.Flush m -> request(Opcode.FLUSH, 0, m.tag(), m.handle(), 0, 0);
            case Request.Discard m -> request(Opcode.DISCARD, 0, m.tag(), m.handle(), m.offset(), m.length());
            case Request.WriteZeroes m -> request(Opcode.WRITE_ZEROES, m.noHole() ? FLAG_NO_HOLE : 0, m.tag(),
                    m.handle(), m.offset(), m.length());
            case Request.Query m -> {
                if (m.code() < 0) {
                    throw new IllegalArgumentException("query code " + m.code() + " is negative");
                }
                yield request(Opcode.QUERY, 0, m.tag(), m.handle(), m.code(), 0);
            }
            case Request.Ping m -> request(Opcode.PING, 0, m.tag(), 0, m.timestamp(), 0);
            case Request.Goodbye m -> HeaderFields.of(Opcode.GOODBYE, 0, m.tag());
            case Request.Manage m -> HeaderFields.of(Opcode.MANAGE, 0, m.tag());

            case Reply.HelloReply m -> HeaderFields.of(Opcode.HELLO, FLAG_REPLY, m.tag());
            case Reply.AuthChallenge m -> HeaderFields.of(Opcode.AUTH_START, FLAG_REPLY, m.tag());
            case Reply.AuthAccepted m -> HeaderFields.of(Opcode.AUTH_PROOF, FLAG_REPLY, m.tag());
            case Reply.VolumeList m -> HeaderFields.of(Opcode.LIST, FLAG_REPLY, m.tag());
            case Reply.Opened m -> reply(Opcode.OPEN, m.tag(), m.handle(), Errno.OK, 0, 0);
            case Reply.ReadData m -> reply(Opcode.READ, m.tag(), 0, Errno.OK, 0, m.data().readableBytes());
            case Reply.Done m -> {
                if (!DONE_OPCODES.contains(m.opcode())) {
                    throw new IllegalArgumentException("a " + m.opcode() + " success reply is not Done");
                }
                yield HeaderFields.of(m.opcode(), FLAG_REPLY, m.tag());
            }
            case Reply.Geometry m -> reply(Opcode.QUERY, m.tag(), 0, Errno.OK, WireConstants.QUERY_GEOMETRY, 0);
            case Reply.Pong m -> {
                if (m.otherInstances() < 0) {
                    throw new IllegalArgumentException("other instances " + m.otherInstances() + " is negative");
                }
                yield reply(Opcode.PING, m.tag(), m.volumesVersion(), Errno.OK, m.timestamp(), m.otherInstances());
            }
            case Reply.Managed m -> HeaderFields.of(Opcode.MANAGE, FLAG_REPLY, m.tag());
            case Reply.ManagedStatistics m -> HeaderFields.of(Opcode.MANAGE, FLAG_REPLY, m.tag());
            case Reply.ManagedJobs m -> HeaderFields.of(Opcode.MANAGE, FLAG_REPLY, m.tag());
            case Reply.Failure m -> {
                if (m.status() == Errno.OK) {
                    throw new IllegalArgumentException("a failure reply needs a status other than OK");
                }
                yield reply(m.opcode(), m.tag(), 0, m.status(), 0, 0);
            }
        };
    }

    /** Writes the payload of a message that has no data buffer. */
    static void payload(Message message, PayloadWriter out) {
        switch (message) {
            case Request.Hello m -> {
                out.u16(m.minVersion(), "min version");
                out.u16(m.maxVersion(), "max version");
                maxPayload(out, m.maxPayload());
                out.u32(m.features());
                out.string(m.software());
            }
            case Request.AuthStart m -> {
                out.u32(m.namespaceId());
                out.string(m.nodeName());
                out.bytes(m.clientNonce(), NONCE_SIZE, "client nonce");
                if (m.clientInstance() != null) {
                    out.uuid(m.clientInstance());
                }
            }
            case Request.AuthProof m -> out.bytes(m.proof(), PROOF_SIZE, "client proof");
            case Request.Open m -> {
                out.string(m.volume());
                out.u32(m.readOnly() ? WireConstants.OPEN_READ_ONLY : 0);
            }
            case Reply.HelloReply m -> {
                out.u16(m.version(), "version");
                maxPayload(out, m.maxPayload());
                if ((m.features() & ~LinkSettings.KNOWN_FEATURES) != 0) {
                    throw new IllegalArgumentException("unknown feature bits 0x" + Integer.toHexString(m.features()));
                }
                out.u32(m.features());
                out.string(m.software());
            }
            case Reply.AuthChallenge m -> {
                out.u32(m.serverId());
                out.string(m.serverName());
                out.bytes(m.serverNonce(), NONCE_SIZE, "server nonce");
            }
            case Reply.AuthAccepted m -> {
                out.bytes(m.proof(), PROOF_SIZE, "server proof");
                if (m.serverInstance() != null) {
                    out.uuid(m.serverInstance());
                }
            }
            case Reply.VolumeList m -> {
                out.u16(m.volumes().size(), "volume count");
                for (VolumeInfo volume : m.volumes()) {
                    volume(out, volume);
                }
            }
            case Reply.Opened m -> volume(out, m.volume());
            case Request.Manage m -> ManagementCodec.writeRequest(m, out);
            case Reply.Managed m -> ManagementCodec.writeReply(m, out);
            case Reply.ManagedStatistics m -> ManagementCodec.writeStatistics(m, out);
            case Reply.ManagedJobs m -> ManagementCodec.writeJobs(m, out);
            case Reply.Geometry m -> {
                size(out, m.size(), "size");
                blockSize(out, m.blockSize(), "logical block size");
                size(out, m.preferredIoSize(), "preferred I/O size");
                size(out, m.maxIoSize(), "maximum I/O size");
            }
            // A failed request must always get its reply: an unsendable reason is made sendable.
            case Reply.Failure m -> out.string(WireString.sendable(m.reason() == null ? "" : m.reason()));
            case Request.ListVolumes m -> {}
            case Request.Close m -> {}
            case Request.Read m -> {}
            case Request.Flush m -> {}
            case Request.Discard m -> {}
            case Request.WriteZeroes m -> {}
            case Request.Query m -> {}
            case Request.Ping m -> {}
            case Request.Goodbye m -> {}
            case Reply.Done m -> {}
            case Reply.Pong m -> {}
            case Request.Write m -> throw new IllegalStateException("WRITE data is not written here");
            case Reply.ReadData m -> throw new IllegalStateException("READ data is not written here");
        }
    }

    private static HeaderFields request(Opcode op, int flags, long tag, int handle, long offset, int length) {
        return new HeaderFields(op, flags, tag, handle, Errno.OK, offset, length);
    }

    private static HeaderFields reply(Opcode op, long tag, int handle, Errno status, long offset, int length) {
        return new HeaderFields(op, FLAG_REPLY, tag, handle, status, offset, length);
    }

    private static void volume(PayloadWriter out, VolumeInfo volume) {
        out.string(volume.name());
        size(out, volume.size(), "volume size");
        blockSize(out, volume.blockSize(), "volume block size");
        out.string(volume.deviceDir());
        out.uuid(volume.id());
        out.u32((volume.readOnly() ? WireConstants.VOLUME_READ_ONLY : 0)
                | (volume.oneActiveServer() ? WireConstants.VOLUME_ONE_ACTIVE_SERVER : 0));
    }

    private static void maxPayload(PayloadWriter out, int value) {
        if (!LinkSettings.validMaxPayload(value)) {
            throw new IllegalArgumentException("max payload " + value + " outside "
                    + WireConstants.PRE_HELLO_MAX_PAYLOAD + ".." + WireConstants.MAX_PAYLOAD_LIMIT);
        }
        out.u32(value);
    }

    private static void blockSize(PayloadWriter out, int value, String field) {
        if (!MessageReader.validBlockSize(value)) {
            throw new IllegalArgumentException(field + " " + value + " is not a power of two in "
                    + MessageReader.MIN_BLOCK_SIZE + ".." + MessageReader.MAX_BLOCK_SIZE);
        }
        out.u32(value);
    }

    private static void size(PayloadWriter out, long value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " " + value + " is negative");
        }
        out.u64(value);
    }

    private static void size(PayloadWriter out, int value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " " + value + " is negative");
        }
        out.u32(value);
    }
}
