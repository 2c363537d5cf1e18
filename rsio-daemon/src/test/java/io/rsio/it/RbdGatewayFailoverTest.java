package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.ceph.CephTestCluster;
import io.rsio.control.ControlClient;
import io.rsio.control.ControlRows;
import io.rsio.nativeio.rbd.RadosCluster;
import io.rsio.nativeio.rbd.RadosPool;
import io.rsio.nativeio.rbd.RbdImage;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two rssrv gateways (127.0.0.21 and 127.0.0.22) in front of one RBD image of the real test
 * cluster (scripts/ceph-test-cluster), rsiod with paths to both, fio writing random blocks
 * through rsiod's NBD export and verifying every one. The active gateway is killed with -9 ten
 * times and restarted each time: fio must see no error and no verify failure, the survivor must
 * take the image over each time, and a block written and FLUSHed through the gateway just
 * before it died must read back from the cluster afterwards (read with librbd, not through RSIO).
 * Then the active gateway is frozen (SIGSTOP) with writes queued and thawed after the other took
 * over: its late writes must not land over newer ones. The longest I/O (fio's largest completion
 * latency) is the stall of a failover; it is recorded in target/rbd-failover-report.txt.
 */
@FaultSuite
class RbdGatewayFailoverTest {
    static final int KILLS = 10;
    static final int FIO_MIB = 128;
    /** Past fio's 128 MiB: where the FLUSH probes go, so they never touch fio's blocks. */
    static final long PROBE_AREA = (long) FIO_MIB << 20;
    static final int PROBE = 4096;
    static final String[] ADDRESSES = {"127.0.0.21", "127.0.0.22"};
    static final String OWNS = "this gateway owns RBD image";
    static final String FENCED = "and fenced this one";

    @TempDir
    Path dir;

    @Test
    void killingTheActiveGatewayTenTimesUnderFioLosesNothing() throws Exception {
        CephTestCluster ceph = CephTestCluster.shared();
        String image = ceph.newImageName("failover");
        ceph.rbd("create", "--size", (FIO_MIB + 8) + "M", ceph.pool() + "/" + image);
        List<TestCluster> gateways = new ArrayList<>();
        try (TestCluster g1 = new TestCluster(Files.createDirectories(dir.resolve("gw1")));
             TestCluster g2 = new TestCluster(Files.createDirectories(dir.resolve("gw2")));
             RadosCluster checker = RadosCluster.connect(ceph.conf(), ceph.user(),
                     Map.of("keyring", ceph.keyring().toString(), "rbd_cache", "false"));
             RadosPool pool = checker.pool(ceph.pool());
             Arena arena = Arena.ofShared()) {
            gateways.add(g1);
            gateways.add(g2);
            for (int i = 0; i < 2; i++) {
                writeGateway(gateways.get(i), i + 1, ADDRESSES[i], ceph, image);
            }
            writeClient(g1, ADDRESSES, g1.port, g2.port);
            g1.startServer();
            g2.startServer();
            g1.startClient();
            g1.await("paths to both gateways", Duration.ofSeconds(60), () -> connected(g1) == 2);
            g1.await("export socket", Duration.ofSeconds(20), () -> Files.exists(g1.nbdSocket("rbdvol")));

            CompletableFuture<Fio.Result> load = Fio.verifiedRandomWrites(g1.nbdUri("rbdvol"), 100, "16k");
            int active = awaitFirstOwner(gateways);
            List<Long> takeoverMillis = new ArrayList<>();
            try (NbdTestClient probe = NbdTestClient.connect(g1.nbdSocket("rbdvol"), "rbdvol")) {
                for (int kill = 1; kill <= KILLS; kill++) {
                    assertTrueOrLogs(!load.isDone(), "fio ended before kill " + kill, gateways);
                    // A block written and FLUSHed through the gateway about to die.
                    byte[] stamp = NbdExportDataTest.random(PROBE, 1000 + kill);
                    long at = PROBE_AREA + (long) (kill % 16) * PROBE;
                    probe.write(at, stamp, false).get(30, TimeUnit.SECONDS);
                    probe.flush().get(30, TimeUnit.SECONDS);

                    TestCluster victim = gateways.get(active);
                    TestCluster survivor = gateways.get(1 - active);
                    int ownedBefore = count(survivor.log("rssrv"), OWNS);
                    long killed = System.nanoTime();
                    victim.killServer();
                    // The client moves to the survivor, whose first write takes the image over.
                    survivor.await("gateway " + (2 - active) + " takes the image over (kill " + kill + ")",
                            Duration.ofSeconds(30), () -> count(logOf(survivor), OWNS) > ownedBefore);
                    takeoverMillis.add((System.nanoTime() - killed) / 1_000_000);

                    // The flushed block is in the cluster, read without RSIO.
                    try (RbdImage direct = pool.open(image)) {
                        MemorySegment back = arena.allocate(PROBE);
                        CompletableFuture<Long> read = new CompletableFuture<>();
                        direct.aioRead(at, back, read::complete);
                        assertEquals(PROBE, read.get(30, TimeUnit.SECONDS));
                        assertArrayEquals(stamp, back.toArray(ValueLayout.JAVA_BYTE),
                                "block flushed before kill " + kill + " reads back from the cluster");
                    }
                    // and through the survivor
                    assertArrayEquals(stamp, probe.read(at, PROBE).get(30, TimeUnit.SECONDS));

                    victim.startServer();
                    g1.await("paths to both gateways again (kill " + kill + ")", Duration.ofSeconds(60),
                            () -> connected(g1) == 2);
                    active = 1 - active;
                }
            }
            String frozenOutcome = freezeTheActiveGateway(gateways, active, load);
            Fio.Result result = load.get(200, TimeUnit.SECONDS);
            ReportFile.line("rbd-failover-report.txt", "rbd-failover", "RBD gateways: %d kills of the active gateway under fio (16 KiB random writes, QD 16, verified): "
                    + "fio exit %d, error %d, %d I/Os, longest I/O %.0f ms; kill to takeover logged by the survivor: "
                    + "%s ms; %s", KILLS, result.exitCode(), result.error(), result.ios(), result.maxLatencyMillis(),
                    takeoverMillis, frozenOutcome);
            assertEquals(0, result.exitCode(), result.output());
            assertEquals(0, result.error(), result.output());
            assertTrue(result.ios() > 0, result.output());
        } finally {
            try {
                ceph.rbd("rm", "--no-progress", ceph.pool() + "/" + image);
            } catch (AssertionError e) {
                // left in the test cluster, which is deleted at the end
            }
        }
    }

    /**
     * The hazard fencing exists for: the active gateway freezes (SIGSTOP) with writes queued, rsiod
     * declares its path dead after path_timeout and sends them again through the other gateway,
     * which fences the frozen one before taking over; then the frozen one thaws and runs what it
     * had queued. Nothing of that may land over newer data: fio's verification says.
     */
    private static String freezeTheActiveGateway(List<TestCluster> gateways, int active,
                                                 CompletableFuture<Fio.Result> load) throws Exception {
        TestCluster frozen = gateways.get(active);
        TestCluster survivor = gateways.get(1 - active);
        assertTrueOrLogs(!load.isDone(), "fio ended before the freeze", gateways);
        int ownedBefore = count(logOf(survivor), OWNS);
        int fencedBefore = count(logOf(frozen), FENCED);
        signal(frozen.serverPid(), "STOP");
        long frozenAt = System.nanoTime();
        try {
            survivor.await("the other gateway takes the image over from the frozen one", Duration.ofSeconds(30),
                    () -> count(logOf(survivor), OWNS) > ownedBefore);
        } finally {
            Thread.sleep(1000); // writes go on through the new owner meanwhile
            signal(frozen.serverPid(), "CONT");
        }
        long takeover = (System.nanoTime() - frozenAt) / 1_000_000;
        Thread.sleep(2000); // the thawed gateway runs what it had read and queued
        int refused = count(logOf(frozen), FENCED) - fencedBefore;
        return "frozen active gateway: taken over " + takeover + " ms after SIGSTOP; after SIGCONT it "
                + (refused > 0 ? "found itself fenced (its late requests refused by Ceph) and reconnected"
                        : "had nothing left to run");
    }

    private static void signal(long pid, String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
    }

    static int awaitFirstOwner(List<TestCluster> gateways) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < gateways.size(); i++) {
                if (count(logOf(gateways.get(i)), OWNS) > 0) {
                    return i;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no gateway took the image for fio's writes:\n" + logOf(gateways.get(0)) + "\n"
                + logOf(gateways.get(1)));
    }

    private static void assertTrueOrLogs(boolean condition, String what, List<TestCluster> gateways) {
        if (!condition) {
            throw new AssertionError(what + "\n--- gw1\n" + logOf(gateways.get(0)) + "\n--- gw2\n" + logOf(gateways.get(1)));
        }
    }

    static String logOf(TestCluster cluster) {
        try {
            return cluster.log("rssrv");
        } catch (java.io.IOException e) {
            return "";
        }
    }

    static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    static void writeGateway(TestCluster gateway, int id, String address, CephTestCluster ceph, String image)
            throws Exception {
        Files.writeString(gateway.serverConfig, """
                [namespace osl]
                namespaceid = 200
                protocol    = tcp
                port        = %d

                [server gw-%d]
                serverid = %d

                [interface if1]
                address  = %s

                [clients]
                big-2 0xbig2

                [volume rbdvol]
                rbd          = %s/%s
                ceph_conf    = %s
                ceph_user    = %s
                ceph_keyring = %s
                """.formatted(gateway.port, id, id, address, ceph.pool(), image, ceph.conf(), ceph.user(),
                ceph.keyring()));
    }

    static void writeClient(TestCluster client, String[] addresses, int port1, int port2) throws Exception {
        Files.writeString(client.clientConfig, """
                [defaults]
                ping_interval  = 100ms
                path_timeout   = 1s
                nopath_timeout = 30s
                reconnect_max  = 300ms

                [interface if0]
                address = 127.0.0.1

                [namespace osl]
                namespaceid = 200
                nodename    = big-2
                nodekey     = 0xbig2

                [server gw-1]
                address = %s
                port    = %d

                [server gw-2]
                address = %s
                port    = %d
                """.formatted(addresses[0], port1, addresses[1], port2));
    }

    static long connected(TestCluster cluster) {
        try {
            return new ControlClient(cluster.runDir.resolve("rsiod.sock")).call("status")
                    .rows(ControlRows.PathRow.class).stream().filter(p -> p.state().equals("connected")).count();
        } catch (Exception e) {
            return -1;
        }
    }

}
