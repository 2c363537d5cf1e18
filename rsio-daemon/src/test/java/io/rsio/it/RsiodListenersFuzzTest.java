package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rsiod's own listeners under fuzzed input: the NBD export (handshake and transmission) and
 * the control socket (garbage lines, over-long lines, 1 MiB lines). rsiod must stay up with
 * bounded memory, answer every well-formed request, close every broken connection with a
 * logged reason, and keep serving a good NBD session that verifies what it reads.
 */
@FaultSuite
class RsiodListenersFuzzTest {
    static final long NBD_FRAMES = Long.getLong("rsio.fuzz.nbd.frames", 1_000_000);
    static final Duration TIME_LIMIT = Duration.ofSeconds(60);
    static final long VOLUME = 8 << 20;

    @TempDir
    static Path dir;
    static TestCluster cluster;

    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong drained = new AtomicLong();
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void start() throws Exception {
        cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", VOLUME >> 20)
                .writeClientConfig("big-2", "0xbig2");
        cluster.startServer();
        cluster.startClient();
        NbdTestClient.await(cluster.nbdSocket("S10_oracle"), "S10_oracle", Duration.ofSeconds(20)).close();
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    @Test
    void nbdExportSurvivesFuzzedHandshakesAndRequests() throws Exception {
        long seed = Long.getLong("rsio.fuzz.seed", System.nanoTime());
        long pid = cluster.clientPid();
        ProcStats before = ProcStats.of(pid);
        long started = System.nanoTime();
        long deadline = started + TIME_LIMIT.toNanos();
        NbdFuzzFrames gen = new NbdFuzzFrames(seed, VOLUME);
        SplittableRandom random = gen.random();
        int connections = 0;
        int broken = 0;
        long maxRss = 0;
        try (NbdTestClient goodNbd = NbdTestClient.connect(cluster.nbdSocket("oracle"), "oracle");
             VerifiedNbd good = new VerifiedNbd(goodNbd, VOLUME)) {
            while (frames.get() < NBD_FRAMES && System.nanoTime() < deadline && problems.isEmpty()) {
                connections++;
                if (fuzzOneNbdConnection(gen, random)) {
                    broken++;
                }
                if (connections % 50 == 0) {
                    maxRss = Math.max(maxRss, ProcStats.rssKib(pid));
                }
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            assertEquals(List.of(), problems);
            assertTrue(frames.get() >= NBD_FRAMES, frames + " NBD frames in " + seconds + " s");
            assertEquals(List.of(), good.failures(), "the good NBD session was disturbed");
            assertTrue(good.verified() > 50, "good session verified only " + good.verified());
            assertTrue(cluster.clientAlive());
            String log = cluster.log("rsiod");
            long logged = ClientCrashTest.count(log, "broke the protocol, closing")
                    + ClientCrashTest.count(log, "closed during the handshake");
            assertTrue(logged >= broken, broken + " broken NBD connections, " + logged + " logged");
            assertFalse(log.contains("unexpected failure"), log);
            ProcStats after = ProcStats.of(pid);
            assertTrue(after.rssMib() < 1024, "rsiod RSS " + after.rssMib() + " MiB");
            System.out.printf("[fuzz] rsiod NBD export: %,d frames on %,d connections (%,d broken, each logged) in "
                            + "%.1f s; good session verified %,d blocks; RSS %d -> max %d -> %d MiB, fds %d -> %d; seed %d%n",
                    frames.get(), connections, broken, seconds, good.verified(), before.rssMib(), maxRss / 1024,
                    after.rssMib(), before.fds(), after.fds(), seed);
        }
    }

    /** One connection: a fuzzed handshake, or a real one followed by fuzzed requests; true if it ended broken. */
    private boolean fuzzOneNbdConnection(NbdFuzzFrames gen, SplittableRandom random) throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(cluster.nbdSocket("S10_oracle")));
            boolean transmission = random.nextInt(10) < 7;
            if (transmission) {
                NbdTestClient.handshake(ch, "S10_oracle");
            } else {
                NbdTestClient.readFully(ch, 18);
                NbdTestClient.writeFully(ch, ByteBuffer.allocate(4).putInt(random.nextInt(8) == 0 ? random.nextInt() : 3).flip());
            }
            Thread drain = drain(ch);
            int count = random.nextBoolean() ? random.nextInt(30) : 200 + random.nextInt(2000);
            if (!transmission) {
                count = Math.min(count, 1000); // the server allows 1024 options per handshake
            }
            java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
            int inBatch = 0;
            for (int i = 0; i < count; i++) {
                batch.writeBytes(transmission ? gen.request() : gen.option());
                inBatch++;
                if (batch.size() > 16384 || i == count - 1) {
                    try {
                        NbdTestClient.writeFully(ch, ByteBuffer.wrap(batch.toByteArray()));
                    } catch (IOException e) {
                        if (transmission) {
                            problems.add("rsiod closed an NBD connection during well-formed requests: " + e);
                        }
                        return false;
                    }
                    frames.addAndGet(inBatch);
                    inBatch = 0;
                    batch.reset();
                    if (transmission && !drain.isAlive()) {
                        problems.add("rsiod closed an NBD connection after well-formed requests");
                        return false;
                    }
                }
            }
            boolean breakIt = random.nextInt(10) < 7;
            try {
                if (breakIt) {
                    NbdTestClient.writeFully(ch, ByteBuffer.wrap(transmission ? gen.brokenRequest() : gen.brokenOption()));
                } else if (transmission) {
                    NbdTestClient.writeFully(ch, ByteBuffer.allocate(28).putInt(NbdTestClient.REQUEST_MAGIC)
                            .putShort((short) 0).putShort((short) NbdTestClient.CMD_DISC).putLong(0).putLong(0)
                            .putInt(0).flip());
                } else {
                    NbdTestClient.writeFully(ch, ByteBuffer.wrap(NbdFuzzFrames.option(2, new byte[0])));
                }
                frames.incrementAndGet();
            } catch (IOException e) {
                return false; // a fuzzed handshake may already have ended it
            }
            drain.join(10_000);
            if (drain.isAlive()) {
                problems.add("rsiod kept an NBD connection open 10 s after " + (breakIt ? "a broken frame"
                        : transmission ? "DISC" : "ABORT"));
                return false;
            }
            return breakIt;
        }
    }

    private Thread drain(SocketChannel ch) {
        return Thread.ofPlatform().daemon().start(() -> {
            ByteBuffer buf = ByteBuffer.allocate(65536);
            try {
                while (ch.read(buf.clear()) >= 0) {
                    drained.addAndGet(buf.position());
                }
            } catch (IOException e) {
                // closed
            }
        });
    }

    @Test
    void controlSocketAnswersGarbageAndDropsOverlongLines() throws Exception {
        SplittableRandom random = new SplittableRandom(Long.getLong("rsio.fuzz.seed", System.nanoTime()));
        Path socket = cluster.runDir.resolve("rsiod.sock");
        int answeredErr = 0;
        int answeredOk = 0;
        int dropped = 0;
        List<String> valid = List.of("status", "query", "stat", "daemon");
        for (int i = 0; i < 1500; i++) {
            byte[] line = switch (random.nextInt(6)) {
                case 0 -> randomBytes(random, random.nextInt(300));
                case 1 -> (valid.get(random.nextInt(valid.size())) + " " + "junk ".repeat(random.nextInt(5)))
                        .getBytes(StandardCharsets.UTF_8);
                case 2 -> "\t \t".getBytes(StandardCharsets.UTF_8);
                case 3 -> "x".repeat(4096).getBytes(StandardCharsets.UTF_8);
                case 4 -> "y".repeat(4097 + random.nextInt(10_000)).getBytes(StandardCharsets.UTF_8);
                default -> ("status\u0000\u00ff" + random.nextLong()).getBytes(StandardCharsets.ISO_8859_1);
            };
            byte[] withNewline = Arrays.copyOf(line, line.length + 1);
            withNewline[line.length] = '\n';
            String answer = controlExchange(socket, withNewline);
            if (answer.startsWith("OK\n")) {
                answeredOk++;
                assertTrue(answer.endsWith("\n.\n"), answer);
            } else if (answer.startsWith("ERR ")) {
                answeredErr++;
            } else if (answer.isEmpty() && line.length > 4096) {
                dropped++;
            } else {
                throw new AssertionError("control socket answered " + answer.length() + " chars to a "
                        + line.length + "-byte line: " + answer);
            }
        }
        for (int i = 0; i < 5; i++) {
            byte[] huge = new byte[1 << 20];
            Arrays.fill(huge, (byte) 'z');
            assertEquals("", controlExchange(socket, huge), "a 1 MiB line must be dropped");
            dropped++;
        }
        // A connection that never finishes its line is closed, not kept forever.
        try (SocketChannel idle = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            idle.connect(UnixDomainSocketAddress.of(socket));
            idle.write(ByteBuffer.wrap("stat".getBytes(StandardCharsets.UTF_8)));
            long start = System.nanoTime();
            assertEquals(-1, idle.read(ByteBuffer.allocate(16)), "an unfinished request must end without an answer");
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos());
        }
        ProcessResult status = cluster.rsconfig("-m", "status");
        assertEquals(0, status.exitCode(), status::toString);
        assertTrue(cluster.clientAlive());
        String log = cluster.log("rsiod");
        assertTrue(ClientCrashTest.count(log, "control request longer than") >= dropped, "over-long lines not logged");
        System.out.printf("[fuzz] rsiod control socket: %d answered OK, %d answered ERR, %d over-long lines dropped "
                + "(logged), 5 lines of 1 MiB, an unfinished line timed out; rsconfig still works%n",
                answeredOk, answeredErr, dropped);
    }

    private static String controlExchange(Path socket, byte[] request) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            try {
                NbdTestClient.writeFully(ch, ByteBuffer.wrap(request));
            } catch (IOException e) {
                // rsiod stopped reading an over-long line and closed: what it answered still counts
            }
            java.io.ByteArrayOutputStream answer = new java.io.ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(65536);
            try {
                while (ch.read(buf.clear()) >= 0) {
                    answer.write(buf.array(), 0, buf.position());
                }
            } catch (IOException e) {
                // reset after an over-long line
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    private static byte[] randomBytes(SplittableRandom random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        for (int i = 0; i < n; i++) {
            if (b[i] == '\n') {
                b[i] = ' ';
            }
        }
        return b;
    }

    /** Verified I/O through one NBD connection, on its own thread: the witness of an undisturbed export. */
    static final class VerifiedNbd implements AutoCloseable {
        private final NbdTestClient nbd;
        private final long blocks;
        private final Thread thread;
        private final List<String> failures = Collections.synchronizedList(new ArrayList<>());
        private volatile boolean stopping;
        private volatile long verified;

        VerifiedNbd(NbdTestClient nbd, long size) {
            this.nbd = nbd;
            this.blocks = size / 4096;
            this.thread = Thread.ofPlatform().daemon().start(this::run);
        }

        private void run() {
            SplittableRandom random = new SplittableRandom(3);
            byte[] data = new byte[4096];
            while (!stopping) {
                try {
                    long offset = random.nextLong(blocks) * 4096;
                    random.nextBytes(data);
                    nbd.write(offset, data.clone(), false).get(30, java.util.concurrent.TimeUnit.SECONDS);
                    byte[] back = nbd.read(offset, 4096).get(30, java.util.concurrent.TimeUnit.SECONDS);
                    if (!Arrays.equals(data, back)) {
                        failures.add("read back other bytes at " + offset);
                    }
                    verified++;
                } catch (Exception e) {
                    if (!stopping) {
                        failures.add(e.toString());
                    }
                    return;
                }
            }
        }

        long verified() {
            return verified;
        }

        List<String> failures() {
            return failures;
        }

        @Override
        public void close() throws InterruptedException {
            stopping = true;
            thread.join(30_000);
        }
    }
}
