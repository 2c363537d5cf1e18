package io.rsio.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Which reads make rssrv read ahead, and how far: sequential streams yes, random reads no. */
class SequentialReadaheadTest {
    private static final long MIB = 1 << 20;
    private static final long SIZE = 4096 * MIB;

    private final List<long[]> advice = new ArrayList<>();
    private final SequentialReadahead readahead = new SequentialReadahead((o, l) -> advice.add(new long[] {o, l}));

    @Test
    void aSequentialStreamArrivingOutOfOrderIsKeptAWindowAhead() {
        // 1 MiB reads in 256 KiB chunks over 4 paths: each group of 16 chunks arrives shuffled.
        Random random = new Random(1);
        for (long group = 0; group < 16; group++) {
            List<Long> chunks = new ArrayList<>();
            for (int c = 0; c < 16; c++) {
                chunks.add(group * 4 * MIB + c * 256 * 1024L);
            }
            java.util.Collections.shuffle(chunks, random);
            for (long offset : chunks) {
                readahead.onRead(offset, 256 * 1024, SIZE);
            }
        }
        assertTrue(advice.size() >= 2, "advice while the stream went on: " + advice.size());
        long advisedEnd = 0;
        for (long[] a : advice) {
            assertTrue(a[0] >= advisedEnd, "each advice starts where the last ended: " + a[0] + " < " + advisedEnd);
            advisedEnd = a[0] + a[1];
        }
        // 64 MiB read: the advice reaches half a window to a window beyond it.
        assertTrue(advisedEnd >= 64 * MIB + SequentialReadahead.WINDOW / 2, "advised up to " + advisedEnd);
        assertTrue(advisedEnd <= 64 * MIB + SequentialReadahead.WINDOW, "advised up to " + advisedEnd);
    }

    @Test
    void randomReadsNeverReadAhead() {
        Random random = new Random(2);
        for (int i = 0; i < 100_000; i++) {
            long offset = (random.nextLong(SIZE / (8 * 1024))) * 8 * 1024;
            readahead.onRead(offset, 8 * 1024, SIZE);
        }
        assertEquals(0, advice.size(), "random 8 KiB reads over a 4 GiB volume");
    }

    @Test
    void randomReadsOnASmallVolumeNeverReadAhead() {
        long size = 64 * MIB;
        Random random = new Random(3);
        for (int i = 0; i < 100_000; i++) {
            readahead.onRead(random.nextLong(size / 4096) * 4096, 4096, size);
        }
        // Within the slack of every stream, but covering a small part of the range they span.
        assertEquals(0, advice.size(), "random 4 KiB reads over a 64 MiB volume");
    }

    @Test
    void twoInterleavedStreamsAreBothFollowedAndAdviceStopsAtTheEnd() {
        long size = 128 * MIB;
        for (long offset = 0; offset < 64 * MIB; offset += MIB) {
            readahead.onRead(offset, (int) MIB, size);
            readahead.onRead(64 * MIB + offset, (int) MIB, size);
        }
        assertTrue(advice.stream().anyMatch(a -> a[0] < 64 * MIB), "the first stream");
        assertTrue(advice.stream().anyMatch(a -> a[0] >= 64 * MIB), "the second stream");
        assertTrue(advice.stream().allMatch(a -> a[0] + a[1] <= size), "never past the end");
    }
}
