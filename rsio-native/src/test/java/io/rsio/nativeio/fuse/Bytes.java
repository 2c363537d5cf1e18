package io.rsio.nativeio.fuse;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;

/** Little helpers to write FUSE byte fixtures field by field (host order: little-endian here). */
final class Bytes {
    private final ByteBuffer buf = ByteBuffer.allocate(2 << 20).order(ByteOrder.nativeOrder());

    static Bytes of() {
        return new Bytes();
    }

    Bytes u16(int v) {
        buf.putShort((short) v);
        return this;
    }

    Bytes u32(long v) {
        buf.putInt((int) v);
        return this;
    }

    Bytes u64(long v) {
        buf.putLong(v);
        return this;
    }

    Bytes raw(byte[] b) {
        buf.put(b);
        return this;
    }

    Bytes zeros(int n) {
        buf.put(new byte[n]);
        return this;
    }

    Bytes cstring(String s) {
        buf.put(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)).put((byte) 0);
        return this;
    }

    /** A fuse_in_header for a request whose arguments are {@code args}. */
    static Bytes request(int opcode, long unique, long nodeId, int pid, byte[] args) {
        return of().u32(40 + args.length).u32(opcode).u64(unique).u64(nodeId).u32(0).u32(0).u32(pid).u16(0).u16(0)
                .raw(args);
    }

    byte[] bytes() {
        byte[] out = new byte[buf.position()];
        buf.duplicate().flip().get(out);
        return out;
    }

    /** The bytes in native memory, as a reader thread's buffer would hold them. */
    MemorySegment segment(Arena arena) {
        byte[] b = bytes();
        MemorySegment s = arena.allocate(Math.max(1, b.length), 8);
        MemorySegment.copy(b, 0, s, ValueLayout.JAVA_BYTE, 0, b.length);
        return s;
    }

    static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }
}
