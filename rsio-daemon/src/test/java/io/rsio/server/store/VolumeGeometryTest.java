package io.rsio.server.store;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rsio.block.BlockException;
import io.rsio.block.Errno;
import org.junit.jupiter.api.Test;

class VolumeGeometryTest {
    private final VolumeGeometry oracle = new VolumeGeometry("oracle", 1L << 30, 4096, false);

    @Test
    void readPastTheEndNamesTheVolumeAndItsSize() {
        BlockException e = assertThrows(BlockException.class, () -> oracle.check(StoreOperation.READ, 1L << 30, 4096));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals("read of 4096 bytes at 1073741824 is beyond the end of volume oracle (1073741824 bytes)",
                e.getMessage());
    }

    @Test
    void badRangesAreEinvalWithAReason() {
        assertEquals("write at negative offset -512 on volume oracle",
                assertThrows(BlockException.class, () -> oracle.check(StoreOperation.WRITE, -512, 512)).getMessage());
        assertEquals("discard of 0 bytes at 0 on volume oracle: the length must be positive",
                assertThrows(BlockException.class, () -> oracle.check(StoreOperation.DISCARD, 0, 0)).getMessage());
        BlockException overflow = assertThrows(BlockException.class,
                () -> oracle.check(StoreOperation.WRITE_ZEROES, 4096, Long.MAX_VALUE));
        assertEquals(Errno.EINVAL, overflow.errno());
    }

    @Test
    void wholeVolumeAndLastByteAreInRange() {
        assertDoesNotThrow(() -> oracle.check(StoreOperation.DISCARD, 0, 1L << 30));
        assertDoesNotThrow(() -> oracle.check(StoreOperation.READ, (1L << 30) - 1, 1));
    }

    @Test
    void readOnlyRefusesChangesFirstButAllowsReads() {
        VolumeGeometry ro = new VolumeGeometry("archive", 1 << 20, 512, true);
        for (StoreOperation op : StoreOperation.values()) {
            if (op.changesData()) {
                BlockException e = assertThrows(BlockException.class, () -> ro.check(op, 0, 512));
                assertEquals(Errno.EROFS, e.errno(), op.name());
            } else {
                assertDoesNotThrow(() -> ro.check(op, 0, 512));
            }
        }
    }

    @Test
    void blockSizesArePowersOfTwoFrom512To64k() {
        assertDoesNotThrow(() -> VolumeGeometry.checkBlockSize(512));
        assertDoesNotThrow(() -> VolumeGeometry.checkBlockSize(65536));
        for (int bad : new int[] {0, 256, 1000, 3072, 131072, -4096}) {
            assertThrows(IllegalArgumentException.class, () -> VolumeGeometry.checkBlockSize(bad), "" + bad);
        }
        assertEquals(8192, VolumeGeometry.roundDown(12_000, 4096));
        assertEquals(0, VolumeGeometry.roundDown(511, 512));
    }
}
