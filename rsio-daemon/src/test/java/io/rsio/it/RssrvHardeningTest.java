package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.rsio.block.Errno;
import io.rsio.wire.Opcode;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rssrv against a raw client that breaks the rules one at a time: requests out of order,
 * reused tags, I/O past the end of a volume, absurd lengths, a client that never reads its
 * replies. Each case gets the answer docs/PROTOCOL.md prescribes and leaves the server
 * serving.
 */
@org.junit.jupiter.api.TestMethodOrder(org.junit.jupiter.api.MethodOrderer.OrderAnnotation.class)
class RssrvHardeningTest {
    static final long VOLUME = 8 << 20;
    @TempDir
    static Path dir;
    static TestCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2\nvenus 0xvenus", VOLUME >> 20, "big-2");
        cluster.startServerWithJvmOptions(List.of("-Xmx96m", "-XX:MaxDirectMemorySize=256m",
                "-Dio.netty.leakDetection.level=paranoid"));
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    private static RawRsioClient loggedIn(String node, String key, String volume) throws Exception {
        RawRsioClient c = RawRsioClient.connect(cluster.port);
        assertInstanceOf(Reply.AuthAccepted.class, c.login(200, node, key));
        assertInstanceOf(Reply.Opened.class, c.open(volume));
        return c;
    }

    private static void assertFailure(Errno errno, Reply reply) {
        Reply.Failure f = assertInstanceOf(Reply.Failure.class, reply, () -> "expected " + errno + ", got " + reply);
        assertEquals(errno, f.status(), f.reason());
    }

    @Test
    void firstRequestOtherThanHelloGetsEprotoAndTheConnectionCloses() throws Exception {
        try (RawRsioClient c = RawRsioClient.connect(cluster.port)) {
            c.send(new Request.Ping(c.tag(), 1));
            assertFailure(Errno.EPROTO, c.receive(Duration.ofSeconds(5)));
            assertTrue(c.closedByServer(Duration.ofSeconds(5)));
        }
        try (RawRsioClient c = RawRsioClient.connect(cluster.port)) {
            c.hello();
            c.send(new Request.Hello(c.tag(), 1, 1, 1 << 20, 3, "again"));
            assertFailure(Errno.EPROTO, c.receive(Duration.ofSeconds(5)));
            assertTrue(c.closedByServer(Duration.ofSeconds(5)));
        }
    }

    @Test
    void brokenFrameGetsAnEprotoNoticeALoggedReasonAndTheConnectionCloses() throws Exception {
        try (RawRsioClient c = loggedIn("big-2", "0xbig2", "oracle")) {
            byte[] bad = FuzzFrames.frame(16, 0, 5, 1, 0, 4096, new byte[0], new FuzzFrames.Digests(true, true));
            bad[0] = 'X';
            c.sendRaw(bad);
            Reply notice = c.receive(Duration.ofSeconds(5));
            assertFailure(Errno.EPROTO, notice);
            assertEquals(0, notice.tag());
            assertEquals(Opcode.GOODBYE, notice.opcode());
            assertTrue(((Reply.Failure) notice).reason().contains("bad magic"), notice.toString());
            assertTrue(c.closedByServer(Duration.ofSeconds(5)));
        }
        cluster.await("reason in the log", Duration.ofSeconds(5),
                () -> logQuietly().contains("closing connection of client big-2 at 127.0.0.1/"));
        assertTrue(logQuietly().matches("(?s).*closing connection of client big-2 at 127\\.0\\.0\\.1/\\d+: protocol "
                + "error: bad magic 0x58534[0-9a-f]+.*"), logQuietly());
    }

    @Test
    void aTagReusedWhileInFlightIsRefusedWithEinvalAndNotExecuted() throws Exception {
        try (RawRsioClient c = loggedIn("big-2", "0xbig2", "oracle")) {
            byte[] first = new byte[1 << 20];
            Arrays.fill(first, (byte) 0x11);
            byte[] second = new byte[4096];
            Arrays.fill(second, (byte) 0x22);
            long offset = 2 << 20;
            // Both frames in one write: rssrv reads the second while the first is still in flight.
            byte[] a = FuzzFrames.frame(17, 0, 77, 1, offset, first.length, first, new FuzzFrames.Digests(true, true));
            byte[] b = FuzzFrames.frame(17, 0, 77, 1, offset, second.length, second, new FuzzFrames.Digests(true, true));
            byte[] both = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, both, a.length, b.length);
            c.sendRaw(both);
            Reply r1 = c.receive(Duration.ofSeconds(10));
            Reply r2 = c.receive(Duration.ofSeconds(10));
            assertEquals(77, r1.tag());
            assertEquals(77, r2.tag());
            assertFailure(Errno.EINVAL, r1);
            assertTrue(((Reply.Failure) r1).reason().contains("tag 77 is already in flight"), r1.toString());
            assertInstanceOf(Reply.Done.class, r2);
            assertArrayEquals(Arrays.copyOf(first, 4096), readFile("oracle.img", offset, 4096),
                    "the refused write must not have touched the volume");
            // The tag is free again once answered.
            assertInstanceOf(Reply.Done.class, c.call(new Request.Flush(77, 1)));
        }
    }

    @Test
    void ioBeyondTheEndOfTheVolumeIsRefusedWithEinvalAndChangesNothing() throws Exception {
        long sizeBefore = Files.size(dir.resolve("oracle.img"));
        try (RawRsioClient c = loggedIn("big-2", "0xbig2", "oracle")) {
            Map<String, Request> cases = new HashMap<>();
            cases.put("read at the end", new Request.Read(c.tag(), 1, VOLUME, 512));
            cases.put("read across the end", new Request.Read(c.tag(), 1, VOLUME - 512, 1024));
            cases.put("read at a negative offset", new Request.Read(c.tag(), 1, -512, 512));
            cases.put("read at an offset that overflows", new Request.Read(c.tag(), 1, Long.MAX_VALUE - 100, 512));
            cases.put("read of 2 GiB - 1", new Request.Read(c.tag(), 1, 0, Integer.MAX_VALUE));
            cases.put("read of 1 GiB inside u32", new Request.Read(c.tag(), 1, 0, 1 << 30));
            cases.put("read of a negative length", new Request.Read(c.tag(), 1, 0, -4096));
            cases.put("read of length 0", new Request.Read(c.tag(), 1, 0, 0));
            cases.put("read above the max payload", new Request.Read(c.tag(), 1, 0, (1 << 20) + 512));
            cases.put("discard across the end", new Request.Discard(c.tag(), 1, VOLUME - 512, 4096));
            cases.put("write zeroes past the end", new Request.WriteZeroes(c.tag(), 1, VOLUME, 4096, true));
            for (var e : cases.entrySet()) {
                Reply reply = c.call(e.getValue());
                assertFailure(Errno.EINVAL, reply);
            }
            byte[] data = new byte[4096];
            Arrays.fill(data, (byte) 0x5a);
            assertFailure(Errno.EINVAL, c.call(new Request.Write(c.tag(), 1, VOLUME - 2048, false,
                    Unpooled.wrappedBuffer(data))));
            assertFailure(Errno.EINVAL, c.call(new Request.Write(c.tag(), 1, Long.MAX_VALUE - 1000, false,
                    Unpooled.wrappedBuffer(data))));
            // Still serving, and the last bytes of the volume are untouched.
            Reply tail = c.call(new Request.Read(c.tag(), 1, VOLUME - 2048, 2048));
            assertArrayEquals(new byte[2048], RawRsioClient.bytesOf(assertInstanceOf(Reply.ReadData.class, tail)));
        }
        assertEquals(sizeBefore, Files.size(dir.resolve("oracle.img")), "the volume file must not grow");
    }

    @Test
    void aClientSeesAndOpensOnlyTheVolumesItsAccessListAllows() throws Exception {
        try (RawRsioClient c = RawRsioClient.connect(cluster.port)) {
            assertInstanceOf(Reply.AuthAccepted.class, c.login(200, "venus", "0xvenus"));
            Reply.VolumeList list = assertInstanceOf(Reply.VolumeList.class,
                    c.call(new Request.ListVolumes(c.tag())));
            assertEquals(List.of("S10_oracle"), list.volumes().stream().map(v -> v.name()).toList());
            assertFailure(Errno.EACCES, c.open("oracle"));
            assertFailure(Errno.ENOENT, c.open("no-such-volume"));
            // Guessing another session's handle gets nowhere: handles belong to a connection.
            assertFailure(Errno.EBADF, c.call(new Request.Read(c.tag(), 1, 0, 512)));
            assertInstanceOf(Reply.Opened.class, c.open("S10_oracle"));
        }
        cluster.await("refusal logged", Duration.ofSeconds(5),
                () -> logQuietly().contains("client venus at 127.0.0.1/"));
        assertTrue(logQuietly().contains("may not open volume oracle (not in its access list)"), logQuietly());
    }

    @Test
    void beforeLoginNoVolumeRequestIsServed() throws Exception {
        try (RawRsioClient c = RawRsioClient.connect(cluster.port)) {
            c.hello();
            assertFailure(Errno.EACCES, c.call(new Request.ListVolumes(c.tag())));
            assertFailure(Errno.EACCES, c.call(new Request.Open(c.tag(), "oracle", false)));
            assertFailure(Errno.EACCES, c.call(new Request.Read(c.tag(), 1, 0, 512)));
            for (int i = 0; i < 200; i++) {
                assertFailure(Errno.EACCES, c.call(new Request.Write(c.tag(), 1, 0, false,
                        Unpooled.wrappedBuffer(new byte[4096]))));
            }
            assertInstanceOf(Reply.Pong.class, c.call(new Request.Ping(c.tag(), 5)));
        }
    }

    @Test
    void openingAVolumeOverAndOverEndsAtTheHandleLimit() throws Exception {
        try (RawRsioClient c = loggedIn("big-2", "0xbig2", "oracle")) {
            int opened = 1;
            Reply last;
            do {
                last = c.open("S10_oracle");
            } while (last instanceof Reply.Opened && ++opened < 10_000);
            assertEquals(4096, opened);
            assertFailure(Errno.ENOMEM, last);
            assertInstanceOf(Reply.Done.class, c.call(new Request.Close(c.tag(), 1)));
            assertInstanceOf(Reply.Opened.class, c.open("oracle"));
        }
    }

    // WRITEs still queued for the store when their connection dies: QueuedWritesDroppedTest,
    // deterministic on a store throttled by a block cgroup (here it depended on fdatasync speed).

    /** READs still in the store when their client disappears: their buffers must be freed too. */
    @Test
    void aClientLeavingWithReadsInFlightLeavesNothingBehind() throws Exception {
        for (int round = 0; round < 5; round++) {
            RawRsioClient c = loggedIn("big-2", "0xbig2", "oracle");
            // Slow FUA writes first keep the store threads busy, so the READs complete only
            // after the connection is gone and its pipeline torn down.
            for (int i = 0; i < 16; i++) {
                c.send(new Request.Write(c.tag(), 1, (long) i << 19, true, Unpooled.wrappedBuffer(new byte[1 << 19])));
            }
            for (int i = 0; i < 32; i++) {
                c.send(new Request.Read(c.tag(), 1, (long) i << 16, 1 << 16));
            }
            c.close();
        }
        try (RawRsioClient c = loggedIn("big-2", "0xbig2", "oracle")) {
            assertInstanceOf(Reply.Pong.class, c.call(new Request.Ping(c.tag(), 1)));
        }
    }

    /**
     * Runs last: rssrv runs with paranoid leak detection; after a garbage collection and some
     * more traffic, any buffer the cases above made it drop unreleased is reported in its log.
     */
    @Test
    @org.junit.jupiter.api.Order(Integer.MAX_VALUE)
    void noCaseAboveMadeTheServerLeakABuffer() throws Exception {
        ProcessResult gc = Commands.run(Duration.ofSeconds(30), Map.of(), List.of(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(cluster.serverPid()), "GC.run"));
        assertEquals(0, gc.exitCode(), gc::toString);
        try (RawRsioClient c = loggedIn("big-2", "0xbig2", "oracle")) {
            for (int i = 0; i < 200; i++) {
                RawRsioClient.bytesOf(assertInstanceOf(Reply.ReadData.class,
                        c.call(new Request.Read(c.tag(), 1, 0, 4096))));
            }
        }
        Thread.sleep(500);
        assertTrue(!logQuietly().contains("LEAK:"), logQuietly());
    }

    /**
     * A logged-in client pipelines 1 MiB READs and never reads a reply: rssrv must stop reading
     * its requests rather than pile up replies, so its memory stays flat while a second client
     * keeps doing verified I/O.
     */
    @Test
    void aClientThatNeverReadsItsRepliesCannotFillTheServersMemory() throws Exception {
        long pid = cluster.serverPid();
        try (VerifiedSession good = new VerifiedSession(cluster.port, "big-2", "0xbig2", "oracle", VOLUME);
             RawRsioClient flood = loggedIn("venus", "0xvenus", "S10_oracle")) {
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                try {
                    for (long i = 0; ; i++) {
                        flood.send(new Request.Read(flood.tag(), 1, (i % 8) << 20, 1 << 20));
                    }
                } catch (Exception e) {
                    // closed at the end of the test
                }
            });
            Thread.sleep(1000);
            long warm = ProcStats.rssKib(pid);
            long verifiedBefore = good.verified();
            long max = warm;
            for (int i = 0; i < 20; i++) {
                Thread.sleep(200);
                max = Math.max(max, ProcStats.rssKib(pid));
            }
            assertTrue(writer.isAlive(), "the flood ended early");
            assertEquals(List.of(), good.failures());
            assertTrue(good.verified() > verifiedBefore + 20, "the other session starved: " + good.verified());
            assertTrue(cluster.serverAlive());
            assertTrue((max - warm) / 1024 < 96, "rssrv grew from " + warm / 1024 + " to " + max / 1024
                    + " MiB while a client did not read its replies");
            System.out.printf("[hardening] client never reading 1 MiB READ replies: rssrv RSS %d -> max %d MiB; "
                    + "other session verified %d blocks meanwhile%n", warm / 1024, max / 1024,
                    good.verified() - verifiedBefore);
        }
    }

    private static byte[] readFile(String name, long offset, int length) throws Exception {
        byte[] bytes = new byte[length];
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve(name).toFile(), "r")) {
            f.seek(offset);
            f.readFully(bytes);
        }
        return bytes;
    }

    private static String logQuietly() {
        try {
            return cluster.log("rssrv");
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
