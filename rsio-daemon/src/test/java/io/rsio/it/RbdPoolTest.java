package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.ceph.CephTestCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15: volume management on an RBD pool ({@code [pool] type = rbd}, docs/VOLUMES.md "RBD
 * pools"). rsconfig on a real rsiod asks a real rssrv gateway in front of the Ceph test cluster
 * to create a volume (an RBD image), which is then written through the NBD export, grown
 * (a new NBD connection sees the new size, the new blocks take data), snapshotted (an RBD
 * snapshot and clone: the snapshot's export reads the data of the snapshot moment while the
 * origin changes), throttled and paused; {@code rsconfig -qvv}'s allocated bytes are what
 * {@code rbd du} says; a delete without the right is refused by name and changes nothing; after
 * a restart of the gateway (the pool's catalog is in the cluster) with the right given, an
 * {@code rbd resize} made outside RSIO reaches rsiod through the PING replies, deleting
 * the origin is refused while its snapshot exists, and the snapshot and then the origin go,
 * images and RBD snapshot included.
 */
@Timeout(300)
class RbdPoolTest {
    static final long MIB = 1 << 20;
    static final Duration LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void volumesOfAnRbdPoolAreCreatedUsedGrownSnapshottedAndDeletedThroughRsconfig() throws Exception {
        Commands.requireTool("nbdinfo");
        CephTestCluster ceph = CephTestCluster.shared();
        // Unique per run: the pool's catalog object and the images are named after them.
        String poolName = ceph.newImageName("rsiopool");
        String vol = ceph.newImageName("vol");
        String snap = vol + ".snap";
        String poolSection = """
                [pool %s]
                type         = rbd
                rbd_pool     = %s
                ceph_conf    = %s
                ceph_user    = %s
                ceph_keyring = %s
                create       = big-2
                grow         = big-2
                snapshot     = big-2
                throttle     = big-2
                pause        = big-2
                """.formatted(poolName, ceph.pool(), ceph.conf(), ceph.user(), ceph.keyring());
        TestCluster gateway = new TestCluster(dir).writeServerConfigWithVolumes("big-2 0xbig2", poolSection)
                .writeClientConfig("big-2", "0xbig2");
        try (gateway) {
            gateway.startAndConnect();
            String created = gateway.rsconfigExpecting(0, "-C", vol, "32M", "-p", poolName).stdout();
            assertTrue(created.contains("created " + vol + " in pool " + poolName + ": 32M thin"), created);
            assertTrue(ceph.rbd("ls", ceph.pool()).lines().anyMatch(vol::equals), "the volume is an RBD image");
            gateway.await("the NBD export of " + vol, LIMIT, () -> Files.exists(gateway.nbdSocket(vol)));
            assertEquals(32 * MIB, nbdSize(gateway, vol));

            // Real I/O through the export: A at the start.
            byte[] a = NbdExportDataTest.random(64 * 1024, 1);
            write(gateway, vol, 0, a);

            // Allocated vs provisioned: what rbd du says of the image.
            assertEquals(rbdUsed(ceph, vol), usage(gateway, vol)[0]);
            assertEquals(32 * MIB, usage(gateway, vol)[1]);
            assertTrue(usage(gateway, vol)[0] > 0 && usage(gateway, vol)[0] < 32 * MIB, "thin");

            // Grow: a new NBD connection sees it, and the new blocks hold data (B at the end).
            String grew = gateway.rsconfigExpecting(0, "-G", vol, "48M").stdout();
            assertTrue(grew.contains("grew " + vol + " from 32M to 48M"), grew);
            assertTrue(ceph.rbd("info", ceph.pool() + "/" + vol).contains("size 48 MiB"));
            gateway.await("the export has the new size", LIMIT, () -> nbdSize(gateway, vol) == 48 * MIB);
            byte[] b = NbdExportDataTest.random(64 * 1024, 2);
            write(gateway, vol, 48 * MIB - b.length, b);

            // Snapshot, then change the origin: the snapshot keeps A and B.
            String snapshot = gateway.rsconfigExpecting(0, "-S", vol, snap).stdout();
            assertTrue(snapshot.contains("snapshot " + snap + " of " + vol + " made (read-only, 48M)"), snapshot);
            assertTrue(ceph.rbd("snap", "ls", ceph.pool() + "/" + vol).contains("rsio." + snap));
            byte[] c = NbdExportDataTest.random(64 * 1024, 3);
            write(gateway, vol, 0, c);
            gateway.await("the NBD export of " + snap, LIMIT, () -> Files.exists(gateway.nbdSocket(snap)));
            assertArrayEquals(a, read(gateway, snap, 0, a.length), "the snapshot has the data of its moment");
            assertArrayEquals(b, read(gateway, snap, 48 * MIB - b.length, b.length));
            assertArrayEquals(c, read(gateway, vol, 0, c.length), "the origin went on");
            String qv = gateway.rsconfigExpecting(0, "-qvv").stdout();
            assertTrue(qv.lines().anyMatch(l -> l.contains(" " + snap + " ") && l.contains(" ro ")), qv);
            assertTrue(qv.contains("snapshot of " + vol), qv);
            assertEquals(rbdUsed(ceph, snap), usage(gateway, snap)[0], "a clone's own objects only");

            // Throttle and pause work on RBD volumes as on files.
            gateway.rsconfigExpecting(0, "-T", vol, "100M");
            assertTrue(gateway.rsconfigExpecting(0, "-m", "vstat").stdout().contains("limits: volume 100"));
            gateway.rsconfigExpecting(0, "-P", vol);
            assertTrue(gateway.rsconfigExpecting(0, "-m", "vstat").stdout().contains("PAUSED"));
            gateway.rsconfigExpecting(0, "-R", vol);

            // No right to delete: refused by name, nothing changes.
            ProcessResult refused = gateway.rsconfigExpecting(1, "-D", snap);
            assertTrue(refused.stderr().contains("client big-2 lacks the right \"delete\" in pool " + poolName),
                    refused.stderr());
            assertTrue(ceph.rbd("ls", ceph.pool()).lines().anyMatch(snap::equals));

            // The catalog is in the cluster: a restarted gateway (now with the right) serves both volumes.
            gateway.stopServerGracefully();
            String config = Files.readString(gateway.serverConfig);
            Files.writeString(gateway.serverConfig, config.replace("pause        = big-2\n",
                    "pause        = big-2\ndelete       = big-2\n"));
            gateway.startServer();
            gateway.await("both volumes listed again", LIMIT, () -> {
                String q = query(gateway);
                return q.contains(" " + vol + " ") && q.contains(" " + snap + " ");
            });
            // Awaited, not read once: it failed once (of many runs) right after the restart; a lost
            // limit would not come back by waiting, so this still fails if the catalog lost it.
            String vstat = gateway.rsconfigExpecting(0, "-m", "vstat").stdout();
            for (long deadline = System.nanoTime() + LIMIT.toNanos();
                 !vstat.contains("limits: volume 100") && System.nanoTime() < deadline; ) {
                Thread.sleep(200);
                vstat = gateway.rsconfigExpecting(0, "-m", "vstat").stdout();
            }
            assertTrue(vstat.contains("limits: volume 100"), "the limit is in the catalog:\n" + vstat);
            // A resize made outside RSIO reaches rsiod through the PING replies' volumes version,
            // which pool volumes are part of, rather than at the 5 s re-list.
            // The first PING reply after a login is rsiod's baseline of the volumes version
            // (RsioPath): a change made before it arrives reaches rsiod only through the 5 s
            // re-list. rssrv was restarted just above, so let two ping intervals (1 s) pass.
            Thread.sleep(2_000);
            String before = gateway.log("rsiod");
            ceph.rbd("resize", "--size", "64M", ceph.pool() + "/" + vol);
            gateway.await("the export follows rbd resize", LIMIT, () -> nbdSize(gateway, vol) == 64 * MIB);
            // Awaited: the 5 s re-list can bring the new size a moment before the next PING reply
            // does; the PING's volumes version must still report the change.
            gateway.await("a PING reply reports the volumes changed", LIMIT, () -> {
                try {
                    return gateway.log("rsiod").substring(before.length())
                            .contains("server big-9 reports its volumes changed (resized, created or deleted)");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });

            ProcessResult origin = gateway.rsconfigExpecting(1, "-D", vol);
            assertTrue(origin.stderr().contains("snapshot(s) " + snap + " in pool " + poolName + " are clones of it"),
                    origin.stderr());
            String deleted = gateway.rsconfigExpecting(0, "-D", snap).stdout();
            assertTrue(deleted.contains("deleted " + snap + " from pool " + poolName), deleted);
            assertFalse(ceph.rbd("snap", "ls", ceph.pool() + "/" + vol).contains("rsio." + snap),
                    "the RBD snapshot went with its clone");
            gateway.rsconfigExpecting(0, "-D", vol);
            List<String> images = ceph.rbd("ls", ceph.pool()).lines().toList();
            assertFalse(images.contains(vol) || images.contains(snap), images.toString());
            gateway.await("neither is listed", LIMIT, () -> !query(gateway).contains(vol));
        }
    }

    private static void write(TestCluster gateway, String volume, long offset, byte[] data) throws Exception {
        try (NbdTestClient nbd = NbdTestClient.connect(gateway.nbdSocket(volume), volume)) {
            nbd.write(offset, data, false).get(30, TimeUnit.SECONDS);
            nbd.flush().get(30, TimeUnit.SECONDS);
        }
    }

    private static byte[] read(TestCluster gateway, String volume, long offset, int length) throws Exception {
        try (NbdTestClient nbd = NbdTestClient.connect(gateway.nbdSocket(volume), volume)) {
            return nbd.read(offset, length).get(30, TimeUnit.SECONDS);
        }
    }

    /** The export's size as a new NBD connection sees it (libnbd's nbdinfo, a real client). */
    private static long nbdSize(TestCluster gateway, String volume) {
        try {
            ProcessResult r = Commands.run(LIMIT, Map.of(), List.of("nbdinfo", "--size", gateway.nbdUri(volume)));
            return r.exitCode() == 0 ? Long.parseLong(r.stdout().strip()) : -1;
        } catch (Exception e) {
            return -1;
        }
    }

    /** {@code rsconfig -qvv}'s allocated and provisioned bytes of {@code volume}. */
    private static long[] usage(TestCluster gateway, String volume) throws Exception {
        String view = gateway.rsconfigExpecting(0, "-qvv").stdout();
        Matcher m = Pattern.compile(" " + Pattern.quote(volume) + " .*allocated .* \\((\\d+) of (\\d+) bytes\\)")
                .matcher(view);
        assertTrue(m.find(), view);
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    /** {@code rbd du}'s used bytes of the image's head. */
    private static long rbdUsed(CephTestCluster ceph, String image) throws Exception {
        String json = ceph.rbd("du", "--format", "json", ceph.pool() + "/" + image);
        Matcher m = Pattern.compile("\"name\":\"" + Pattern.quote(image) + "\"(?:,\"snapshot\":null)?"
                + "[^}]*\"used_size\":(\\d+)").matcher(json);
        assertTrue(m.find(), json);
        return Long.parseLong(m.group(1));
    }

    private static String query(TestCluster gateway) {
        try {
            return gateway.rsconfig("-q").stdout();
        } catch (Exception e) {
            return "";
        }
    }
}
