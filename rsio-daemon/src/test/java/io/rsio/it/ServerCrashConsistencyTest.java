package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash consistency through rsiod's NBD export: a writer keeps 16 writes of stamped blocks in
 * flight with FLUSH barriers while rssrv is killed with -9 at random moments and started
 * again, {@value #KILLS} times. After every kill the server's volume file must hold, for each
 * block, a valid version no older than the last write acknowledged before the kill (so in
 * particular every write acknowledged before the last completed FLUSH) and no newer than the
 * last one issued; nothing may be torn or misplaced. No error may reach the writer: rsiod
 * holds the requests and sends them again when the server is back.
 *
 * <p>A kill -9 ends the process, not the machine: the page cache survives, so here even
 * writes acknowledged after the last FLUSH must survive. What FLUSH alone guarantees on power
 * loss is rssrv's fdatasync, see docs/reliability.md.
 */
@FaultSuite
class ServerCrashConsistencyTest {
    static final int KILLS = Integer.getInteger("rsio.crash.kills", 20);
    static final int VOLUME_MIB = 8;
    static final Duration PROGRESS_LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void everyAcknowledgedWriteSurvivesKillsOfTheServer() throws Exception {
        SplittableRandom random = new SplittableRandom(Long.getLong("rsio.crash.seed", System.nanoTime()));
        try (TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", VOLUME_MIB)
                .writeClientConfig("big-2", "0xbig2")) {
            cluster.startServer();
            cluster.startClient();
            cluster.await("export socket", Duration.ofSeconds(20), () -> Files.exists(cluster.nbdSocket("oracle")));
            Path volumeFile = dir.resolve("oracle.img");
            WriteLedger ledger = new WriteLedger(VOLUME_MIB * 256);
            long started = System.nanoTime();
            try (NbdTestClient nbd = NbdTestClient.connect(cluster.nbdSocket("oracle"), "oracle");
                 StampedWriter writer = new StampedWriter(nbd, ledger, 16, 32, random.nextLong())) {
                for (int kill = 1; kill <= KILLS; kill++) {
                    // Mostly under load; every fifth kill right after start, while rsiod logs in again.
                    if (kill % 5 != 0) {
                        awaitProgress(cluster, ledger, writer, 20 + random.nextInt(200));
                        Thread.sleep(random.nextInt(150));
                    } else {
                        Thread.sleep(random.nextInt(300));
                    }
                    long[] ackedBeforeKill = ledger.ackedSnapshot();
                    long[] durableBeforeKill = ledger.durableSnapshot();
                    cluster.killServer();
                    long[] issuedAfterKill = ledger.issuedSnapshot();
                    byte[] volume = Files.readAllBytes(volumeFile);
                    List<String> lostDurable = WriteLedger.check(volume, durableBeforeKill, issuedAfterKill,
                            "acknowledged before a completed FLUSH");
                    assertEquals(List.of(), lostDurable, "after kill " + kill + ": " + ledger);
                    List<String> lostAcked = WriteLedger.check(volume, ackedBeforeKill, issuedAfterKill,
                            "acknowledged");
                    assertEquals(List.of(), lostAcked, "after kill " + kill + ": " + ledger);
                    cluster.startServer();
                    assertEquals(List.of(), writer.errors(), "an error reached the writer after kill " + kill);
                }
                awaitProgress(cluster, ledger, writer, 50);
                assertTrue(writer.stop(Duration.ofSeconds(30)), "writes still unanswered 30 s after stopping");
                nbd.flush().get();
                assertEquals(List.of(), writer.errors());
                // Everything was answered: the volume holds exactly the newest acknowledged versions,
                // on the server's disk and read back through the whole stack.
                long[] acked = ledger.ackedSnapshot();
                assertEquals(List.of(), WriteLedger.check(Files.readAllBytes(volumeFile), acked, acked, "acknowledged"));
                byte[] throughNbd = nbd.read(0, VOLUME_MIB << 20).get();
                assertArrayEquals(Files.readAllBytes(volumeFile), throughNbd);
                System.out.printf("[crash] rssrv killed %d times under load in %.1f s: %s, no write lost, nothing torn%n",
                        KILLS, (System.nanoTime() - started) / 1e9, ledger);
            }
        }
    }

    /** Waits until {@code writes} more writes were acknowledged (the server is back and serving). */
    static void awaitProgress(TestCluster cluster, WriteLedger ledger, StampedWriter writer, int writes)
            throws Exception {
        long target = ledger.ackedWrites() + writes;
        cluster.await(writes + " more acknowledged writes (" + ledger + ", errors " + writer.errors() + ")",
                PROGRESS_LIMIT, () -> ledger.ackedWrites() >= target || !writer.errors().isEmpty());
        assertEquals(List.of(), writer.errors());
    }
}
