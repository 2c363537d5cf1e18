package io.rsio.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class MemoryVolumeStoreTest extends VolumeStoreContract {
    @Override
    VolumeStore create(String name, boolean readOnly) {
        return new MemoryVolumeStore(name, SIZE, BLOCK, readOnly);
    }

    @Test
    void memoryIsTakenOnWriteAndGivenBackByDiscard() throws Exception {
        MemoryVolumeStore s = (MemoryVolumeStore) store();
        assertEquals(0, s.allocatedBytes());
        write(s, 0, new byte[1 << 20], false);
        assertEquals(1 << 20, s.allocatedBytes());
        s.discard(0, 512 << 10);
        s.writeZeroes(512 << 10, 256 << 10, true);
        assertEquals(256 << 10, s.allocatedBytes());
    }

    @Test
    void aGibibyteVolumeIsCheapUntilWritten() {
        try (MemoryVolumeStore s = new MemoryVolumeStore("big", MemoryVolumeStore.MAX_SIZE, 512, false)) {
            write(s, MemoryVolumeStore.MAX_SIZE - 512, new byte[512], false);
            assertEquals(MemoryVolumeStore.CHUNK_SIZE, s.allocatedBytes());
        }
    }

    @Test
    void sizesThatDoNotFitAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new MemoryVolumeStore("huge", MemoryVolumeStore.MAX_SIZE + 4096, 4096, false));
        assertThrows(IllegalArgumentException.class, () -> new MemoryVolumeStore("odd", 10_000, 4096, false));
        assertThrows(IllegalArgumentException.class, () -> new MemoryVolumeStore("bs", 1 << 20, 1000, false));
        assertThrows(IllegalArgumentException.class, () -> new MemoryVolumeStore("zero", 0, 512, false));
    }
}
