package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real NBD tools write through rsiod's export; the bytes must land unchanged in rssrv's
 * volume file, and read back unchanged.
 */
class NbdExportDataTest {
    static final Duration TOOL_LIMIT = Duration.ofSeconds(60);
    @TempDir
    static Path dir;
    static TestCluster cluster;
    static int nbdPort;

    @BeforeAll
    static void start() throws Exception {
        for (String tool : List.of("nbdcopy", "nbdinfo", "qemu-img")) {
            Commands.requireTool(tool);
        }
        cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", 64).writeClientConfig("big-2", "0xbig2");
        cluster.startServer();
        nbdPort = TestCluster.freePort();
        cluster.startClient("--nbd-port", Integer.toString(nbdPort));
        cluster.await("export socket", Duration.ofSeconds(20), () -> Files.exists(cluster.nbdSocket("oracle")));
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    private static ProcessResult tool(String... command) throws Exception {
        ProcessResult result = Commands.run(TOOL_LIMIT, cluster.env(), List.of(command));
        assertEquals(0, result.exitCode(), () -> String.join(" ", command) + "\n" + result);
        return result;
    }

    @Test
    void nbdinfoShowsSizeAndBlockSize() throws Exception {
        String info = tool("nbdinfo", cluster.nbdUri("oracle")).stdout();
        assertTrue(info.contains("export-size: 67108864"), info);
        assertTrue(info.matches("(?s).*block_size_minimum: 512.*"), info);
    }

    @Test
    void loopbackTcpPortServesEveryExport() throws Exception {
        String list = tool("nbdinfo", "--list", "nbd://127.0.0.1:" + nbdPort).stdout();
        assertTrue(list.contains("export=\"oracle\""), list);
        assertTrue(list.contains("export=\"S10_oracle\""), list);
        String info = tool("nbdinfo", "nbd://127.0.0.1:" + nbdPort + "/S10_oracle").stdout();
        assertTrue(info.contains("export-size: 67108864"), info);
    }

    @Test
    void nbdcopyWritesLandByteIdenticalInTheVolumeFile() throws Exception {
        byte[] data = random(8 << 20, 1);
        Path source = dir.resolve("source.bin");
        Files.write(source, data);
        tool("nbdcopy", source.toString(), cluster.nbdUri("oracle"));
        tool("nbdinfo", cluster.nbdUri("oracle")); // a second connection sees the same export
        assertArrayEquals(data, readVolumeFile("oracle.img", data.length));

        Path back = dir.resolve("back.bin");
        tool("nbdcopy", cluster.nbdUri("oracle"), back.toString());
        byte[] whole = Files.readAllBytes(back);
        assertEquals(64 << 20, whole.length);
        assertArrayEquals(data, java.util.Arrays.copyOf(whole, data.length));
    }

    @Test
    void qemuImgConvertAndCompareThroughTheExport() throws Exception {
        byte[] data = random(64 << 20, 2);
        Path image = dir.resolve("image.raw");
        Files.write(image, data);
        String uri = cluster.nbdUri("S10_oracle");
        tool("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", image.toString(), uri);
        tool("qemu-img", "compare", "-f", "raw", "-F", "raw", image.toString(), uri);
        assertArrayEquals(data, readVolumeFile("s10.img", data.length));
    }

    private static byte[] readVolumeFile(String name, int length) throws Exception {
        byte[] bytes = new byte[length];
        try (RandomAccessFile file = new RandomAccessFile(dir.resolve(name).toFile(), "r")) {
            file.readFully(bytes);
        }
        return bytes;
    }

    static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }
}
