package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deleted pool volume leaves rsiod's view (docs/VOLUMES.md): once no server lists it, rsiod
 * closes it and its NBD export, and a new volume of the same name is a new volume (its export
 * reads the new, empty data), with real rssrv, rsiod and rsconfig processes.
 */
class DeletedVolumeTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String ADDRESS = "127.0.0.173";

    @TempDir
    Path dir;
    TestCluster cluster;

    @BeforeEach
    void start() throws Exception {
        Path pool = Files.createDirectories(dir.resolve("pool"));
        cluster = new TestCluster(dir).writeClientConfig("big-2", "0xbig2");
        cluster.writeServerConfigWithVolumes("big-2 0xbig2", """
                [pool fast]
                path   = %s
                create = big-2
                delete = big-2
                """.formatted(pool));
        cluster.onServerAddress(ADDRESS);
        cluster.startAndConnect();
    }

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aDeletedVolumeIsClosedWithItsExportAndItsNameCanBeUsedAgain() throws Exception {
        cluster.createVolume("gone", "8M");
        byte[] data = new byte[65536];
        Arrays.fill(data, (byte) 0x5a);
        try (NbdTestClient nbd = NbdTestClient.await(cluster.nbdSocket("gone"), "gone", LIMIT)) {
            nbd.write(0, data, true).get(30, TimeUnit.SECONDS);
        }
        assertTrue(cluster.rsconfig("-m", "stat").stdout().contains("gone"));

        cluster.rsconfigExpecting(0, "-D", "gone");
        // rsiod lists the volumes again before it answers: the volume and its export are gone at once.
        assertFalse(Files.exists(cluster.nbdSocket("gone")), "the NBD export of the deleted volume is gone");
        assertFalse(cluster.rsconfig("-m", "stat").stdout().contains("gone"), "rsiod no longer shows it");
        assertTrue(cluster.log("rsiod").contains("volume osl:gone no longer listed by any server: deleted, closed"));

        // The name again: a new, empty volume behind a new export.
        cluster.createVolume("gone", "8M");
        try (NbdTestClient nbd = NbdTestClient.await(cluster.nbdSocket("gone"), "gone", LIMIT)) {
            byte[] read = nbd.read(0, data.length).get(30, TimeUnit.SECONDS);
            assertArrayEquals(new byte[data.length], read, "the new volume reads zeros, not the old data");
            assertNotEquals(0, data[0]);
        }
    }
}
