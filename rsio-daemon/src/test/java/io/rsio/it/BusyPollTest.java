package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rssrv with {@code busy_poll} (docs/CONFIG.md): its event loops poll after work instead of
 * sleeping at once. What an administrator checks: the log says it is on, verified I/O through
 * the NBD export is unharmed (small writes served on the event loop and large ones handed to the
 * store threads, whose completions must not wait for the poll to end), and an idle server goes
 * back to sleep instead of burning a core.
 */
class BusyPollTest {
    @TempDir
    Path dir;

    @Test
    void pollingServerServesVerifiedIoAndSleepsWhenIdle() throws Exception {
        try (TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", 256)
                .withServerSettings("busy_poll = 2ms").writeClientConfig("big-2", "0xbig2")) {
            cluster.startServer();
            cluster.startClient();
            cluster.await("NBD export", TestCluster.START_LIMIT, () -> Files.exists(cluster.nbdSocket("oracle")));
            assertTrue(cluster.log("rssrv").contains("busy_poll 2ms after work"), cluster.log("rssrv"));

            for (String blockSize : new String[] {"8k", "256k"}) {
                Fio.Result r = Fio.verifiedRandomWrites(cluster.nbdUri("oracle"), 3, blockSize).get();
                assertEquals(0, r.exitCode(), r.output());
                assertEquals(0, r.error(), r.output());
                assertTrue(r.ios() > 100, blockSize + ": " + r.ios() + " I/Os");
            }

            // Idle but connected: rsiod still pings every 200 ms, each ping followed by 2 ms of polling.
            Thread.sleep(500);
            long pid = cluster.serverPid();
            double before = ProcStats.cpuSeconds(pid);
            Thread.sleep(Duration.ofSeconds(3));
            double used = ProcStats.cpuSeconds(pid) - before;
            assertTrue(used < 0.5, "an idle rssrv with busy_poll used " + used + " CPU-seconds in 3 s");
        }
    }
}
