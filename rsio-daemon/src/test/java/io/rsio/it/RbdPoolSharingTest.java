package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.block.Errno;
import io.rsio.ceph.CephTestCluster;
import io.rsio.wire.message.Management;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import io.rsio.wire.message.VolumeInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two real rssrv gateways on one RBD pool ({@code [pool] type = rbd}, docs/VOLUMES.md "RBD
 * pools"), driven over the RSIO protocol by raw clients, one on each: concurrent creates of one
 * name leave one winner; concurrent creates of different names lose none (the catalog's RADOS
 * lock: without it one read-modify-write of the catalog would overwrite the other); both serve
 * every volume under one identity; a growth through one is seen through the other; a volume
 * deleted through one while the other has it open goes from the cluster once the other closed it.
 */
@Timeout(300)
class RbdPoolSharingTest {
    private static final int NAMESPACE = 200;
    private static final int ROUNDS = 4;

    @TempDir
    Path dir;

    @Test
    void twoGatewaysOnOneRbdPoolAgree() throws Exception {
        CephTestCluster ceph = CephTestCluster.shared();
        String poolName = ceph.newImageName("shared");
        String prefix = ceph.newImageName("v");
        List<RawRsioClient> clients = new ArrayList<>();
        ExecutorService both = Executors.newFixedThreadPool(2);
        try (TestCluster a = gateway(1, poolName, ceph); TestCluster b = gateway(2, poolName, ceph)) {
            a.startServer();
            b.startServer();
            RawRsioClient onA = login(a, "big-2", clients);
            RawRsioClient onB = login(b, "big-3", clients);
            List<String> made = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                // One name from both sides: one winner, the other told EEXIST.
                String name = prefix + "-race-" + round;
                List<Reply> replies = race(both, () -> manage(onA, new Management.Create(poolName, name, 8 << 20, false)),
                        () -> manage(onB, new Management.Create(poolName, name, 8 << 20, false)));
                assertEquals(1, replies.stream().filter(Reply.Managed.class::isInstance).count(), replies.toString());
                Reply.Failure lost = (Reply.Failure) replies.stream().filter(Reply.Failure.class::isInstance)
                        .findFirst().orElseThrow();
                assertEquals(Errno.EEXIST, lost.status(), lost.reason());
                made.add(name);
                // Two names at once: both kept.
                String left = prefix + "-a-" + round;
                String right = prefix + "-b-" + round;
                List<Reply> pair = race(both, () -> manage(onA, new Management.Create(poolName, left, 8 << 20, false)),
                        () -> manage(onB, new Management.Create(poolName, right, 8 << 20, false)));
                assertTrue(pair.stream().allMatch(Reply.Managed.class::isInstance), pair.toString());
                made.add(left);
                made.add(right);
            }
            List<VolumeInfo> seenByA = list(onA);
            List<VolumeInfo> seenByB = list(onB);
            for (String name : made) {
                VolumeInfo va = find(seenByA, name);
                VolumeInfo vb = find(seenByB, name);
                assertEquals(va.id(), vb.id(), name + ": one identity on both gateways");
                assertTrue(va.oneActiveServer() && vb.oneActiveServer(), "served as an RBD gateway volume");
                assertTrue(ceph.rbd("ls", ceph.pool()).lines().anyMatch(name::equals), name);
            }

            // Grown through A, seen through B.
            String grown = made.getFirst();
            assertInstanceOf(Reply.Managed.class, manage(onA, new Management.Resize(grown, 16 << 20)));
            assertEquals(16 << 20, find(list(onB), grown).size());

            // Deleted through A while B has it open: gone from the cluster once B closed it.
            String doomed = made.getLast();
            long deleted = System.nanoTime();
            assertInstanceOf(Reply.Managed.class, manage(onA, new Management.Delete(doomed)));
            assertTrue(list(onA).stream().noneMatch(v -> v.name().equals(doomed)));
            assertTrue(list(onB).stream().noneMatch(v -> v.name().equals(doomed)), "B read the catalog again");
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (ceph.rbd("ls", ceph.pool()).lines().anyMatch(doomed::equals)) {
                assertTrue(System.nanoTime() < deadline, "the image of " + doomed + " is still in the cluster:\n"
                        + a.log("rssrv") + "\n---\n" + b.log("rssrv"));
                list(onA);
                list(onB);
                Thread.sleep(200);
            }
            String removedBy = a.log("rssrv").contains("removed RBD image " + ceph.pool() + "/" + doomed) ? "gw-1"
                    : b.log("rssrv").contains("removed RBD image " + ceph.pool() + "/" + doomed) ? "gw-2" : "?";
            ReportFile.line("rbd-pool-report.txt", "rbd-pool", "delete through gw-1 of a volume gw-2 had open: image"
                    + " removed by %s, %s, %d ms after the delete", removedBy,
                    a.log("rssrv").contains(doomed + " not removed yet") ? "deferred (RBD: still open on gw-2)"
                            : "at once", (System.nanoTime() - deleted) / 1_000_000);
            for (String name : made) {
                if (!name.equals(doomed)) {
                    assertInstanceOf(Reply.Managed.class, manage(onA, new Management.Delete(name)), name);
                }
            }
        } finally {
            both.shutdownNow();
            for (RawRsioClient c : clients) {
                c.close();
            }
        }
    }

    private TestCluster gateway(int id, String poolName, CephTestCluster ceph) throws Exception {
        TestCluster c = new TestCluster(Files.createDirectories(dir.resolve("gw" + id)));
        Files.writeString(c.serverConfig, """
                [namespace osl]
                namespaceid = %d
                port        = %d

                [server gw-%d]
                serverid = %d
                discovery = no

                [interface if1]
                address = 127.0.0.1

                [clients]
                big-2 0xbig2
                big-3 0xbig3

                [pool %s]
                type         = rbd
                rbd_pool     = %s
                ceph_conf    = %s
                ceph_user    = %s
                ceph_keyring = %s
                create       = big-2, big-3
                grow         = big-2
                delete       = big-2
                """.formatted(NAMESPACE, c.port, id, id, poolName, ceph.pool(), ceph.conf(), ceph.user(),
                ceph.keyring()));
        return c;
    }

    private static RawRsioClient login(TestCluster server, String node, List<RawRsioClient> clients) throws Exception {
        RawRsioClient c = RawRsioClient.connect(server.port);
        clients.add(c);
        assertInstanceOf(Reply.AuthAccepted.class, c.login(NAMESPACE, node, "0x" + node.replace("-", "")));
        return c;
    }

    private interface Call {
        Reply call() throws Exception;
    }

    /** Runs both at the same moment, from two threads. */
    private static List<Reply> race(ExecutorService both, Call first, Call second) throws Exception {
        CountDownLatch go = new CountDownLatch(1);
        Future<Reply> one = both.submit(() -> {
            go.await();
            return first.call();
        });
        Future<Reply> two = both.submit(() -> {
            go.await();
            return second.call();
        });
        go.countDown();
        return List.of(one.get(60, TimeUnit.SECONDS), two.get(60, TimeUnit.SECONDS));
    }

    private static Reply manage(RawRsioClient c, Management op) throws Exception {
        return c.call(new Request.Manage(c.tag(), op));
    }

    private static List<VolumeInfo> list(RawRsioClient c) throws Exception {
        return ((Reply.VolumeList) c.call(new Request.ListVolumes(c.tag()))).volumes();
    }

    private static VolumeInfo find(List<VolumeInfo> volumes, String name) {
        return volumes.stream().filter(v -> v.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not listed: " + volumes));
    }
}
