package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.block.Errno;
import io.rsio.wire.message.Management;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import io.rsio.wire.message.VolumeInfo;
import io.rsio.wire.message.VolumeUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pools shared by two real rssrv processes (docs/VOLUMES.md), driven over the RSIO protocol by
 * raw clients: concurrent creates of one name, rights, in-use refusals, thin and thick
 * allocation, growth seen by the other server, and volumes surviving a restart.
 */
class PoolSharingTest {
    private static final int NAMESPACE = 200;

    @TempDir
    Path dir;
    Path pool;
    TestCluster a;
    TestCluster b;
    final List<RawRsioClient> clients = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        pool = Files.createDirectories(dir.resolve("pool"));
        a = server(1);
        b = server(2);
        a.startServer();
        b.startServer();
    }

    private TestCluster server(int id) throws Exception {
        TestCluster c = new TestCluster(Files.createDirectories(dir.resolve("srv" + id)));
        Files.writeString(c.serverConfig, """
                [namespace osl]
                namespaceid = %d
                port        = %d

                [server big-%d]
                serverid = %d
                discovery = no

                [interface if1]
                address = 127.0.0.1

                [clients]
                big-2 0xbig2
                big-3 0xbig3

                [pool fast]
                path     = %s
                quota    = 1G
                create   = big-2, big-3
                grow     = big-2
                snapshot = big-2
                delete   = big-2
                """.formatted(NAMESPACE, c.port, 8 + id, id, pool));
        return c;
    }

    @AfterEach
    void stop() throws Exception {
        for (RawRsioClient c : clients) {
            c.close();
        }
        a.close();
        b.close();
    }

    private RawRsioClient login(TestCluster server, String node) throws Exception {
        RawRsioClient c = RawRsioClient.connect(server.port);
        clients.add(c);
        assertInstanceOf(Reply.AuthAccepted.class, c.login(NAMESPACE, node, "0x" + node.replace("-", "")));
        return c;
    }

    private static Reply manage(RawRsioClient c, Management op) throws Exception {
        return c.call(new Request.Manage(c.tag(), op));
    }

    private static List<VolumeInfo> list(RawRsioClient c) throws Exception {
        return ((Reply.VolumeList) c.call(new Request.ListVolumes(c.tag()))).volumes();
    }

    /** Name → size of every file in the pool directory but the lock. */
    private TreeMap<String, Long> poolFiles() throws Exception {
        TreeMap<String, Long> files = new TreeMap<>();
        try (Stream<Path> s = Files.list(pool)) {
            for (Path p : s.toList()) {
                if (!p.getFileName().toString().startsWith(".rsio-")) { // the lock, the servers' open markers
                    files.put(p.getFileName().toString(), Files.size(p));
                }
            }
        }
        return files;
    }

    @Test
    void concurrentCreatesOfOneNameOnTwoServersLeaveOneWinner() throws Exception {
        RawRsioClient onA = login(a, "big-2");
        RawRsioClient onB = login(b, "big-3");
        ExecutorService both = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 5; round++) {
                String name = "race-" + round;
                CountDownLatch go = new CountDownLatch(1);
                Future<Reply> fromA = both.submit(() -> {
                    go.await();
                    return manage(onA, new Management.Create("fast", name, 8 << 20, false));
                });
                Future<Reply> fromB = both.submit(() -> {
                    go.await();
                    return manage(onB, new Management.Create("fast", name, 8 << 20, false));
                });
                go.countDown();
                List<Reply> replies = List.of(fromA.get(30, TimeUnit.SECONDS), fromB.get(30, TimeUnit.SECONDS));
                assertEquals(1, replies.stream().filter(Reply.Managed.class::isInstance).count(), replies.toString());
                Reply.Failure lost = (Reply.Failure) replies.stream().filter(Reply.Failure.class::isInstance)
                        .findFirst().orElseThrow();
                assertEquals(Errno.EEXIST, lost.status(), lost.reason());
                assertTrue(lost.reason().contains(name + " already exists"), lost.reason());
                // Both servers serve it under one identity: a client sees two paths to one volume.
                VolumeInfo seenByA = list(onA).stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
                VolumeInfo seenByB = list(onB).stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
                assertEquals(seenByA.id(), seenByB.id());
                assertEquals(8 << 20, seenByB.size());
            }
        } finally {
            both.shutdownNow();
        }
        assertEquals(List.of("race-0.img", "race-0.vol", "race-1.img", "race-1.vol", "race-2.img", "race-2.vol",
                "race-3.img", "race-3.vol", "race-4.img", "race-4.vol"), List.copyOf(poolFiles().keySet()));
    }

    @Test
    void aClientWithoutTheRightIsRefusedByNameAndNothingChanges() throws Exception {
        RawRsioClient owner = login(a, "big-2");
        assertInstanceOf(Reply.Managed.class, manage(owner, new Management.Create("fast", "data", 16 << 20, false)));
        var before = poolFiles();

        RawRsioClient other = login(b, "big-3");
        for (Management op : List.of(new Management.Delete("data"), new Management.Resize("data", 32 << 20),
                new Management.Snapshot("data", "data-snap"))) {
            Reply.Failure f = assertInstanceOf(Reply.Failure.class, manage(other, op));
            assertEquals(Errno.EACCES, f.status(), f.reason());
            assertTrue(f.reason().contains("client big-3 lacks the right \"" + op.right() + "\" in pool fast"),
                    f.reason());
        }
        assertEquals(before, poolFiles());
        assertEquals(16 << 20, list(other).stream().filter(v -> v.name().equals("data")).findFirst().orElseThrow()
                .size());
        assertTrue(b.log("rssrv").contains("lacks the right"), "the refusal is logged on the server");
    }

    @Test
    void deleteAndShrinkAreRefusedWhileAnotherClientHasTheVolumeOpen() throws Exception {
        RawRsioClient owner = login(a, "big-2");
        assertInstanceOf(Reply.Managed.class, manage(owner, new Management.Create("fast", "shared", 16 << 20, false)));
        RawRsioClient user = login(a, "big-3");
        assertInstanceOf(Reply.Opened.class, user.open("shared"));

        Reply.Failure delete = assertInstanceOf(Reply.Failure.class, manage(owner, new Management.Delete("shared")));
        assertEquals(Errno.EBUSY, delete.status());
        assertTrue(delete.reason().contains("client(s) big-3 have it open"), delete.reason());
        Reply.Failure shrink = assertInstanceOf(Reply.Failure.class, manage(owner,
                new Management.Resize("shared", 8 << 20)));
        assertTrue(shrink.reason().contains("not shrunk: client(s) big-3"), shrink.reason());
        assertTrue(Files.exists(pool.resolve("shared.vol")));

        user.close();
        a.await("big-3's handle closed", java.time.Duration.ofSeconds(10), () -> {
            try {
                return manage(owner, new Management.Delete("shared")) instanceof Reply.Managed;
            } catch (Exception e) {
                return false;
            }
        });
        assertTrue(Files.notExists(pool.resolve("shared.vol")) && Files.notExists(pool.resolve("shared.img")));
        assertTrue(list(owner).stream().noneMatch(v -> v.name().equals("shared")));
    }

    @Test
    void thinAndThickAllocationIsWhatDuShowsAndGrowthReachesTheOtherServer() throws Exception {
        RawRsioClient onA = login(a, "big-2");
        assertInstanceOf(Reply.Managed.class, manage(onA, new Management.Create("fast", "thin", 64 << 20, false)));
        assertInstanceOf(Reply.Managed.class, manage(onA, new Management.Create("fast", "thick", 64 << 20, true)));
        Reply.Managed usage = assertInstanceOf(Reply.Managed.class, manage(onA, new Management.Usage()));
        VolumeUsage thin = usage.volumes().stream().filter(v -> v.name().equals("thin")).findFirst().orElseThrow();
        VolumeUsage thick = usage.volumes().stream().filter(v -> v.name().equals("thick")).findFirst().orElseThrow();
        assertEquals(64 << 20, thin.provisioned());
        assertEquals(du(pool.resolve("thin.img")), thin.allocated());
        assertTrue(thin.allocated() < 1 << 20, "thin: nothing allocated yet, " + thin.allocated());
        assertEquals(du(pool.resolve("thick.img")), thick.allocated());
        assertTrue(thick.thick() && thick.allocated() >= 64 << 20, "thick: all allocated, " + thick.allocated());

        RawRsioClient onB = login(b, "big-3");
        Reply.Opened opened = assertInstanceOf(Reply.Opened.class, onB.open("thin"));
        assertInstanceOf(Reply.Managed.class, manage(onA, new Management.Resize("thin", 96 << 20)));
        assertEquals(96 << 20, list(onB).stream().filter(v -> v.name().equals("thin")).findFirst().orElseThrow().size());
        // The handle opened before the growth reads past the old end now.
        Reply read = onB.call(new Request.Read(onB.tag(), opened.handle(), (80 << 20), 4096));
        assertInstanceOf(Reply.ReadData.class, read, read.toString());
        ((Reply.ReadData) read).data().release();

        Reply.Failure overQuota = assertInstanceOf(Reply.Failure.class,
                manage(onA, new Management.Create("fast", "big", 1L << 30, false)));
        assertEquals(Errno.ENOSPC, overQuota.status());
        assertTrue(overQuota.reason().contains("quota of 1G"), overQuota.reason());

        // Run-time volumes persist: a restarted server serves them with the same identity and size.
        var idBefore = list(onA).stream().filter(v -> v.name().equals("thin")).findFirst().orElseThrow().id();
        a.stopServerGracefully();
        a.startServer();
        RawRsioClient again = login(a, "big-2");
        VolumeInfo after = list(again).stream().filter(v -> v.name().equals("thin")).findFirst().orElseThrow();
        assertEquals(idBefore, after.id());
        assertEquals(96 << 20, after.size());
    }

    private static long du(Path file) throws Exception {
        ProcessResult r = Commands.run(java.time.Duration.ofSeconds(10), java.util.Map.of(),
                List.of("du", "-B1", file.toString()));
        assertEquals(0, r.exitCode(), r.toString());
        return Long.parseLong(r.stdout().split("\\s+")[0]);
    }
}
