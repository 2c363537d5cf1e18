package io.rsio.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NettyLeakCheck.class)
class BlockIoTest {

    @Test
    void splitReadAndWriteRoundTrip() throws Exception {
        MemoryBlockTarget t = new MemoryBlockTarget("t", 1 << 20, 512, 3000, false); // 3000 → pieces of 2560
        BlockIo io = new BlockIo(t);
        assertEquals(2560, io.pieceSize());
        byte[] data = new byte[100 * 1024];
        new Random(3).nextBytes(data);
        io.write(4096, Unpooled.wrappedBuffer(data), false).get();
        ByteBuf back = io.read(4096, data.length).get();
        assertArrayEquals(data, ByteBufUtil.getBytes(back));
        back.release();
        assertEquals(2560, t.largestIo.get());
        assertEquals(40, t.writes.get());
    }

    @Test
    void onePieceFailingFailsTheReadAndReleasesTheOthers() {
        List<ByteBuf> handedOut = new ArrayList<>();
        MemoryBlockTarget mem = new MemoryBlockTarget("t", 1 << 20, 512, 4096, false).failRange(8192, 512);
        BlockTarget recording = new Delegating(mem) {
            @Override
            public CompletableFuture<ByteBuf> read(long offset, int length) {
                return mem.read(offset, length).thenApply(b -> {
                    handedOut.add(b);
                    return b;
                });
            }
        };
        CompletableFuture<ByteBuf> f = new BlockIo(recording).read(0, 16384);
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        assertEquals(Errno.EIO, BlockException.errnoOf(e.getCause()));
        assertEquals(3, handedOut.size());
        for (ByteBuf b : handedOut) {
            assertEquals(0, b.refCnt(), "piece buffers are released on failure");
        }
    }

    @Test
    void shortBufferFromTheTargetIsAnIoErrorWithAFutureAndWithACompletion() {
        MemoryBlockTarget mem = new MemoryBlockTarget("t", 1 << 20);
        List<ByteBuf> given = new ArrayList<>();
        BlockTarget liar = new Delegating(mem) {
            @Override
            public CompletableFuture<ByteBuf> read(long offset, int length) {
                given.add(Unpooled.buffer(length - 1).writeZero(length - 1));
                return CompletableFuture.completedFuture(given.getLast());
            }
        };
        ExecutionException e = assertThrows(ExecutionException.class, () -> new BlockIo(liar).read(0, 4096).get());
        assertEquals(Errno.EIO, BlockException.errnoOf(e.getCause()));
        BlockFuture done = new BlockFuture();
        new BlockIo(liar).read(0, 4096, done);
        e = assertThrows(ExecutionException.class, done::get);
        assertEquals(Errno.EIO, BlockException.errnoOf(e.getCause()));
        assertEquals(2, given.size());
        for (ByteBuf b : given) {
            assertEquals(0, b.refCnt(), "the short buffer is released");
        }
    }

    @Test
    void aReadWithACompletionGetsTheDataWholeOrSplit() throws Exception {
        MemoryBlockTarget t = new MemoryBlockTarget("t", 1 << 20, 512, 4096, false);
        byte[] data = new byte[3 * 4096];
        new Random(5).nextBytes(data);
        t.load(data);
        BlockIo io = new BlockIo(t);
        for (int length : new int[] {4096, 3 * 4096}) { // one piece: the target's own call; three: split
            BlockFuture done = new BlockFuture();
            io.read(0, length, done);
            ByteBuf back = done.get();
            assertArrayEquals(java.util.Arrays.copyOf(data, length), ByteBufUtil.getBytes(back));
            back.release();
        }
    }

    @Test
    void aWriteWithACompletionLandsAndATargetThatThrowsFailsIt() throws Exception {
        MemoryBlockTarget mem = new MemoryBlockTarget("t", 1 << 20, 512, 4096, false);
        byte[] data = new byte[2 * 4096];
        new Random(6).nextBytes(data);
        BlockFuture done = new BlockFuture();
        new BlockIo(mem).write(8192, Unpooled.wrappedBuffer(data), false, done);
        done.get();
        assertEquals(2, mem.writes.get(), "split at the target's maxIoSize");
        ByteBuf back = new BlockIo(mem).read(8192, data.length).get();
        assertArrayEquals(data, ByteBufUtil.getBytes(back));
        back.release();

        BlockTarget thrower = new Delegating(mem) {
            @Override
            public CompletableFuture<ByteBuf> read(long offset, int length) {
                throw new BlockException(Errno.ENOSPC, "thrown");
            }
        };
        BlockFuture failed = new BlockFuture();
        new BlockIo(thrower).read(0, 512, failed);
        ExecutionException e = assertThrows(ExecutionException.class, failed::get);
        assertEquals(Errno.ENOSPC, BlockException.errnoOf(e.getCause()));
    }

    @Test
    void targetThrowingIsAFailedFutureNotAnException() {
        BlockTarget thrower = new Delegating(new MemoryBlockTarget("t", 1 << 20)) {
            @Override
            public CompletableFuture<Void> flush() {
                throw new BlockException(Errno.ENOSPC, "full");
            }
        };
        ExecutionException e = assertThrows(ExecutionException.class, () -> new BlockIo(thrower).flush().get());
        assertEquals(Errno.ENOSPC, BlockException.errnoOf(e.getCause()));
    }

    @Test
    void splitWriteReleasesTheOriginalBuffer() throws Exception {
        MemoryBlockTarget t = new MemoryBlockTarget("t", 1 << 20, 512, 4096, false);
        ByteBuf data = Unpooled.buffer(16384).writeZero(16384);
        new BlockIo(t).write(0, data, true).get();
        assertEquals(0, data.refCnt());
        assertEquals(4, t.fuaWrites.get());
    }

    @Test
    void fuaOnZeroesAndDiscardFlushesAfterwards() throws Exception {
        MemoryBlockTarget t = new MemoryBlockTarget("t", 1 << 20);
        BlockIo io = new BlockIo(t);
        io.writeZeroes(0, 4096, true, false).get();
        assertEquals(0, t.flushes.get());
        io.writeZeroes(0, 4096, false, true).get();
        io.discard(0, 4096, true).get();
        assertEquals(2, t.flushes.get());
        assertEquals(1, t.zeroesWithoutHoles.get());
    }

    /** Forwards everything; tests override what they want to change. */
    private static class Delegating implements BlockTarget {
        private final BlockTarget d;

        Delegating(BlockTarget d) {
            this.d = d;
        }

        @Override public String name() { return d.name(); }
        @Override public long size() { return d.size(); }
        @Override public int blockSize() { return d.blockSize(); }
        @Override public int maxIoSize() { return d.maxIoSize(); }
        @Override public boolean readOnly() { return d.readOnly(); }
        @Override public CompletableFuture<ByteBuf> read(long offset, int length) { return d.read(offset, length); }
        @Override public CompletableFuture<Void> write(long offset, ByteBuf data, boolean fua) { return d.write(offset, data, fua); }
        @Override public CompletableFuture<Void> flush() { return d.flush(); }
        @Override public CompletableFuture<Void> discard(long offset, long length) { return d.discard(offset, length); }
        @Override public CompletableFuture<Void> writeZeroes(long offset, long length, boolean mayPunchHole) {
            return d.writeZeroes(offset, length, mayPunchHole);
        }
    }
}
