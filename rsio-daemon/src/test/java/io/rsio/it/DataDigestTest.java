package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code data_digest} in rscltcfg: with it on (the default) every WRITE's payload is followed on
 * the wire by its CRC32C; with it off the next frame follows the payload at once, and the data
 * still arrives intact. A relay between rsiod and rssrv records what rsiod sends.
 */
@Timeout(120)
class DataDigestTest {
    private static final byte[] MAGIC = {0x52, 0x53, 0x49, 0x4f};

    @TempDir
    Path dir;

    @ParameterizedTest(name = "data_digest = {0}")
    @ValueSource(strings = {"on", "off"})
    void theSettingDecidesWhetherPayloadsCarryADigest(String setting) throws Exception {
        boolean on = setting.equals("on");
        try (TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", 8);
             RecordingProxy relay = new RecordingProxy(cluster.port, InetAddress.getLoopbackAddress())) {
            cluster.writeClientConfig("big-2", "0xbig2", AuthAttackTest.DEFAULTS + "\ndata_digest = " + setting,
                    List.of(relay.port()));
            cluster.startServer();
            cluster.startClient();
            cluster.await("connected through the relay", Duration.ofSeconds(20),
                    () -> cluster.statusShows("connected tx: ok"));
            assertTrue(cluster.log("rsiod").contains("volume(s), data digests " + setting), cluster.log("rsiod"));

            byte[] block = new byte[4096];
            new Random(11).nextBytes(block);
            long offset = 5 * 4096;
            try (NbdTestClient nbd = NbdTestClient.await(cluster.nbdSocket("oracle"), "oracle", Duration.ofSeconds(20))) {
                nbd.write(offset, block, true).get(20, TimeUnit.SECONDS);
                assertArrayEquals(block, nbd.read(offset, block.length).get(20, TimeUnit.SECONDS));
            }
            byte[] stored = new byte[block.length];
            try (RandomAccessFile volume = new RandomAccessFile(dir.resolve("oracle.img").toFile(), "r")) {
                volume.seek(offset);
                volume.readFully(stored);
            }
            assertArrayEquals(block, stored, "the volume file holds what was written");

            byte[] sent = relay.clientBytes(0);
            int at = TlsTest.indexOf(sent, block);
            assertTrue(at > 0, "the payload crossed the relay");
            byte[] after = Arrays.copyOfRange(sent, at + block.length, Math.min(sent.length, at + block.length + 4));
            CRC32C crc = new CRC32C();
            crc.update(block);
            byte[] digest = ByteBuffer.allocate(4).putInt((int) crc.getValue()).array();
            if (on) {
                assertArrayEquals(digest, after, "the payload's CRC32C follows it");
            } else {
                assertTrue(after.length == 0 || Arrays.equals(MAGIC, after),
                        "no digest: the stream ends or the next frame starts, found " + Arrays.toString(after));
            }
            assertEquals(1, relay.connections(), "one path, one connection");
        }
    }
}
