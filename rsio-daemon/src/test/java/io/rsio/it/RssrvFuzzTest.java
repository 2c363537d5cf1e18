package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rssrv's listener under 300,000 fuzzed frames (a million in {@code scripts/test-long}) (docs/PROTOCOL.md §1–3), before HELLO, after
 * HELLO and after a real login: well-formed frames with random values (bad handles, ranges
 * past the end, overflow offsets, odd lengths, reused tags, late AUTH messages…), then often a
 * frame that breaks a rule — flipped bits, truncation, random bytes, lying lengths, bad
 * payload layouts. Meanwhile a client floods READs and never reads a reply, another logs in
 * never and PINGs forever, and a good session keeps doing verified I/O.
 *
 * <p>rssrv runs with a 96 MiB heap, 256 MiB of direct memory and paranoid leak detection: it
 * must survive, never leak a buffer, keep its RSS bounded, close every bad connection with a
 * logged reason, and never close a connection for a well-formed frame.
 */
@FaultSuite
class RssrvFuzzTest {
    // The suite runs 300,000 frames (about half a minute); `scripts/test-long` runs the million.
    // The time limit only stops a hung run: it is far above what the frames take on a loaded
    // machine, so reaching it is a failure of rssrv, not of the machine's speed.
    static final long FRAMES = Long.getLong("rsio.fuzz.frames", 300_000);
    static final Duration TIME_LIMIT = Duration.ofSeconds(Long.getLong("rsio.fuzz.seconds", 300));
    static final int WORKERS = 3;
    static final long VOLUME = 8 << 20;

    @TempDir
    Path dir;

    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong replyBytes = new AtomicLong();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong brokenConnections = new AtomicLong();
    private final List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());

    @Test
    void fuzzedFramesNeitherCrashNorLeakNorDisturbOtherSessions() throws Exception {
        long seed = Long.getLong("rsio.fuzz.seed", System.nanoTime());
        try (TestCluster cluster = new TestCluster(dir)
                .writeServerConfig("big-2 0xbig2\nfuzzer 0xfuzz", VOLUME >> 20, "big-2")) {
            // C2 as in production (the test JVMs default to C1 for quick start-up).
            cluster.startServerWithJvmOptions(List.of("-XX:TieredStopAtLevel=4", "-Xmx96m", "-XX:MaxDirectMemorySize=256m",
                    "-Dio.netty.leakDetection.level=" + System.getProperty("rsio.fuzz.leaks", "paranoid"), System.getProperty("rsio.fuzz.jfr", "-Dx=y")));
            long pid = cluster.serverPid();
            ProcStats before = ProcStats.of(pid);
            long started = System.nanoTime();
            long deadline = started + TIME_LIMIT.toNanos();
            ExecutorService pool = Executors.newFixedThreadPool(WORKERS + 1);
            try (VerifiedSession good = new VerifiedSession(cluster.port, "big-2", "0xbig2", "oracle", VOLUME);
                 RawRsioClient loris = RawRsioClient.connect(cluster.port)) {
                loris.hello();
                var fuzzDone = new java.util.concurrent.atomic.AtomicBoolean();
                Future<Long> neverReads = pool.submit(() -> floodWithoutReading(cluster.port, fuzzDone));
                List<Future<?>> workers = new ArrayList<>();
                for (int w = 0; w < WORKERS; w++) {
                    long workerSeed = seed + w;
                    workers.add(pool.submit(() -> {
                        fuzz(cluster.port, workerSeed, deadline);
                        return null;
                    }));
                }
                long maxRss = 0;
                boolean lorisClosed = false;
                while (workers.stream().anyMatch(f -> !f.isDone())) {
                    Thread.sleep(500);
                    maxRss = Math.max(maxRss, ProcStats.rssKib(pid));
                    if (!lorisClosed) {
                        try {
                            loris.send(new Request.Ping(loris.tag(), 1));
                        } catch (IOException e) {
                            lorisClosed = true;
                        }
                    }
                }
                fuzzDone.set(true);
                for (Future<?> f : workers) {
                    f.get(1, TimeUnit.SECONDS);
                }
                long floodRequests = neverReads.get(30, TimeUnit.SECONDS);
                double seconds = (System.nanoTime() - started) / 1e9;
                ProcStats after = ProcStats.of(pid);

                assertTrue(cluster.serverAlive(), "rssrv died:\n" + cluster.log("rssrv"));
                assertEquals(List.of(), problems);
                assertTrue(frames.get() >= FRAMES, frames + " frames in " + seconds + " s, wanted " + FRAMES);
                assertEquals(List.of(), good.failures(), "the good session was disturbed");
                assertTrue(good.running(), "the good session stopped");
                assertTrue(good.verified() > 100, "the good session verified only " + good.verified() + " blocks");
                assertTrue(lorisClosed || loris.closedByServer(Duration.ofSeconds(12)),
                        "a connection that never logs in is still open after " + seconds + " s");
                String log = cluster.log("rssrv");
                assertFalse(log.contains("LEAK:"), "rssrv leaked buffers:\n" + log);
                assertFalse(log.contains("OutOfMemoryError") || log.contains("OutOfDirectMemoryError"), log);
                long reasons = ClientCrashTest.count(log, "closing connection");
                assertTrue(reasons >= brokenConnections.get(), brokenConnections + " bad connections but only "
                        + reasons + " logged closes");
                assertTrue(log.contains("not logged in within"), "the never-logging-in connection was closed silently");
                assertTrue(after.rssMib() < 700, "rssrv RSS " + after.rssMib() + " MiB");
                System.out.printf("[fuzz] rssrv: %,d frames on %,d connections (%,d closed for a broken frame, each "
                                + "logged) in %.1f s; good session verified %,d blocks (slowest %d ms); a client that "
                                + "never reads got %,d READs of 1 MiB accepted before rssrv stopped reading; RSS %d -> "
                                + "max %d -> %d MiB, fds %d -> %d; seed %d%n",
                        frames.get(), connections.get(), brokenConnections.get(), seconds, good.verified(),
                        good.slowestMillis(), floodRequests, before.rssMib(), maxRss / 1024, after.rssMib(),
                        before.fds(), after.fds(), seed);
            } finally {
                pool.shutdownNow();
                assertTrue(pool.awaitTermination(30, TimeUnit.SECONDS));
            }
        }
    }

    /** Connection after connection of fuzzed frames until the frame budget or the time is spent. */
    private void fuzz(int port, long seed, long deadline) {
        FuzzFrames gen = new FuzzFrames(seed, VOLUME);
        SplittableRandom random = gen.random();
        while (frames.get() < FRAMES && System.nanoTime() < deadline && problems.isEmpty()) {
            try {
                fuzzOneConnection(port, gen, random);
            } catch (Exception | AssertionError e) {
                problems.add("fuzz worker: " + e);
            }
        }
    }

    private void fuzzOneConnection(int port, FuzzFrames gen, SplittableRandom random) throws Exception {
        connections.incrementAndGet();
        try (RawRsioClient c = RawRsioClient.connect(port)) {
            int stage = random.nextInt(10);
            FuzzFrames.Digests digests = FuzzFrames.Digests.BEFORE_HELLO;
            boolean loggedIn = false;
            if (stage >= 1) {
                int features = random.nextInt(4);
                if (stage >= 3) {
                    Reply r = c.login(200, "fuzzer", "0xfuzz");
                    if (!(r instanceof Reply.AuthAccepted)) {
                        throw new AssertionError("fuzzer login refused: " + r);
                    }
                    if (!(c.open("S10_oracle") instanceof Reply.Opened)) {
                        throw new AssertionError("fuzzer could not open S10_oracle");
                    }
                    features = 3;
                    loggedIn = true;
                } else {
                    c.hello(features);
                }
                digests = new FuzzFrames.Digests((features & 1) != 0, (features & 2) != 0);
            }
            Thread drain = c.drainInBackground(replyBytes);
            // Before HELLO every frame but HELLO ends the connection: one frame is all there is.
            int count = stage == 0 ? 0 : random.nextBoolean() ? random.nextInt(50) : 1000 + random.nextInt(4000);
            java.io.ByteArrayOutputStream batch = new java.io.ByteArrayOutputStream();
            int inBatch = 0;
            String where = loggedIn ? "logged in" : "after HELLO";
            for (int i = 0; i < count; i++) {
                batch.writeBytes(gen.wellFormed(digests, loggedIn));
                inBatch++;
                if (batch.size() > 16384 || i == count - 1) {
                    try {
                        c.sendRaw(batch.toByteArray());
                    } catch (IOException e) {
                        problems.add("rssrv closed a connection during well-formed frames (" + where + "): "
                                + e.getMessage());
                        return;
                    }
                    frames.addAndGet(inBatch);
                    inBatch = 0;
                    batch.reset();
                    if (!drain.isAlive()) {
                        problems.add("rssrv closed a connection after well-formed frames (" + where + "), frame " + i);
                        return;
                    }
                }
            }
            boolean breakIt = stage == 0 || random.nextInt(10) < 7;
            FuzzFrames.Breakage kind = gen.anyBreakage();
            try {
                if (breakIt) {
                    byte[] last = stage == 0 && random.nextBoolean() ? gen.wellFormed(digests, false)
                            : gen.broken(digests, kind);
                    c.sendRaw(last);
                    if (last.length < FuzzFrames.HEADER || kind == FuzzFrames.Breakage.TRUNCATED) {
                        // Part of a frame is no error until the input ends inside it.
                        c.shutdownOutput();
                    }
                } else {
                    c.sendRaw(FuzzFrames.frame(33, 0, 999_999_999L, 0, 0, 0, new byte[0], digests));
                }
                frames.incrementAndGet();
            } catch (IOException e) {
                problems.add("connection closed before its last frame: " + e.getMessage());
                return;
            }
            drain.join(10_000);
            if (drain.isAlive()) {
                problems.add("rssrv kept a connection open 10 s after " + (breakIt ? "a broken frame (" + kind + ")"
                        : "GOODBYE"));
            } else if (breakIt) {
                brokenConnections.incrementAndGet();
            }
        }
    }

    /**
     * Logged in, pipelines READs of 1 MiB and never reads a reply, until {@code deadline} or
     * until rssrv stops taking them; returns how many went out. rssrv must stop reading
     * instead of piling up replies.
     */
    private long floodWithoutReading(int port, java.util.concurrent.atomic.AtomicBoolean fuzzDone) throws Exception {
        try (RawRsioClient c = RawRsioClient.connect(port)) {
            if (!(c.login(200, "fuzzer", "0xfuzz") instanceof Reply.AuthAccepted)
                    || !(c.open("S10_oracle") instanceof Reply.Opened)) {
                throw new AssertionError("flooding client not logged in");
            }
            AtomicLong sent = new AtomicLong();
            Thread writer = Thread.ofPlatform().daemon().start(() -> {
                try {
                    for (long i = 0; ; i++) {
                        c.send(new Request.Read(c.tag(), 1, (i % 8) << 20, 1 << 20));
                        sent.incrementAndGet();
                    }
                } catch (IOException e) {
                    // closed below
                }
            });
            while (!fuzzDone.get() && writer.isAlive()) {
                Thread.sleep(200);
            }
            long accepted = sent.get();
            c.close();
            writer.join(5000);
            return accepted;
        }
    }
}
