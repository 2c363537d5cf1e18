package io.rsio.server.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.rsio.block.BlockException;
import io.rsio.block.Errno;
import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** What every VolumeStore must do; each store's test class extends this. */
abstract class VolumeStoreContract {
    static final long SIZE = 8L << 20;
    static final int BLOCK = 4096;
    static final PooledByteBufAllocator ALLOC = PooledByteBufAllocator.DEFAULT;

    private VolumeStore store;

    /** A new, zero-filled store of {@link #SIZE} bytes with blocks of {@link #BLOCK}. */
    abstract VolumeStore create(String name, boolean readOnly) throws Exception;

    VolumeStore store() throws Exception {
        if (store == null) {
            store = create("oracle", false);
        }
        return store;
    }

    @AfterEach
    void closeStore() {
        if (store != null) {
            store.close();
        }
    }

    static void write(VolumeStore s, long offset, byte[] data, boolean fua) {
        ByteBuf buf = ALLOC.directBuffer(data.length).writeBytes(data);
        try {
            s.write(offset, buf, fua);
        } finally {
            buf.release();
        }
    }

    static byte[] read(VolumeStore s, long offset, int length) {
        ByteBuf buf = ALLOC.directBuffer(Math.max(length, 0));
        try {
            s.read(offset, buf, length);
            assertEquals(length, buf.readableBytes());
            return io.netty.buffer.ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    static byte[] random(Random random, int length) {
        byte[] data = new byte[length];
        random.nextBytes(data);
        return data;
    }

    @Test
    void readIfCachedServesDataJustWrittenAndChecksRanges() throws Exception {
        VolumeStore s = store();
        byte[] data = random(new Random(7), 8192);
        write(s, 4096, data, false);
        ByteBuf buf = ALLOC.directBuffer(8192);
        try {
            // just written, so in the page cache (or memory): served without a store thread
            assertTrue(s.readIfCached(4096, buf, 8192));
            assertArrayEquals(data, io.netty.buffer.ByteBufUtil.getBytes(buf));
            BlockException beyond = assertThrows(BlockException.class, () -> s.readIfCached(SIZE, buf, 512));
            assertEquals(Errno.EINVAL, beyond.errno());
        } finally {
            buf.release();
        }
    }

    @Test
    void reportsItsGeometry() throws Exception {
        VolumeStore s = store();
        assertEquals("oracle", s.name());
        assertEquals(SIZE, s.size());
        assertEquals(BLOCK, s.blockSize());
        assertEquals(false, s.readOnly());
    }

    @Test
    void newStoreReadsAsZeros() throws Exception {
        assertArrayEquals(new byte[256 << 10], read(store(), SIZE - (256 << 10), 256 << 10));
    }

    @Test
    void randomWritesReadBackLikeAnInMemoryModel() throws Exception {
        VolumeStore s = store();
        Random random = new Random(1234);
        byte[] model = new byte[(int) SIZE];
        for (int i = 0; i < 300; i++) {
            int length = 1 + random.nextInt(200_000);
            long offset = random.nextLong(SIZE - length + 1);
            byte[] data = random(random, length);
            write(s, offset, data, random.nextInt(10) == 0);
            System.arraycopy(data, 0, model, (int) offset, length);
        }
        s.flush();
        for (int i = 0; i < 100; i++) {
            int length = 1 + random.nextInt(300_000);
            int offset = random.nextInt((int) SIZE - length + 1);
            assertArrayEquals(Arrays.copyOfRange(model, offset, offset + length), read(s, offset, length),
                    "read of " + length + " at " + offset);
        }
        assertArrayEquals(model, read(s, 0, (int) SIZE));
    }

    @Test
    void threadsWritingDisjointRangesAllLand() throws Exception {
        VolumeStore s = store();
        int threads = 4;
        int slice = (int) (SIZE / threads);
        byte[][] expected = new byte[threads][];
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
            var futures = new java.util.ArrayList<java.util.concurrent.Future<?>>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                expected[t] = random(new Random(100 + t), slice);
                futures.add(pool.submit(() -> {
                    // 16 KiB writes out of order inside this thread's slice
                    for (int i = slice / 16384 - 1; i >= 0; i--) {
                        write(s, (long) id * slice + i * 16384L,
                                Arrays.copyOfRange(expected[id], i * 16384, (i + 1) * 16384), false);
                    }
                    return null;
                }));
            }
            for (var f : futures) {
                f.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
        s.flush();
        for (int t = 0; t < threads; t++) {
            assertArrayEquals(expected[t], read(s, (long) t * slice, slice), "slice " + t);
        }
    }

    @Test
    void lastByteOfTheVolumeIsUsable() throws Exception {
        write(store(), SIZE - 1, new byte[] {42}, false);
        assertArrayEquals(new byte[] {0, 42}, read(store(), SIZE - 2, 2));
    }

    @Test
    void heapAndCompositeSourcesAreWrittenAndLeftUntouched() throws Exception {
        VolumeStore s = store();
        Random random = new Random(5);
        byte[] a = random(random, 10_000);
        byte[] b = random(random, 7_000);
        ByteBuf heap = Unpooled.wrappedBuffer(a);
        CompositeByteBuf composite = ALLOC.compositeDirectBuffer()
                .addComponent(true, Unpooled.wrappedBuffer(a))
                .addComponent(true, ALLOC.directBuffer().writeBytes(b));
        try {
            s.write(100, heap, false);
            s.write(50_000, composite, true);
            assertEquals(0, heap.readerIndex(), "indexes of the source are left alone");
            assertEquals(17_000, composite.readableBytes());
            assertEquals(1, heap.refCnt(), "the caller still owns the source");
        } finally {
            heap.release();
            composite.release();
        }
        assertArrayEquals(a, read(s, 100, a.length));
        byte[] both = new byte[17_000];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        assertArrayEquals(both, read(s, 50_000, both.length));
    }

    @Test
    void readAppendsAtTheWriterIndexOfAnyBufferKind() throws Exception {
        VolumeStore s = store();
        byte[] data = random(new Random(6), 5000);
        write(s, 4096, data, false);
        ByteBuf direct = ALLOC.directBuffer(16).writeBytes(new byte[] {7, 7, 7});
        ByteBuf heap = Unpooled.buffer(10).writeByte(9);
        CompositeByteBuf composite = ALLOC.compositeDirectBuffer()
                .addComponent(true, ALLOC.directBuffer(2000, 2000).writeZero(2000))
                .addComponent(true, ALLOC.directBuffer(3000, 3000).writeZero(3000));
        composite.writerIndex(0);
        try {
            s.read(4096, direct, 5000);
            s.read(4096, heap, 5000);
            s.read(4096, composite, 5000);
            assertEquals(5003, direct.readableBytes());
            assertEquals(7, direct.getByte(2));
            assertArrayEquals(data, io.netty.buffer.ByteBufUtil.getBytes(direct, 3, 5000));
            assertEquals(9, heap.getByte(0));
            assertArrayEquals(data, io.netty.buffer.ByteBufUtil.getBytes(heap, 1, 5000));
            assertArrayEquals(data, io.netty.buffer.ByteBufUtil.getBytes(composite, 0, 5000));
        } finally {
            direct.release();
            heap.release();
            composite.release();
        }
    }

    @Test
    void outOfRangeRequestsFailWithEinvalAndChangeNothing() throws Exception {
        VolumeStore s = store();
        byte[] pattern = random(new Random(9), 8192);
        write(s, SIZE - 8192, pattern, false);
        write(s, 0, pattern, false);

        long[][] badRanges = {
            {SIZE, 1}, // starts at the end
            {SIZE - 4096, 4097}, // ends one byte past the end
            {-1, 4096}, // negative offset
            {0, 0}, // empty
            {Long.MAX_VALUE, 4096}, // offset + length overflows
            {Long.MAX_VALUE - 100, 200}, // overflows to a negative end
            {Long.MIN_VALUE, 4096},
        };
        for (long[] r : badRanges) {
            long offset = r[0];
            int length = (int) r[1];
            String what = length + " bytes at " + offset;
            expectErrno(Errno.EINVAL, () -> read(s, offset, length), "read of " + what);
            ByteBuf src = ALLOC.directBuffer(Math.max(length, 1)).writeZero(length);
            try {
                expectErrno(Errno.EINVAL, () -> s.write(offset, src, true), "write of " + what);
            } finally {
                src.release();
            }
            expectErrno(Errno.EINVAL, () -> s.discard(offset, length), "discard of " + what);
            expectErrno(Errno.EINVAL, () -> s.writeZeroes(offset, length, true), "write-zeroes of " + what);
        }
        expectErrno(Errno.EINVAL, () -> s.discard(SIZE - 4096, Long.MAX_VALUE), "discard of a huge length");
        expectErrno(Errno.EINVAL, () -> s.writeZeroes(4096, -4096, false), "negative length");
        expectErrno(Errno.EINVAL, () -> read(s, 0, -1), "negative read length");

        assertArrayEquals(pattern, read(s, SIZE - 8192, 8192), "data at the end is intact");
        assertArrayEquals(pattern, read(s, 0, 8192), "data at the start is intact");
        assertEquals(SIZE, s.size());
    }

    @Test
    void readOnlyStoreRefusesChangesWithErofs() throws Exception {
        try (VolumeStore ro = create("archive", true)) {
            assertTrue(ro.readOnly());
            ByteBuf src = ALLOC.directBuffer(4096).writeZero(4096);
            try {
                BlockException e = expectErrno(Errno.EROFS, () -> ro.write(0, src, false), "write");
                assertTrue(e.getMessage().contains("archive is read-only"), e.getMessage());
            } finally {
                src.release();
            }
            expectErrno(Errno.EROFS, () -> ro.discard(0, 4096), "discard");
            expectErrno(Errno.EROFS, () -> ro.writeZeroes(0, 4096, true), "write-zeroes");
            assertArrayEquals(new byte[4096], read(ro, 0, 4096), "reads still work");
            ro.flush();
        }
    }

    @Test
    void discardReadsBackZerosAndKeepsNeighbours() throws Exception {
        checkZeroing(s -> s.discard(BLOCK, 3 * 65536));
    }

    @Test
    void writeZeroesWithHolesReadsBackZeros() throws Exception {
        checkZeroing(s -> s.writeZeroes(BLOCK, 3 * 65536, true));
    }

    @Test
    void writeZeroesWithoutHolesReadsBackZeros() throws Exception {
        checkZeroing(s -> s.writeZeroes(BLOCK, 3 * 65536, false));
    }

    @Test
    void unalignedZeroingOfPartOfABlockWorks() throws Exception {
        VolumeStore s = store();
        byte[] data = random(new Random(11), 1000);
        write(s, 0, data, false);
        s.writeZeroes(100, 50, false);
        s.discard(500, 10);
        byte[] expected = data.clone();
        Arrays.fill(expected, 100, 150, (byte) 0);
        Arrays.fill(expected, 500, 510, (byte) 0);
        assertArrayEquals(expected, read(s, 0, 1000));
    }

    private void checkZeroing(Consumer<VolumeStore> zeroing) throws Exception {
        VolumeStore s = store();
        byte[] data = random(new Random(10), 1 << 20);
        write(s, 0, data, true);
        zeroing.accept(s);
        byte[] expected = data.clone();
        Arrays.fill(expected, BLOCK, BLOCK + 3 * 65536, (byte) 0);
        assertArrayEquals(expected, read(s, 0, data.length));
    }

    @Test
    void closedStoreAnswersEshutdown() throws Exception {
        VolumeStore s = create("gone", false);
        s.close();
        s.close();
        expectErrno(Errno.ESHUTDOWN, () -> read(s, 0, 512), "read");
        expectErrno(Errno.ESHUTDOWN, s::flush, "flush");
        expectErrno(Errno.ESHUTDOWN, () -> s.discard(0, 512), "discard");
    }

    static BlockException expectErrno(Errno errno, Executable call, String what) {
        BlockException e = assertThrows(BlockException.class, call, what);
        assertEquals(errno, e.errno(), what + ": " + e.getMessage());
        return e;
    }
}
