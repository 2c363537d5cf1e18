package io.rsio.nativeio.loop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** struct loop_config as linux/loop.h lays it out: 304 bytes, fd at 0, block size at 4, flags at 60, name at 64. */
class LoopConfigTest {
    @Test
    void layout() {
        byte[] b = new LoopConfig(7, 4096, LoopConfig.LO_FLAGS_DIRECT_IO | LoopConfig.LO_FLAGS_READ_ONLY,
                "/run/rsio/fuse/osl:oracle").toBytes();
        assertEquals(304, b.length);
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.nativeOrder());
        assertEquals(7, buf.getInt(0));
        assertEquals(4096, buf.getInt(4));
        assertEquals(0, buf.getLong(8 + 32), "lo_offset: from the start");
        assertEquals(0, buf.getLong(8 + 40 - 8 + 8), "lo_sizelimit: the whole file");
        assertEquals(17, buf.getInt(60));
        byte[] name = "/run/rsio/fuse/osl:oracle".getBytes(StandardCharsets.UTF_8);
        assertEquals(new String(name), new String(b, 64, name.length, StandardCharsets.UTF_8));
        assertEquals(0, b[64 + name.length], "NUL-terminated");
        byte[] rest = Arrays.copyOfRange(b, 64 + name.length, 304);
        assertEquals(0, Arrays.stream(toInts(rest)).sum(), "everything else zero");
    }

    @Test
    void longNamesAreCutTo63BytesAndANul() {
        byte[] b = new LoopConfig(3, 512, 0, "x".repeat(100)).toBytes();
        assertEquals('x', b[64 + 62]);
        assertEquals(0, b[64 + 63]);
        assertEquals(0, b[128]);
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LoopConfig(-1, 512, 0, "f"));
        assertThrows(IllegalArgumentException.class, () -> new LoopConfig(3, 1000, 0, "f"));
        assertThrows(IllegalArgumentException.class, () -> new LoopConfig(3, 256, 0, "f"));
    }

    private static int[] toInts(byte[] b) {
        int[] out = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            out[i] = b[i] & 0xff;
        }
        return out;
    }
}
