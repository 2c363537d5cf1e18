package io.rsio.nativeio.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.rsio.block.MemoryBlockTarget;
import io.rsio.block.NettyLeakCheck;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The filesystem's answers, request bytes in and reply bytes out, without a kernel. */
@ExtendWith(NettyLeakCheck.class)
class VolumeFileSystemTest {
    private static final int SIZE = 1 << 20;
    /** Large READ replies go through it, as in a mount. */
    private static final ExecutorService BULK = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "bulk-replies");
        t.setDaemon(true);
        return t;
    });

    /** A reply as the kernel would read it. */
    record Reply(int length, int error, long unique, byte[] bytes) {
        ByteBuffer body() {
            return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        }
    }

    static final class Sink implements FuseReplySink {
        final List<Reply> replies = new CopyOnWriteArrayList<>();

        @Override
        public void send(MemorySegment reply, int length) {
            add(reply.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE));
        }

        @Override
        public void sendData(long unique, ByteBuf data) {
            byte[] bytes = new byte[16 + data.readableBytes()];
            ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder()).putInt(bytes.length).putInt(0).putLong(unique);
            data.getBytes(data.readerIndex(), bytes, 16, data.readableBytes());
            add(bytes);
        }

        private void add(byte[] bytes) {
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
            int length = b.getInt();
            assertEquals(bytes.length, length, "the header's length is the reply's length");
            replies.add(new Reply(length, b.getInt(), b.getLong(), Arrays.copyOfRange(bytes, 16, bytes.length)));
        }

        Reply await(long unique) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (System.nanoTime() < deadline) {
                for (Reply r : replies) {
                    if (r.unique() == unique) {
                        return r;
                    }
                }
                Thread.sleep(1);
            }
            throw new AssertionError("no reply to #" + unique + "; got " + replies);
        }
    }

    private final MemoryBlockTarget target = new MemoryBlockTarget("vol", SIZE, 512, 64 << 10, false);
    private final VolumeFileSystem fs = new VolumeFileSystem(0, 0, BULK);
    private final Sink sink = new Sink();
    private long nextUnique = 100;

    private Reply call(int opcode, long node, byte[] args) throws Exception {
        long unique = nextUnique++;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = Bytes.request(opcode, unique, node, 4242, args).segment(arena);
            fs.handle(FuseRequestDecoder.decode(s, s.byteSize()), sink);
            s.fill((byte) 0xee); // the reader reuses its buffer at once
        }
        return sink.await(unique);
    }

    private long lookup(String name) throws Exception {
        Reply r = call(1, 1, Bytes.of().cstring(name).bytes());
        assertEquals(0, r.error());
        return r.body().getLong(0);
    }

    private long open(long node, int flags) throws Exception {
        Reply r = call(14, node, Bytes.of().u32(flags).u32(0).bytes());
        assertEquals(0, r.error());
        assertEquals(FuseAbi.FOPEN_DIRECT_IO | FuseAbi.FOPEN_PARALLEL_DIRECT_WRITES, r.body().getInt(8),
                "no page cache in front of the volume");
        return r.body().getLong(0);
    }

    private static byte[] rw(long fh, long offset, int size) {
        return Bytes.of().u64(fh).u64(offset).u32(size).u32(0).u64(0).u32(2).u32(0).bytes();
    }

    @Test
    void lookupGivesTheVolumeSizeAndMode() throws Exception {
        fs.add("osl:vol", target);
        Reply r = call(1, 1, Bytes.of().cstring("osl:vol").bytes());
        assertEquals(16 + 128, r.length());
        ByteBuffer b = r.body();
        long node = b.getLong(0);
        assertTrue(node > 1);
        assertEquals(node, b.getLong(40), "attr.ino is the node id");
        assertEquals(SIZE, b.getLong(48), "attr.size is the volume size");
        assertEquals(0100600, b.getInt(40 + 60), "a regular file, rw for root only");
        assertEquals(-2, call(1, 1, Bytes.of().cstring("nope").bytes()).error(), "ENOENT");
        assertEquals(-20, call(1, node, Bytes.of().cstring("x").bytes()).error(), "ENOTDIR");
        assertEquals(0040700, call(3, 1, Bytes.of().u32(0).u32(0).u64(0).bytes()).body().getInt(16 + 60),
                "the root is a directory");
    }

    @Test
    void writeThenReadGoesThroughTheTargetAndIsSplitToItsLimit() throws Exception {
        fs.add("vol", target);
        long node = lookup("vol");
        long fh = open(node, 2);
        byte[] data = new byte[256 << 10];
        new Random(7).nextBytes(data);
        Reply w = call(16, node, Bytes.of().raw(rw(fh, 4096, data.length)).raw(data).bytes());
        assertEquals(0, w.error());
        assertEquals(data.length, w.body().getInt(0), "fuse_write_out.size");
        assertArrayEquals(data, Arrays.copyOfRange(target.contents(), 4096, 4096 + data.length));
        assertTrue(target.writes.get() >= 4, "256 KiB split into the target's 64 KiB pieces");

        Reply r = call(15, node, rw(fh, 4096, data.length));
        assertEquals(16 + data.length, r.length());
        assertArrayEquals(data, r.bytes());
    }

    @Test
    void readsStopAtTheEndAndWritesPastItFailWithEnospc() throws Exception {
        fs.add("vol", target);
        long node = lookup("vol");
        long fh = open(node, 2);
        assertEquals(16 + 100, call(15, node, rw(fh, SIZE - 100, 4096)).length(), "short read at the end");
        assertEquals(16, call(15, node, rw(fh, SIZE, 4096)).length(), "end of file");
        byte[] data = new byte[4096];
        assertEquals(-28, call(16, node, Bytes.of().raw(rw(fh, SIZE - 2048, 4096)).raw(data).bytes()).error());
    }

    @Test
    void fallocateModesMapToZeroingAndDiscard() throws Exception {
        byte[] ones = new byte[SIZE];
        Arrays.fill(ones, (byte) 1);
        target.load(ones);
        fs.add("vol", target);
        long node = lookup("vol");
        long fh = open(node, 2);
        // PUNCH_HOLE | KEEP_SIZE, as a loop device sends for discard
        assertEquals(0, call(43, node, Bytes.of().u64(fh).u64(0).u64(8192).u32(3).u32(0).bytes()).error());
        assertEquals(1, target.zeroes.get());
        assertEquals(0, target.zeroesWithoutHoles.get(), "a punched hole may deallocate");
        // ZERO_RANGE | KEEP_SIZE: write-zeroes that keeps the blocks
        assertEquals(0, call(43, node, Bytes.of().u64(fh).u64(8192).u64(8192).u32(0x11).u32(0).bytes()).error());
        assertEquals(1, target.zeroesWithoutHoles.get());
        assertEquals(0, target.contents()[16383]);
        assertEquals(1, target.contents()[16384]);
        // allocation inside the volume: nothing to do; beyond it without KEEP_SIZE: ENOSPC
        assertEquals(0, call(43, node, Bytes.of().u64(fh).u64(0).u64(SIZE).u32(0).u32(0).bytes()).error());
        assertEquals(-28, call(43, node, Bytes.of().u64(fh).u64(0).u64(SIZE + 1L).u32(0).u32(0).bytes()).error());
        // COLLAPSE_RANGE and the like: EOPNOTSUPP
        assertEquals(-95, call(43, node, Bytes.of().u64(fh).u64(0).u64(4096).u32(0x08).u32(0).bytes()).error());
    }

    @Test
    void fsyncFlushesTheVolume() throws Exception {
        fs.add("vol", target);
        long node = lookup("vol");
        long fh = open(node, 2);
        assertEquals(0, call(20, node, Bytes.of().u64(fh).u32(1).u32(0).bytes()).error());
        assertEquals(1, target.flushes.get());
    }

    @Test
    void sizeChangesAreIgnoredButModeAndOwnerStick() throws Exception {
        fs.add("vol", target);
        long node = lookup("vol");
        byte[] setattr = Bytes.of().u32(8 | 1 | 2).u32(0).u64(0).u64(0).u64(0).u64(0).u64(0).u64(0).u32(0).u32(0)
                .u32(0).u32(0100660).u32(0).u32(54321).u32(0).u32(0).bytes();
        Reply r = call(4, node, setattr);
        assertEquals(0, r.error());
        assertEquals(SIZE, r.body().getLong(16 + 8), "O_TRUNC or truncate leaves the size alone");
        assertEquals(0100660, r.body().getInt(16 + 60));
        assertEquals(54321, r.body().getInt(16 + 68));
    }

    @Test
    void readOnlyVolumesRefuseWriters() throws Exception {
        MemoryBlockTarget ro = new MemoryBlockTarget("ro", SIZE, 512, 1 << 20, true);
        fs.add("ro", ro);
        long node = lookup("ro");
        assertEquals(-30, call(14, node, Bytes.of().u32(2).u32(0).bytes()).error(), "EROFS for O_RDWR");
        open(node, 0);
    }

    @Test
    void removedFilesAnswerEioAndUnknownNodesEnoent() throws Exception {
        fs.add("vol", target);
        long node = lookup("vol");
        long fh = open(node, 2);
        assertEquals(1, fs.openHandles("vol"));
        assertEquals(List.of(4242), fs.openers("vol"));
        fs.remove("vol");
        assertEquals(-5, call(15, node, rw(fh, 0, 4096)).error(), "EIO, never a hang");
        assertEquals(-2, call(1, 1, Bytes.of().cstring("vol").bytes()).error());
        assertEquals(0, call(18, node, Bytes.of().u64(fh).u32(2).u32(0).u64(0).bytes()).error(), "release");
        assertEquals(-2, call(3, node, Bytes.of().u32(0).u32(0).u64(0).bytes()).error(), "forgotten after release");
        assertEquals(-2, call(3, 999, Bytes.of().u32(0).u32(0).u64(0).bytes()).error());
    }

    @Test
    void targetErrorsReachTheCallerAsTheirErrno() throws Exception {
        target.failRange(0, 4096);
        fs.add("vol", target);
        long node = lookup("vol");
        long fh = open(node, 2);
        assertEquals(-5, call(15, node, rw(fh, 0, 4096)).error());
    }

    @Test
    void readdirListsTheVolumes() throws Exception {
        fs.add("b", target);
        fs.add("a", new MemoryBlockTarget("a", 4096));
        Reply r = call(28, 1, rw(0, 0, 4096));
        String body = new String(r.bytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(body.indexOf('a') < body.indexOf('b') && body.contains(".."), body);
    }

    @Test
    void namespaceChangesAreRefusedAndUnknownRequestsAreEnosys() throws Exception {
        assertEquals(-1, call(35, 1, Bytes.of().u32(0).u32(0100600).u32(0).u32(0).cstring("new").bytes()).error());
        assertEquals(-1, call(10, 1, Bytes.of().cstring("vol").bytes()).error(), "unlink");
        assertEquals(-38, call(22, 1, Bytes.of().u32(0).u32(0).cstring("user.x").bytes()).error(), "getxattr");
        assertEquals(-38, call(4095, 1, new byte[0]).error());
    }

    @Test
    void forgetAndInterruptGetNoReply() throws Exception {
        int before = sink.replies.size();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = Bytes.request(2, 1, 5, 0, Bytes.of().u64(1).bytes()).segment(arena);
            fs.handle(FuseRequestDecoder.decode(s, s.byteSize()), sink);
            s = Bytes.request(36, 2, 0, 0, Bytes.of().u64(1).bytes()).segment(arena);
            fs.handle(FuseRequestDecoder.decode(s, s.byteSize()), sink);
        }
        assertEquals(before, sink.replies.size());
    }

    @Test
    void namesMustBeUsableFileNames() {
        for (String bad : List.of("", ".", "..", "a/b", "x\0y", "n".repeat(256))) {
            assertThrows(IllegalArgumentException.class, () -> fs.add(bad, target), bad);
        }
        fs.add("osl:oracle", target);
        assertThrows(IllegalArgumentException.class, () -> fs.add("osl:oracle", target), "taken");
    }
}
