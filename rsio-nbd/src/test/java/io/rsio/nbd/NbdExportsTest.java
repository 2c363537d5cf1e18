package io.rsio.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.block.MemoryBlockTarget;
import java.util.List;
import org.junit.jupiter.api.Test;

class NbdExportsTest {
    private final MemoryBlockTarget a = new MemoryBlockTarget("a", 4096);
    private final MemoryBlockTarget b = new MemoryBlockTarget("b", 4096);

    @Test
    void theFirstAddedIsTheDefaultUntilRemoved() {
        NbdExports e = new NbdExports();
        assertTrue(e.find("").isEmpty());
        e.add(a);
        e.add(b);
        assertEquals(a, e.find("").orElseThrow());
        assertEquals(b, e.find("b").orElseThrow());
        assertEquals(List.of(a, b), e.all());
        assertTrue(e.remove("a"));
        assertFalse(e.remove("a"));
        assertEquals(b, e.find("").orElseThrow());
        assertTrue(e.find("a").isEmpty());
    }

    @Test
    void namesMustBeUniqueAndUsable() {
        NbdExports e = new NbdExports();
        e.add(a);
        assertThrows(IllegalArgumentException.class, () -> e.add(new MemoryBlockTarget("a", 4096)));
        assertThrows(IllegalArgumentException.class, () -> e.add(new MemoryBlockTarget("", 4096)));
        assertThrows(IllegalArgumentException.class, () -> e.add(new MemoryBlockTarget("x\0y", 4096)));
        assertThrows(IllegalArgumentException.class, () -> e.add(new MemoryBlockTarget("n".repeat(4097), 4096)));
    }
}
