package io.rsio.wire.codec;

import io.rsio.wire.WireConstants;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * Builds frame bytes field by field, independently of the encoder, so tests can write frames the
 * encoder would refuse to produce. Digests are computed with java.util.zip.CRC32C over arrays.
 */
final class RawFrame {
    int magic = WireConstants.MAGIC;
    int version = WireConstants.VERSION;
    int opcode;
    int flags;
    long tag;
    int handle;
    int status;
    long offset;
    int length;
    Integer payloadLength; // null: the payload's real length
    byte[] payload = new byte[0];
    boolean headerDigest = true;
    Integer headerDigestValue; // overrides the computed header digest
    boolean dataDigest;
    Integer dataDigestValue; // overrides the computed data digest

    static RawFrame request(int opcode) {
        RawFrame f = new RawFrame();
        f.opcode = opcode;
        return f;
    }

    static RawFrame reply(int opcode) {
        RawFrame f = request(opcode);
        f.flags = WireConstants.FLAG_REPLY;
        return f;
    }

    RawFrame payload(byte[] bytes) {
        payload = bytes;
        return this;
    }

    RawFrame with(java.util.function.Consumer<RawFrame> change) {
        change.accept(this);
        return this;
    }

    byte[] header() {
        ByteBuffer h = ByteBuffer.allocate(WireConstants.HEADER_SIZE);
        h.putInt(magic).put((byte) version).put((byte) opcode).putShort((short) flags).putLong(tag)
                .putInt(handle).putInt(status).putLong(offset).putInt(length)
                .putInt(payloadLength != null ? payloadLength : payload.length);
        int digest = headerDigestValue != null ? headerDigestValue
                : headerDigest ? crc(h.array(), 0, 40) : 0;
        h.putInt(digest);
        return h.array();
    }

    byte[] bytes() {
        boolean digest = dataDigest && payload.length > 0;
        ByteBuffer b = ByteBuffer.allocate(WireConstants.HEADER_SIZE + payload.length + (digest ? 4 : 0));
        b.put(header()).put(payload);
        if (digest) {
            b.putInt(dataDigestValue != null ? dataDigestValue : crc(payload, 0, payload.length));
        }
        return b.array();
    }

    static int crc(byte[] bytes, int from, int length) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, from, length);
        return (int) crc.getValue();
    }

    /** Payload bytes in wire order: ints are u32, shorts u16, longs u64, byte[] raw, String a wire string. */
    static byte[] payloadOf(Object... parts) {
        ByteBuffer b = ByteBuffer.allocate(64 * 1024);
        for (Object part : parts) {
            switch (part) {
                case Integer i -> b.putInt(i);
                case Short s -> b.putShort(s);
                case Long l -> b.putLong(l);
                case byte[] bytes -> b.put(bytes);
                case String s -> {
                    byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    b.putShort((short) utf8.length).put(utf8);
                }
                default -> throw new IllegalArgumentException("no wire form for " + part);
            }
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }
}
