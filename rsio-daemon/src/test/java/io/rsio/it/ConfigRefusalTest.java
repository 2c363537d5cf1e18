package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the adversarial probe found in broken server configs, on real rssrv and rsiod
 * processes: a refused volume names file and line (of the key at fault) and the volume once;
 * a short key is accepted but each daemon warns with file and line.
 */
class ConfigRefusalTest {
    static final String KEY = "0123456789abcdef0123456789abcdef";
    @TempDir
    Path dir;

    @Test
    void aConfiguredSizeSmallerThanTheFileIsRefusedAtTheSizeLine() throws Exception {
        Path data = dir.resolve("data.img");
        try (var f = new java.io.RandomAccessFile(data.toFile(), "rw")) {
            f.setLength(2 << 20);
        }
        TestCluster cluster = new TestCluster(dir).writeServerConfigWithVolumes("big-2 " + KEY, """
                [volume vol7]
                path = %s
                size = 1M
                """.formatted(data));
        ProcessResult rssrv = runServer(cluster);
        assertEquals(1, rssrv.exitCode(), rssrv::toString);
        assertEquals("rssrv: " + cluster.serverConfig + ":" + lineOf(cluster.serverConfig, "size = 1M")
                + ": volume vol7: size 1M is smaller than " + data + " (2097152 bytes): rssrv never shrinks a volume "
                + "or serves only its beginning; write size = 2M, or leave size out to serve the whole file",
                lastLine(rssrv));
        assertEquals(2 << 20, Files.size(data), "the file is untouched");
    }

    @Test
    void aVolumeInAMissingDirectoryIsRefusedAtThePathLineNamingTheVolumeOnce() throws Exception {
        Path data = dir.resolve("no-such-dir").resolve("data.img");
        TestCluster cluster = new TestCluster(dir).writeServerConfigWithVolumes("big-2 " + KEY, """
                [volume vol7]
                size = 1M
                path = %s
                """.formatted(data));
        ProcessResult rssrv = runServer(cluster);
        assertEquals(1, rssrv.exitCode(), rssrv::toString);
        assertEquals("rssrv: " + cluster.serverConfig + ":" + lineOf(cluster.serverConfig, "path = ")
                + ": volume vol7: " + data + " cannot be created: directory " + data.getParent() + " does not exist",
                lastLine(rssrv));
        assertEquals(1, lastLine(rssrv).split("vol7", -1).length - 1, rssrv.stderr());
    }

    @Test
    void shortKeysAreAcceptedWithAWarningNamingFileAndLineOnBothEnds() throws Exception {
        try (TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 x\nvenus " + KEY, 8)
                .writeClientConfig("big-2", "x")) {
            cluster.startServer();
            cluster.startClient();
            cluster.await("path connected", Duration.ofSeconds(20), () -> cluster.statusShows("connected tx: ok"));
            String server = cluster.log("rssrv");
            assertTrue(server.contains(cluster.serverConfig + ":" + lineOf(cluster.serverConfig, "big-2 x")
                    + ": key of client \"big-2\" has only 1 character: whoever records one login can guess a short "
                    + "key offline; use 16 or more random characters (e.g. openssl rand -hex 16) on both ends"), server);
            assertFalse(server.contains("\"venus\""), "a long key is not mentioned");
            assertFalse(server.contains(": key of client \"big-2\" has only 1 character: x"), "never the key itself");
            String client = cluster.log("rsiod");
            String warning = cluster.clientConfig + ":" + lineOf(cluster.clientConfig, "nodekey")
                    + ": nodekey of [namespace osl] has only 1 character";
            assertTrue(client.contains(warning), client);
            cluster.reload(); // a reload reads the file again, and says it again
            assertEquals(2, cluster.log("rsiod").split(java.util.regex.Pattern.quote(warning), -1).length - 1);
        }
    }

    @Test
    void aMetricsPortThatCannotBeBoundStopsRssrvNamingTheKey() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 " + KEY, 8)
                    .withServerSettings("metrics = " + taken.getLocalPort());
            ProcessResult rssrv = runServer(cluster);
            assertEquals(1, rssrv.exitCode(), rssrv::toString);
            assertTrue(lastLine(rssrv).startsWith("rssrv: cannot serve metrics on 127.0.0.1:" + taken.getLocalPort()
                    + " (metrics key): "), rssrv::toString);
        }
    }

    /** What rssrv said last on stderr: its refusal (in the foreground the log lines come before it). */
    private static String lastLine(ProcessResult result) {
        return result.stderr().strip().lines().reduce((a, b) -> b).orElse("");
    }

    private static ProcessResult runServer(TestCluster cluster) throws Exception {
        return Commands.run(Duration.ofSeconds(60), cluster.env(),
                Commands.java("io.rsio.server.RssrvMain", "-c", cluster.serverConfig.toString(), "-f"));
    }

    /** The 1-based line of the first line of {@code file} that starts with {@code prefix} (after indentation). */
    private static int lineOf(Path file, String prefix) throws Exception {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).strip().startsWith(prefix)) {
                return i + 1;
            }
        }
        throw new AssertionError("no line " + prefix + " in " + file);
    }
}
