package io.rsio.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.block.MemoryBlockTarget;
import io.rsio.block.NettyLeakCheck;
import io.rsio.nbd.protocol.ChunkType;
import io.rsio.nbd.protocol.CommandFlag;
import io.rsio.nbd.protocol.NbdCommand;
import io.rsio.nbd.protocol.NbdError;
import io.rsio.nbd.protocol.NbdProtocol;
import io.rsio.nbd.protocol.TransmissionFlag;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transmission phase over a real unix socket, driven byte by byte by {@link RawNbdClient}:
 * the cases no real tool produces (malformed requests, pipelining, exact error codes). Named by
 * which side causes the situation.
 */
@Tag("io")
@ExtendWith(NettyLeakCheck.class)
class TransmissionTest {
    private static final int MIB = 1 << 20;
    private static final int READ = NbdCommand.READ.value();
    private static final int WRITE = NbdCommand.WRITE.value();

    @TempDir
    Path dir;
    private TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private MemoryBlockTarget serve(MemoryBlockTarget target) {
        server = TestServer.start(dir, target);
        return target;
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void assertOk(RawNbdClient.Reply r) {
        assertEquals(0, r.error(), "simple reply error");
        assertTrue(!r.structured() || r.type() == ChunkType.NONE.value() || r.type() == ChunkType.OFFSET_DATA.value()
                || r.type() == ChunkType.BLOCK_STATUS.value(), "chunk type " + r.type());
    }

    private static void assertStructuredError(RawNbdClient.Reply r, NbdError expected) {
        assertTrue(r.structured(), "structured");
        assertEquals(ChunkType.ERROR.value(), r.type(), "chunk type");
        assertTrue(r.done(), "error chunk ends the reply");
        assertEquals(expected.value(), r.chunkError());
    }

    private static void assertSimpleError(RawNbdClient.Reply r, NbdError expected) {
        assertFalse(r.structured(), "simple");
        assertEquals(expected.value(), r.error());
    }

    @Test
    void serverRepliesOutOfOrderWhenAnEarlierRequestIsSlow() throws Exception {
        MemoryBlockTarget t = serve(new MemoryBlockTarget("vol", 4 * MIB).delayRange(0, 4096, Duration.ofMillis(300)));
        try (RawNbdClient c = server.open("vol", true, false)) {
            c.sendRequest(0, READ, 1, 0, 4096, null);
            c.sendRequest(0, READ, 2, MIB, 4096, null);
            RawNbdClient.Reply first = c.readReply();
            RawNbdClient.Reply second = c.readReply();
            assertEquals(2, first.cookie(), "the fast read is answered first");
            assertEquals(1, second.cookie());
            assertEquals(2, t.reads.get());
        }
    }

    @Test
    void structuredReadIsOneOffsetDataChunkWithDone() throws Exception {
        MemoryBlockTarget t = serve(new MemoryBlockTarget("vol", 4 * MIB));
        byte[] data = random(64 * 1024, 7);
        try (RawNbdClient c = server.open("vol", true, false)) {
            c.sendRequest(0, WRITE, 10, 8192, data.length, data);
            assertOk(c.readReply());
            c.sendRequest(0, READ, 11, 8192, data.length, null);
            RawNbdClient.Reply r = c.readReply();
            assertEquals(ChunkType.OFFSET_DATA.value(), r.type());
            assertTrue(r.done());
            ByteBuffer p = ByteBuffer.wrap(r.payload());
            assertEquals(8192, p.getLong());
            assertArrayEquals(data, Arrays.copyOfRange(r.payload(), 8, r.payload().length));
        }
    }

    @Test
    void simpleRepliesWhenStructuredRepliesWereNotNegotiated() throws Exception {
        MemoryBlockTarget t = serve(new MemoryBlockTarget("vol", MIB).failRange(4096, 512));
        byte[] data = random(4096, 8);
        try (RawNbdClient c = server.open("vol", false, false)) {
            c.sendRequest(0, WRITE, 1, 0, data.length, data);
            assertOk(c.readReply());
            c.sendRequest(0, READ, 2, 0, data.length, null);
            RawNbdClient.Reply r = c.readReply();
            assertFalse(r.structured());
            assertArrayEquals(data, r.payload());
            c.sendRequest(0, READ, 3, 4096, 4096, null);
            assertSimpleError(c.readReply(), NbdError.EIO); // and no data follows it:
            c.sendRequest(0, READ, 4, 0, 512, null);
            RawNbdClient.Reply after = c.readReply();
            assertEquals(4, after.cookie());
            assertArrayEquals(Arrays.copyOf(data, 512), after.payload());
        }
    }

    @Test
    void targetFailureIsAnErrorChunkWithEioAndAMessage() throws Exception {
        serve(new MemoryBlockTarget("vol", MIB).failRange(65536, 4096));
        try (RawNbdClient c = server.open("vol", true, false)) {
            c.sendRequest(0, READ, 5, 0, 128 * 1024, null);
            RawNbdClient.Reply r = c.readReply();
            assertStructuredError(r, NbdError.EIO);
            int messageLength = ByteBuffer.wrap(r.payload()).getShort(4) & 0xffff;
            String message = new String(r.payload(), 6, messageLength, StandardCharsets.UTF_8);
            assertTrue(message.contains("I/O error"), message);
        }
    }

    @Test
    void clientReadBeyondTheEndGetsEinvalAndWriteGetsEnospc() throws Exception {
        serve(new MemoryBlockTarget("vol", MIB));
        try (RawNbdClient c = server.open("vol", true, false)) {
            c.sendRequest(0, READ, 1, MIB - 512, 1024, null);
            assertStructuredError(c.readReply(), NbdError.EINVAL);
            c.sendRequest(0, READ, 2, -512L, 1024, null); // offset 2^64-512: must not wrap around
            assertStructuredError(c.readReply(), NbdError.EINVAL);
            c.sendRequest(0, WRITE, 3, MIB, 512, new byte[512]);
            assertStructuredError(c.readReply(), NbdError.ENOSPC);
            c.sendRequest(0, READ, 4, MIB - 512, 512, null); // the last block is fine
            assertOk(c.readReply());
        }
    }

    @Test
    void clientBreakingTheRulesGetsEinval() throws Exception {
        serve(new MemoryBlockTarget("vol", MIB));
        try (RawNbdClient c = server.open("vol", true, false)) {
            c.sendRequest(0, 42, 1, 0, 512, null);
            assertStructuredError(c.readReply(), NbdError.EINVAL); // unknown command
            c.sendRequest(1 << 9, READ, 2, 0, 512, null);
            assertStructuredError(c.readReply(), NbdError.EINVAL); // unknown flag
            c.sendRequest(CommandFlag.NO_HOLE.mask(), WRITE, 3, 0, 512, new byte[512]);
            assertStructuredError(c.readReply(), NbdError.EINVAL); // NO_HOLE on WRITE
            c.sendRequest(CommandFlag.DF.mask(), WRITE, 4, 0, 512, new byte[512]);
            assertStructuredError(c.readReply(), NbdError.EINVAL); // DF on WRITE
            c.sendRequest(0, READ, 5, 100, 512, null);
            assertStructuredError(c.readReply(), NbdError.EINVAL); // misaligned offset
            c.sendRequest(0, READ, 6, 0, 0, null);
            assertStructuredError(c.readReply(), NbdError.EINVAL); // zero length
            c.sendRequest(0, NbdCommand.FLUSH.value(), 7, 512, 0, null);
            assertStructuredError(c.readReply(), NbdError.EINVAL); // FLUSH with an offset
            c.sendRequest(0, NbdCommand.BLOCK_STATUS.value(), 8, 0, 4096, null);
            assertStructuredError(c.readReply(), NbdError.EINVAL); // no meta context negotiated
            c.sendRequest(0, READ, 9, 0, NbdProtocol.MAX_PAYLOAD + 512L, null);
            assertStructuredError(c.readReply(), NbdError.EINVAL); // over the payload limit
            c.sendRequest(CommandFlag.DF.mask() | CommandFlag.FUA.mask(), READ, 10, 0, 512, null);
            assertOk(c.readReply()); // FUA is accepted on any command, DF on READ
        }
    }

    @Test
    void writesToAReadOnlyExportGetEperm() throws Exception {
        MemoryBlockTarget t = serve(new MemoryBlockTarget("ro", MIB, 512, MIB, true));
        try (RawNbdClient c = server.connect().handshake()) {
            RawNbdClient.Export e = c.go("ro", true, false);
            assertTrue((e.flags() & TransmissionFlag.READ_ONLY.mask()) != 0);
            c.sendRequest(0, WRITE, 1, 0, 512, new byte[512]);
            assertStructuredError(c.readReply(), NbdError.EPERM);
            c.sendRequest(0, NbdCommand.TRIM.value(), 2, 0, 512, null);
            assertStructuredError(c.readReply(), NbdError.EPERM);
            c.sendRequest(0, NbdCommand.WRITE_ZEROES.value(), 3, 0, 512, null);
            assertStructuredError(c.readReply(), NbdError.EPERM);
            c.sendRequest(0, READ, 4, 0, 512, null);
            assertOk(c.readReply());
            c.sendRequest(0, NbdCommand.FLUSH.value(), 5, 0, 0, null);
            assertOk(c.readReply());
        }
        assertEquals(0, t.writes.get() + t.discards.get() + t.zeroes.get());
    }

    @Test
    void fuaTrimZeroesAndCacheReachTheTargetAsAsked() throws Exception {
        MemoryBlockTarget t = serve(new MemoryBlockTarget("vol", MIB));
        t.load(random(MIB, 9));
        try (RawNbdClient c = server.open("vol", true, false)) {
            c.sendRequest(CommandFlag.FUA.mask(), WRITE, 1, 0, 512, new byte[512]);
            assertOk(c.readReply());
            assertEquals(1, t.fuaWrites.get());

            c.sendRequest(CommandFlag.FUA.mask(), NbdCommand.TRIM.value(), 2, 4096, 4096, null);
            assertOk(c.readReply());
            assertEquals(1, t.discards.get());
            assertEquals(1, t.flushes.get(), "FUA on TRIM is a flush afterwards");

            c.sendRequest(CommandFlag.NO_HOLE.mask(), NbdCommand.WRITE_ZEROES.value(), 3, 65536, 65536, null);
            assertOk(c.readReply());
            assertEquals(1, t.zeroesWithoutHoles.get());
            assertArrayEquals(new byte[65536], Arrays.copyOfRange(t.contents(), 65536, 131072));

            byte[] before = t.contents();
            c.sendRequest(CommandFlag.FAST_ZERO.mask(), NbdCommand.WRITE_ZEROES.value(), 4, 0, MIB, null);
            assertStructuredError(c.readReply(), NbdError.ENOTSUP);
            assertArrayEquals(before, t.contents(), "a refused fast zero changes nothing");

            c.sendRequest(0, NbdCommand.CACHE.value(), 5, 0, MIB, null);
            assertOk(c.readReply());
            c.sendRequest(0, NbdCommand.FLUSH.value(), 6, 0, 0, null);
            assertOk(c.readReply());
            assertEquals(2, t.flushes.get());
        }
    }

    @Test
    void blockStatusReportsEveryRangeAsAllocatedData() throws Exception {
        serve(new MemoryBlockTarget("vol", 4 * MIB));
        try (RawNbdClient c = server.open("vol", true, true)) {
            for (int flags : new int[] {0, CommandFlag.REQ_ONE.mask()}) {
                c.sendRequest(flags, NbdCommand.BLOCK_STATUS.value(), 1, MIB, 2 * MIB, null);
                RawNbdClient.Reply r = c.readReply();
                assertEquals(ChunkType.BLOCK_STATUS.value(), r.type());
                assertTrue(r.done());
                ByteBuffer p = ByteBuffer.wrap(r.payload());
                assertEquals(12, p.remaining(), "context id and one extent");
                assertEquals(NbdProtocol.BASE_ALLOCATION_CONTEXT_ID, p.getInt());
                assertEquals(2 * MIB, p.getInt());
                assertEquals(0, p.getInt(), "allocated, contents not known to be zero");
            }
        }
    }

    @Test
    void largeRequestsAreSplitToTheTargetLimitAndReassembled() throws Exception {
        MemoryBlockTarget t = serve(new MemoryBlockTarget("vol", 40 * MIB, 4096, MIB, false));
        byte[] data = random(NbdProtocol.MAX_PAYLOAD, 10);
        try (RawNbdClient c = server.open("vol", true, false)) {
            c.sendRequest(0, WRITE, 1, 4 * MIB, data.length, data);
            assertOk(c.readReply());
            c.sendRequest(0, READ, 2, 4 * MIB, data.length, null);
            RawNbdClient.Reply r = c.readReply();
            assertEquals(ChunkType.OFFSET_DATA.value(), r.type());
            assertArrayEquals(data, Arrays.copyOfRange(r.payload(), 8, r.payload().length));
        }
        assertEquals(MIB, t.largestIo.get());
        assertEquals(32, t.writes.get());
        assertEquals(32, t.reads.get());
    }

    @Test
    void clientSendingBadMagicIsDisconnectedWhileOthersKeepWorking() throws Exception {
        serve(new MemoryBlockTarget("vol", MIB));
        try (RawNbdClient bad = server.open("vol", true, false); RawNbdClient good = server.open("vol", true, false)) {
            byte[] garbage = new byte[28];
            Arrays.fill(garbage, (byte) 0x5a);
            bad.sendRaw(garbage);
            assertTrue(bad.closedByServer(RawNbdClient.TIMEOUT));
            good.sendRequest(0, READ, 1, 0, 4096, null);
            assertOk(good.readReply());
        }
    }

    @Test
    void clientSendingAnOversizedWriteIsDisconnected() throws Exception {
        MemoryBlockTarget t = serve(new MemoryBlockTarget("vol", 64 * MIB));
        try (RawNbdClient c = server.open("vol", true, false)) {
            // header only: the server must hang up before reading (or allocating) the payload
            c.sendRequest(0, WRITE, 1, 0, NbdProtocol.MAX_PAYLOAD + 4096L, null);
            assertTrue(c.closedByServer(RawNbdClient.TIMEOUT));
        }
        assertEquals(0, t.writes.get());
    }

    @Test
    void clientDisconnectGetsRepliesToInFlightRequestsFirst() throws Exception {
        serve(new MemoryBlockTarget("vol", MIB).delayRange(0, 4096, Duration.ofMillis(200)));
        try (RawNbdClient c = server.open("vol", true, false)) {
            c.sendRequest(0, READ, 1, 0, 4096, null);
            c.sendRequest(0, NbdCommand.DISC.value(), 2, 0, 0, null);
            RawNbdClient.Reply r = c.readReply();
            assertEquals(1, r.cookie());
            assertEquals(ChunkType.OFFSET_DATA.value(), r.type());
            assertTrue(c.closedByServer(RawNbdClient.TIMEOUT));
        }
    }

    @Test
    void manyConcurrentRequestsAllGetExactlyOneReply() throws Exception {
        MemoryBlockTarget t = serve(new MemoryBlockTarget("vol", 8 * MIB).delayRange(0, MIB, Duration.ofMillis(5)));
        byte[] block = random(4096, 11);
        int count = 600; // more than the in-flight limit, so reading pauses and resumes
        try (RawNbdClient c = server.open("vol", true, false)) {
            for (int i = 0; i < count; i++) {
                long offset = (long) (i % 2048) * 4096;
                if (i % 3 == 0) {
                    c.sendRequest(0, WRITE, i, offset, block.length, block);
                } else {
                    c.sendRequest(0, READ, i, offset, 4096, null);
                }
            }
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < count; i++) {
                RawNbdClient.Reply r = c.readReply();
                assertTrue(r.done());
                assertTrue(seen.add(r.cookie()), "duplicate reply " + r.cookie());
            }
            assertEquals(count, seen.size());
        }
        assertEquals(count / 3, t.writes.get());
    }

    @Test
    void requestPipelinedRightAfterGoIsServed() throws Exception {
        // the request bytes may arrive with the GO option; they must reach the request decoder
        serve(new MemoryBlockTarget("vol", MIB));
        try (RawNbdClient c = server.connect().handshake()) {
            c.option(io.rsio.nbd.protocol.NbdOption.STRUCTURED_REPLY, new byte[0]);
            byte[] name = "vol".getBytes(StandardCharsets.UTF_8);
            ByteBuffer b = ByteBuffer.allocate(16 + 4 + name.length + 2 + 28);
            b.putLong(NbdProtocol.IHAVEOPT).putInt(7).putInt(4 + name.length + 2).putInt(name.length).put(name)
                    .putShort((short) 0);
            b.putInt(NbdProtocol.REQUEST_MAGIC).putShort((short) 0).putShort((short) READ).putLong(99).putLong(0)
                    .putInt(512);
            c.sendRaw(b.array());
            while (c.readOptionReply().type() != 1) {
                // INFO replies, then the ACK
            }
            RawNbdClient.Reply r = c.readReply();
            assertEquals(99, r.cookie());
            assertEquals(8 + 512, r.payload().length);
        }
    }

    @Test
    void exportNameEntersTransmissionWithSimpleReplies() throws Exception {
        serve(new MemoryBlockTarget("vol", MIB));
        for (boolean noZeroes : new boolean[] {true, false}) {
            try (RawNbdClient c = server.connect()) {
                c.readGreeting();
                c.sendClientFlags(noZeroes ? 3 : 1);
                c.sendOption(1, "vol".getBytes(StandardCharsets.UTF_8));
                ByteBuffer reply = c.read(10);
                assertEquals(MIB, reply.getLong());
                assertTrue((reply.getShort() & TransmissionFlag.HAS_FLAGS.mask()) != 0);
                if (!noZeroes) {
                    assertArrayEquals(new byte[124], c.read(124).array());
                }
                c.sendRequest(0, READ, 1, 0, 512, null);
                RawNbdClient.Reply r = c.readReply();
                assertFalse(r.structured());
                assertEquals(512, r.payload().length);
            }
        }
    }

    @Test
    void clientClosingWithRequestsInFlightLeavesTheServerHealthy() throws Exception {
        serve(new MemoryBlockTarget("vol", MIB).delayRange(0, MIB, Duration.ofMillis(100)));
        try (RawNbdClient c = server.open("vol", true, false)) {
            for (int i = 0; i < 20; i++) {
                c.sendRequest(0, READ, i, (long) i * 4096, 4096, null);
            }
        }
        Thread.sleep(200); // the replies find the channel closed; their buffers must be released
        try (RawNbdClient c = server.open("vol", true, false)) {
            c.sendRequest(0, READ, 1, MIB - 4096, 4096, null);
            assertOk(c.readReply());
        }
    }

    @Test
    void readAfterTheServerClosedFails() throws Exception {
        serve(new MemoryBlockTarget("vol", MIB));
        RawNbdClient c = server.open("vol", true, false);
        try (c) {
            server.close();
            assertThrows(IOException.class, () -> {
                c.sendRequest(0, READ, 1, 0, 512, null);
                c.readReply();
            });
        }
        server = null;
    }
}
