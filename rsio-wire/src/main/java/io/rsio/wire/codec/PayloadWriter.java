package io.rsio.wire.codec;

import io.netty.buffer.ByteBuf;
import java.util.UUID;

/**
 * Writes the primitives of docs/PROTOCOL.md §3.1 and refuses, before writing, anything the wire
 * cannot carry: out-of-range numbers, over-long strings, a payload beyond the agreed limit.
 * Failures are IllegalArgumentExceptions; the encoder turns them into a failed write.
 */
final class PayloadWriter {
    private final ByteBuf buf;
    private final int start;
    private final int limit;

    PayloadWriter(ByteBuf buf, int limit) {
        this.buf = buf;
        this.start = buf.writerIndex();
        this.limit = limit;
    }

    void u16(int value, String field) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException(field + " " + value + " does not fit u16");
        }
        room(2);
        buf.writeShort(value);
    }

    void u32(int value) {
        room(4);
        buf.writeInt(value);
    }

    void u64(long value) {
        room(8);
        buf.writeLong(value);
    }

    void bytes(byte[] value, int size, String field) {
        if (value.length != size) {
            throw new IllegalArgumentException(field + " has " + value.length + " bytes, not " + size);
        }
        room(size);
        buf.writeBytes(value);
    }

    void string(String value) {
        byte[] bytes = WireString.encode(value);
        room(2 + bytes.length);
        buf.writeShort(bytes.length);
        buf.writeBytes(bytes);
    }

    void uuid(UUID value) {
        room(16);
        buf.writeLong(value.getMostSignificantBits());
        buf.writeLong(value.getLeastSignificantBits());
    }

    private void room(int bytes) {
        long size = (long) buf.writerIndex() - start + bytes;
        if (size > limit) {
            throw new IllegalArgumentException("payload of at least " + size + " bytes exceeds limit " + limit);
        }
    }
}
