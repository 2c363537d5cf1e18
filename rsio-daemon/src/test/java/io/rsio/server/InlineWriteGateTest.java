package io.rsio.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.server.store.FileVolumeStore;
import io.rsio.server.store.MemoryVolumeStore;
import java.nio.file.Path;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InlineWriteGateTest {
    private static final long T0 = 1_000_000_000_000L;

    @TempDir
    Path dir;

    @Test
    void smallBufferedWritesWithoutFuaRunInlineOthersDoNot() throws Exception {
        InlineWriteGate gate = new InlineWriteGate();
        MemoryVolumeStore memory = new MemoryVolumeStore("m", 1 << 20, 512, false);
        try (FileVolumeStore file = FileVolumeStore.open("f", dir.resolve("f.img"), OptionalLong.of(1 << 20), 512,
                false)) {
            assertTrue(gate.mayRunInline(memory, 8192, false, T0));
            assertTrue(gate.mayRunInline(file, InlineWriteGate.MAX_BYTES, false, T0), "a regular file buffers writes");
            assertFalse(gate.mayRunInline(file, 8192, true, T0), "FUA waits for the disk");
            assertFalse(gate.mayRunInline(file, InlineWriteGate.MAX_BYTES + 512, false, T0), "large writes copy long");
        }
    }

    @Test
    void aStalledWriteSendsThatVolumesWritesToStoreThreadsForAWhile() {
        InlineWriteGate gate = new InlineWriteGate();
        MemoryVolumeStore slow = new MemoryVolumeStore("slow", 1 << 20, 512, false);
        MemoryVolumeStore other = new MemoryVolumeStore("other", 1 << 20, 512, false);

        gate.finished(slow, T0, T0 + InlineWriteGate.STALL_NANOS / 2); // quick: nothing changes
        assertTrue(gate.mayRunInline(slow, 4096, false, T0 + 1));

        long end = T0 + 5 * InlineWriteGate.STALL_NANOS; // waited 5 ms in the kernel
        gate.finished(slow, T0, end);
        assertFalse(gate.mayRunInline(slow, 4096, false, end + 1));
        assertFalse(gate.mayRunInline(slow, 4096, false, end + InlineWriteGate.PAUSE_NANOS - 1));
        assertTrue(gate.mayRunInline(other, 4096, false, end + 1), "other volumes are not affected");
        assertTrue(gate.mayRunInline(slow, 4096, false, end + InlineWriteGate.PAUSE_NANOS), "the pause ends");
    }
}
