package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.ceph.CephTestCluster;
import io.rsio.nativeio.rbd.RadosCluster;
import io.rsio.nativeio.rbd.RadosPool;
import io.rsio.nativeio.rbd.RbdImage;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: a resize made elsewhere ({@code rbd resize}, as the Ceph admin, not through RSIO)
 * reaches the clients. A real Ceph test cluster, a real rssrv gateway serving the image and a
 * real rsiod with the volume attached as a block device (root, FUSE, loop): after the resize
 * rsconfig -q, a new NBD connection (libnbd's nbdinfo) and the attached loop device have the new
 * size, the gateway serves the new blocks (written through the export, read back from the
 * cluster with librbd), its metrics show it as the image's active gateway (promtool-checked), and
 * the device grows again after a second resize.
 */
@Timeout(240)
class RbdResizeTest {
    static final long MIB = 1 << 20;
    static final Duration LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void anRbdResizeMadeElsewhereReachesTheExportAndTheAttachedDevice() throws Exception {
        BlockDevices.requireKernelDevices();
        Commands.requireTool("nbdinfo");
        CephTestCluster ceph = CephTestCluster.shared();
        String image = ceph.newImageName("resize");
        ceph.rbd("create", "--size", "32M", ceph.pool() + "/" + image);
        int metrics = TestCluster.freePort();
        TestCluster gateway = new TestCluster(dir).writeServerConfigWithVolumes("big-2 0xbig2", """
                [volume rbdvol]
                rbd          = %s/%s
                ceph_conf    = %s
                ceph_user    = %s
                ceph_keyring = %s
                """.formatted(ceph.pool(), image, ceph.conf(), ceph.user(), ceph.keyring()))
                .withServerSettings("metrics = " + metrics)
                .writeClientConfig("big-2", "0xbig2");
        BlockDevices devices = new BlockDevices(gateway);
        try (RadosCluster checker = RadosCluster.connect(ceph.conf(), ceph.user(),
                Map.of("keyring", ceph.keyring().toString(), "rbd_cache", "false"));
             RadosPool pool = checker.pool(ceph.pool());
             Arena arena = Arena.ofShared()) {
            gateway.startServer();
            gateway.startClient();
            gateway.await("export socket", LIMIT, () -> Files.exists(gateway.nbdSocket("rbdvol")));
            assertEquals(32 * MIB, nbdSize(gateway));
            ProcessResult attach = gateway.rsconfig("-a", "rbdvol");
            assertEquals(0, attach.exitCode(), attach::toString);
            Path loop = devices.loopOf("rbdvol");
            assertEquals(32 * MIB, deviceSize(loop));

            // The Ceph admin grows the image; nobody tells RSIO.
            long resized = System.nanoTime();
            ceph.rbd("resize", "--size", "48M", ceph.pool() + "/" + image);
            gateway.await("rssrv's watch sees the new size", LIMIT,
                    () -> log(gateway, "rssrv").contains("resized from " + 32 * MIB + " to " + 48 * MIB + " bytes"));
            gateway.await("rsconfig -q lists 48 MiB", LIMIT, () -> query(gateway).contains(
                    (48 * MIB / 512) + " blocks of  512 bytes"));
            gateway.await("the attached device grew", LIMIT, () -> deviceSize(loop) == 48 * MIB);
            long grownMillis = (System.nanoTime() - resized) / 1_000_000;
            String rsiodLog = log(gateway, "rsiod");
            assertTrue(rsiodLog.contains("grew on the server from " + 32 * MIB + " to " + 48 * MIB), rsiodLog);
            // Pushed: the PING reply's volumes version made rsiod list again, not its periodic re-list.
            assertTrue(rsiodLog.contains("server big-9 reports its volumes changed (resized, created or deleted); listing them again"), rsiodLog);
            assertEquals(48 * MIB, nbdSize(gateway));

            // The new blocks are the image's: written through the export, read from the cluster.
            byte[] stamp = NbdExportDataTest.random(64 * 1024, 15);
            long at = 48 * MIB - stamp.length;
            try (NbdTestClient nbd = NbdTestClient.connect(gateway.nbdSocket("rbdvol"), "rbdvol")) {
                nbd.write(at, stamp, false).get(30, TimeUnit.SECONDS);
                nbd.flush().get(30, TimeUnit.SECONDS);
            }
            try (RbdImage direct = pool.open(image)) {
                MemorySegment back = arena.allocate(stamp.length);
                CompletableFuture<Long> read = new CompletableFuture<>();
                direct.aioRead(at, back, read::complete);
                assertEquals(stamp.length, read.get(30, TimeUnit.SECONDS));
                assertArrayEquals(stamp, back.toArray(ValueLayout.JAVA_BYTE));
            }
            // The gateway's metrics: it is the active one, having taken the lock once, from nobody.
            MetricsScrape scrape = MetricsScrape.of(metrics);
            assertEquals(1, scrape.require("rssrv_volume_rbd_owner", "volume", "rbdvol"), scrape::text);
            assertEquals(1, scrape.require("rssrv_volume_rbd_takeovers_total", "volume", "rbdvol"));
            assertEquals(0, scrape.require("rssrv_volume_rbd_fenced_total", "volume", "rbdvol"));
            assertEquals(48 * MIB, scrape.require("rssrv_volume_size_bytes", "volume", "rbdvol"));
            ProcessResult lint = scrape.promtool(dir);
            assertEquals("", lint.stdout() + lint.stderr(), () -> "promtool lint findings:\n" + lint);
            assertEquals(0, lint.exitCode(), lint::toString);

            // And once more, while the device is attached and was written.
            resized = System.nanoTime();
            ceph.rbd("resize", "--size", "64M", ceph.pool() + "/" + image);
            gateway.await("the attached device grew again", LIMIT, () -> deviceSize(loop) == 64 * MIB);
            long grownAgainMillis = (System.nanoTime() - resized) / 1_000_000;
            assertEquals(64 * MIB, nbdSize(gateway));
            ReportFile.line("rbd-resize-report.txt", "rbd-resize", "rbd resize to attached device grown (ping_interval "
                    + "200 ms, device check every second): %d ms, %d ms", grownMillis, grownAgainMillis);
            assertEquals(0, gateway.rsconfig("-d", "rbdvol").exitCode());
        } finally {
            devices.closeClusterAndCheckNothingLeft();
        }
    }

    /** The export's size as a new NBD connection sees it (libnbd's nbdinfo, a real client). */
    private static long nbdSize(TestCluster gateway) throws Exception {
        ProcessResult r = Commands.run(LIMIT, Map.of(), List.of("nbdinfo", "--size", gateway.nbdUri("rbdvol")));
        assertEquals(0, r.exitCode(), r::toString);
        return Long.parseLong(r.stdout().strip());
    }

    private static long deviceSize(Path loop) {
        try {
            return Long.parseLong(Files.readString(Path.of("/sys/block", loop.getFileName().toString(), "size"))
                    .strip()) * 512;
        } catch (Exception e) {
            return -1;
        }
    }

    private static String query(TestCluster gateway) {
        try {
            return gateway.rsconfig("-q").stdout();
        } catch (Exception e) {
            return "";
        }
    }

    private static String log(TestCluster gateway, String daemon) {
        try {
            return gateway.log(daemon);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
