package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A volume on a real, small file system (a 4 MiB tmpfs) is written until the file system is
 * full: the writes fail with ENOSPC at the client, rssrv and rsiod each log the episode once
 * (not once per failed write), rsconfig -m stat and both metrics endpoints show it, and when
 * space is freed the next write succeeds and ends the episode with one more line each.
 */
class NoSpaceTest {
    static final int MIB = 1 << 20;
    @TempDir
    static Path dir;
    static Path full;
    static boolean mounted;
    static TestCluster cluster;
    static int serverMetrics;
    static int clientMetrics;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "mounting a tmpfs needs root");
        full = Files.createDirectories(dir.resolve("full"));
        ProcessResult mount = Commands.run(Duration.ofSeconds(20), java.util.Map.of(),
                List.of("mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "rsio-ops-nospace", full.toString()));
        assertEquals(0, mount.exitCode(), mount::toString);
        mounted = true;
        Files.write(full.resolve("filler"), new byte[MIB]); // freed later to end the episode
        serverMetrics = TestCluster.freePort();
        clientMetrics = TestCluster.freePort();
        cluster = new TestCluster(dir).writeServerConfigWithVolumes("big-2 0123456789abcdef0123456789abcdef", """
                [volume oracle]
                path = %s
                size = 16M
                """.formatted(full.resolve("oracle.img")))
                .withServerSettings("metrics = " + serverMetrics)
                .writeClientConfig("big-2", "0123456789abcdef0123456789abcdef");
        Files.writeString(cluster.clientConfig, Files.readString(cluster.clientConfig)
                .replace("[defaults]\n", "[defaults]\nmetrics = " + clientMetrics + "\n"));
        cluster.startServer();
        cluster.startClient();
        cluster.await("export socket", Duration.ofSeconds(20), () -> Files.exists(cluster.nbdSocket("oracle")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        if (mounted) {
            Commands.run(Duration.ofSeconds(20), java.util.Map.of(), List.of("umount", full.toString()));
        }
    }

    @Test
    void aFullFileSystemIsLoggedOncePerEpisodeAndShownUntilSpaceIsFreed() throws Exception {
        int failed = 0;
        int episode;
        try (NbdTestClient nbd = NbdTestClient.await(cluster.nbdSocket("oracle"), "oracle", Duration.ofSeconds(20))) {
            // 3 MiB are free: of 8 MiB written, the later writes find the file system full.
            for (int i = 0; i < 32; i++) {
                try {
                    nbd.write((long) i * 256 * 1024, new byte[256 * 1024], false).get(30, TimeUnit.SECONDS);
                    assertEquals(0, failed, "a write succeeded after one had failed, with nothing freed");
                } catch (ExecutionException e) {
                    assertTrue(e.getCause().getMessage().contains("ENOSPC") || e.getCause().getMessage()
                            .contains("28"), e.getCause().toString());
                    failed++;
                }
            }
            assertTrue(failed >= 16, failed + " writes failed");
            int failures = failed;
            cluster.await("both logs name the full volume", Duration.ofSeconds(10),
                    () -> count(log("rssrv"), "volume oracle: no space left") == 1
                            && count(log("rsiod"), "volume osl:oracle: server big-9 has no space left") == 1);
            String stat = cluster.rsconfig("-m", "stat").stdout();
            assertTrue(stat.contains("NO SPACE: the server has no space left for oracle; writes fail with ENOSPC ("
                    + failures + " so far)"), stat);
            assertEquals(1, MetricsScrape.of(clientMetrics).require("rsiod_volume_nospace", "volume", "oracle"));
            assertEquals(failures, MetricsScrape.of(clientMetrics).require("rsiod_volume_nospace_errors_total",
                    "volume", "oracle"));
            assertEquals(1, MetricsScrape.of(serverMetrics).require("rssrv_volume_nospace", "volume", "oracle"));
            assertEquals(failures, MetricsScrape.of(serverMetrics).require("rssrv_volume_nospace_errors_total",
                    "volume", "oracle"));

            // Still full: more failures, no more log lines.
            assertThrows(ExecutionException.class,
                    () -> nbd.write(12L * MIB, new byte[256 * 1024], false).get(30, TimeUnit.SECONDS));
            Files.delete(full.resolve("filler"));
            nbd.write(12L * MIB, new byte[256 * 1024], false).get(30, TimeUnit.SECONDS);
            episode = failures + 1;
        }
        cluster.await("both logs say writes succeed again", Duration.ofSeconds(10),
                () -> count(log("rssrv"), "volume oracle: writes succeed again after " + episode) == 1
                        && count(log("rsiod"), "volume osl:oracle: writes succeed again after " + episode) == 1);
        assertEquals(1, count(log("rssrv"), "no space left"), log("rssrv"));
        assertEquals(1, count(log("rsiod"), "no space left"), log("rsiod"));
        assertFalse(cluster.rsconfig("-m", "stat").stdout().contains("NO SPACE"));
        assertEquals(0, MetricsScrape.of(serverMetrics).require("rssrv_volume_nospace", "volume", "oracle"));
        assertEquals(0, MetricsScrape.of(clientMetrics).require("rsiod_volume_nospace", "volume", "oracle"));
    }

    private static String log(String daemon) {
        try {
            return cluster.log(daemon);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static int count(String text, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
