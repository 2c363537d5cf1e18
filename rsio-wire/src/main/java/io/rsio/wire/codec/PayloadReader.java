package io.rsio.wire.codec;

import static io.rsio.wire.WireConstants.MAX_STRING_BYTES;

import io.netty.buffer.ByteBuf;
import java.util.UUID;

/**
 * Reads the primitives of docs/PROTOCOL.md §3.1 from one frame's payload. Every read checks
 * that the payload holds the bytes it needs, so a short or lying payload becomes a
 * {@link ProtocolException} naming the frame, never an IndexOutOfBoundsException.
 */
final class PayloadReader {
    private final ByteBuf payload;
    private final String frame;

    PayloadReader(ByteBuf payload, String frame) {
        this.payload = payload;
        this.frame = frame;
    }

    int remaining() {
        return payload.readableBytes();
    }

    int u16() {
        need(2, "u16");
        return payload.readUnsignedShort();
    }

    /** A u32 as Java holds it: the same 32 bits in an int. */
    int u32() {
        need(4, "u32");
        return payload.readInt();
    }

    /** A u32 used as a size or count: it must fit a non-negative int. */
    int u32Size(String field) {
        int value = u32();
        if (value < 0) {
            throw error(field + " " + Integer.toUnsignedString(value) + " too large");
        }
        return value;
    }

    long u64() {
        need(8, "u64");
        return payload.readLong();
    }

    /** A u64 used as a byte count: it must fit a non-negative long. */
    long u64Size(String field) {
        long value = u64();
        if (value < 0) {
            throw error(field + " " + Long.toUnsignedString(value) + " too large");
        }
        return value;
    }

    byte[] bytes(int count, String field) {
        need(count, field);
        byte[] bytes = new byte[count];
        payload.readBytes(bytes);
        return bytes;
    }

    String string(String field) {
        int size = u16();
        if (size > MAX_STRING_BYTES) {
            throw error(field + " of " + size + " bytes exceeds " + MAX_STRING_BYTES);
        }
        need(size, field);
        String value = WireString.decodeOrNull(payload.nioBuffer(payload.readerIndex(), size));
        if (value == null) {
            throw error(field + " is not valid UTF-8");
        }
        payload.skipBytes(size);
        return value;
    }

    UUID uuid(String field) {
        need(16, field);
        return new UUID(payload.readLong(), payload.readLong());
    }

    /** The payload must end exactly where its layout ends. */
    void end() {
        if (payload.isReadable()) {
            throw error(payload.readableBytes() + " unexpected trailing payload bytes");
        }
    }

    ProtocolException error(String what) {
        return new ProtocolException(frame + ": " + what);
    }

    private void need(int count, String what) {
        if (payload.readableBytes() < count) {
            throw error("payload too short for " + what + " (" + payload.readableBytes() + " bytes left, "
                    + count + " needed)");
        }
    }
}
