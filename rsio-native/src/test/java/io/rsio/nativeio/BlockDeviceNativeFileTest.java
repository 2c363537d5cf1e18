package io.rsio.nativeio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NativeFile on a real block device: a loop device over a sparse file (root only, else skipped). */
class BlockDeviceNativeFileTest {
    private static final int SIZE = 16 << 20;

    @TempDir
    Path dir;

    @Test
    void blockDeviceReportsDeviceSizeAndServesIo() throws IOException {
        Path backing = dir.resolve("backing.img");
        try (NativeFile b = NativeFile.open(backing, false, true, false)) {
            b.truncate(SIZE);
        }
        try (LoopDevice loop = LoopDevice.attach(backing);
                NativeFile dev = NativeFile.open(loop.device(), false, false, false);
                Arena arena = Arena.ofConfined()) {
            assertTrue(dev.isBlockDevice());
            assertFalse(dev.isRegularFile());
            assertEquals(SIZE, dev.size(), "BLKGETSIZE64");

            byte[] data = new byte[64 << 10];
            new Random(3).nextBytes(data);
            MemorySegment buf = arena.allocateFrom(ValueLayout.JAVA_BYTE, data);
            dev.pwrite(buf, 1 << 20);
            dev.fdatasync();
            MemorySegment back = arena.allocate(data.length);
            dev.pread(back, 1 << 20);
            assertArrayEquals(data, back.toArray(ValueLayout.JAVA_BYTE));

            dev.discardBlocks(1 << 20, 32 << 10);
            dev.zeroRange((1 << 20) + (32 << 10), 16 << 10);
            dev.pread(back, 1 << 20);
            byte[] expected = data.clone();
            // A loop device over a file discards by punching holes, so discarded blocks read as zeros.
            Arrays.fill(expected, 0, 48 << 10, (byte) 0);
            assertArrayEquals(expected, back.toArray(ValueLayout.JAVA_BYTE));
        }
    }
}
