package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rssrv killed with -9 and started again: rsiod reconnects by itself and I/O goes on. */
class ServerRestartTest {
    @TempDir
    Path dir;

    @Test
    void rsiodReconnectsAndIoContinuesAcrossAServerKill() throws Exception {
        Commands.requireTool("nbdcopy");
        try (TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", 32)
                .writeClientConfig("big-2", "0xbig2")) {
            cluster.startServer();
            cluster.startClient();
            cluster.await("connected", Duration.ofSeconds(20), () -> cluster.statusShows("connected tx: ok"));
            // The path is up before the volume list that makes the export has come back.
            cluster.await("NBD export", TestCluster.START_LIMIT, () -> Files.exists(cluster.nbdSocket("oracle")));

            byte[] first = NbdExportDataTest.random(4 << 20, 3);
            copyIn(cluster, first, "first.bin");

            cluster.killServer();
            cluster.await("path seen down", Duration.ofSeconds(10), () -> !cluster.statusShows("connected tx: ok"));

            // I/O issued while no path exists waits (nopath_timeout, 60 s by default) ...
            byte[] second = NbdExportDataTest.random(4 << 20, 4);
            Path source = dir.resolve("second.bin");
            Files.write(source, second);
            CompletableFuture<ProcessResult> pending = CompletableFuture.supplyAsync(() -> {
                try {
                    return Commands.run(Duration.ofSeconds(60), cluster.env(),
                            List.of("nbdcopy", source.toString(), cluster.nbdUri("oracle")));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            Thread.sleep(1000);
            // ... and completes once the server is back.
            cluster.startServer();
            cluster.await("reconnected", Duration.ofSeconds(20), () -> cluster.statusShows("connected tx: ok"));
            ProcessResult copy = pending.get();
            assertEquals(0, copy.exitCode(), copy::toString);
            assertArrayEquals(second, readVolume(dir.resolve("oracle.img"), second.length));
            assertTrue(cluster.log("rsiod").contains("path down"), cluster.log("rsiod"));
        }
    }

    private static void copyIn(TestCluster cluster, byte[] data, String name) throws Exception {
        Path source = cluster.dir.resolve(name);
        Files.write(source, data);
        ProcessResult result = Commands.run(Duration.ofSeconds(60), cluster.env(),
                List.of("nbdcopy", source.toString(), cluster.nbdUri("oracle")));
        assertEquals(0, result.exitCode(), result::toString);
        assertArrayEquals(data, readVolume(cluster.dir.resolve("oracle.img"), data.length));
    }

    private static byte[] readVolume(Path file, int length) throws Exception {
        byte[] bytes = new byte[length];
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.readFully(bytes);
        }
        return bytes;
    }
}
