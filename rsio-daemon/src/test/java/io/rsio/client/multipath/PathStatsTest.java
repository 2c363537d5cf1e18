package io.rsio.client.multipath;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Issue 12, defect 16: rsconfig -m stat showed 58.7 MB/s on a volume's only path and 104.8 MB/s
 * on the volume in one answer, because two timers sampled them. One clock takes both.
 */
class PathStatsTest {
    @Test
    void aVolumeAndItsOnlyPathShowTheSameRateInOneAnswer() {
        PathStats path = new PathStats();
        PathStats volume = new PathStats();
        long t0 = System.nanoTime();
        // Hold the clock's lock: its own once-a-second tick must not fall between our completions.
        synchronized (PathStats.class) {
            PathStats.tickAll(t0);
            for (int i = 0; i < 100; i++) {
                path.completed(IoRequest.Kind.WRITE, 1 << 20);
                volume.completed(IoRequest.Kind.WRITE, 1 << 20);
            }
            path.sample(true); // the path's own scheduler sampling does not change what is shown
            PathStats.tickAll(t0 + 2_000_000_000L);
        }
        assertEquals(100 * (1 << 20) / 2.0, path.rates().writeBytesPerSecond(), 1e-6);
        assertEquals(path.rates(), volume.rates());
        assertEquals(50.0, volume.rates().writeOpsPerSecond(), 1e-9);
    }
}
