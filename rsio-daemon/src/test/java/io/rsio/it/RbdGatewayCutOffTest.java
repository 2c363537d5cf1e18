package io.rsio.it;

import static io.rsio.it.RbdGatewayFailoverTest.OWNS;
import static io.rsio.it.RbdGatewayFailoverTest.count;
import static io.rsio.it.RbdGatewayFailoverTest.logOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.ceph.CephTestCluster;
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
 * Issue 15: a gateway cut off from the Ceph cluster while its clients still reach it gives them
 * up (docs/SCALE-OUT.md, "Cut off from the cluster"). Two rssrv gateways (127.0.0.150 and
 * 127.0.0.151) in front of one RBD image, rsiod with a path to each, fio writing random blocks
 * through the NBD export and verifying every one. Each gateway runs in a cgroup of its own; an
 * nftables rule then drops every packet the active gateway's sockets send except on its RSIO
 * port: its requests to the monitors and OSDs go nowhere, while rsiod's paths to it stay up (it
 * answers PINGs). Its requests time out, it answers ESHUTDOWN, rsiod sends them to the other
 * gateway, which takes the image over: fio must see no error and no verify failure. The longest
 * I/O (the stall) goes to target/rbd-cutoff-report.txt. Then the cut heals.
 */
@Timeout(300)
class RbdGatewayCutOffTest {
    static final String[] ADDRESSES = {"127.0.0.150", "127.0.0.151"};
    static final Path CGROUP_ROOT = Path.of("/sys/fs/cgroup/unified");

    @TempDir
    Path dir;

    @Test
    void aGatewayCutOffFromTheClusterSendsItsClientsToTheOtherOne() throws Exception {
        Commands.requireTool("nft");
        Commands.requireTool("fio");
        assertTrue(Files.exists(CGROUP_ROOT.resolve("cgroup.procs")), "needs cgroup v2 at " + CGROUP_ROOT);
        CephTestCluster ceph = CephTestCluster.shared();
        String image = ceph.newImageName("cutoff");
        ceph.rbd("create", "--size", (RbdGatewayFailoverTest.FIO_MIB + 8) + "M", ceph.pool() + "/" + image);
        String unique = "s15cut-" + ProcessHandle.current().pid();
        String table = unique.replace('-', '_');
        Path[] cgroups = {CGROUP_ROOT.resolve(unique + "-gw1"), CGROUP_ROOT.resolve(unique + "-gw2")};
        try (TestCluster g1 = new TestCluster(Files.createDirectories(dir.resolve("gw1")));
             TestCluster g2 = new TestCluster(Files.createDirectories(dir.resolve("gw2")))) {
            List<TestCluster> gateways = List.of(g1, g2);
            for (int i = 0; i < 2; i++) {
                RbdGatewayFailoverTest.writeGateway(gateways.get(i), i + 1, ADDRESSES[i], ceph, image);
                Files.createDirectories(cgroups[i]);
                gateways.get(i).startServerInCgroup(cgroups[i]);
            }
            RbdGatewayFailoverTest.writeClient(g1, ADDRESSES, g1.port, g2.port);
            g1.startClient();
            g1.await("paths to both gateways", Duration.ofSeconds(60), () -> RbdGatewayFailoverTest.connected(g1) == 2);
            g1.await("export socket", Duration.ofSeconds(20), () -> Files.exists(g1.nbdSocket("rbdvol")));

            CompletableFuture<Fio.Result> load = Fio.verifiedRandomWrites(g1.nbdUri("rbdvol"), 40, "16k");
            int active = RbdGatewayFailoverTest.awaitFirstOwner(gateways);
            TestCluster cut = gateways.get(active);
            TestCluster survivor = gateways.get(1 - active);
            Thread.sleep(3000); // fio runs through the active gateway for a while
            assertTrue(!load.isDone(), "fio ended early");
            int ownedBefore = count(logOf(survivor), OWNS);
            // Everything the active gateway's sockets send, but on its RSIO port: its Ceph traffic.
            nft("add", "table", "inet", table);
            nft("add", "chain", "inet", table, "out", "{ type filter hook output priority 0; }");
            nft("add", "rule", "inet", table, "out", "socket", "cgroupv2", "level", "1",
                    "\"" + CGROUP_ROOT.getFileName() + "/" + cgroups[active].getFileName() + "\"", "tcp", "sport", "!=",
                    Integer.toString(cut.port), "drop");
            long cutAt = System.nanoTime();
            long takeoverMillis;
            try {
                assertEquals(2, RbdGatewayFailoverTest.connected(g1), "rsiod's paths to both gateways are up");
                survivor.await("the other gateway takes the image over", Duration.ofSeconds(60),
                        () -> count(logOf(survivor), OWNS) > ownedBefore);
                takeoverMillis = (System.nanoTime() - cutAt) / 1_000_000;
                String cutLog = logOf(cut);
                assertTrue(cutLog.contains("the Ceph cluster did not answer within"), cutLog);
                Thread.sleep(5000); // fio goes on through the survivor while the cut lasts
                assertEquals(2, RbdGatewayFailoverTest.connected(g1), "the cut-off gateway's paths stayed up");
            } finally {
                nft("delete", "table", "inet", table);
            }
            Fio.Result result = load.get(200, TimeUnit.SECONDS);
            ReportFile.line("rbd-cutoff-report.txt", "rbd-cutoff", "RBD gateway cut off from the cluster under fio "
                    + "(16 KiB random writes, QD 16, verified, op timeout 5 s): fio exit %d, error %d, %d I/Os, longest "
                    + "I/O %.0f ms; cut to takeover by the other gateway %d ms", result.exitCode(), result.error(),
                    result.ios(), result.maxLatencyMillis(), takeoverMillis);
            assertEquals(0, result.exitCode(), result.output());
            assertEquals(0, result.error(), result.output());
            assertTrue(result.ios() > 0, result.output());
        } finally {
            Commands.run(Duration.ofSeconds(10), Map.of(), List.of("nft", "delete", "table", "inet", table));
            for (Path cgroup : cgroups) {
                removeCgroup(cgroup);
            }
            try {
                ceph.rbd("rm", "--no-progress", ceph.pool() + "/" + image);
            } catch (AssertionError e) {
                // left in the test cluster, which is deleted at the end
            }
        }
    }

    private static void nft(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("nft"));
        command.addAll(List.of(args));
        ProcessResult r = Commands.run(Duration.ofSeconds(10), Map.of(), command);
        assertEquals(0, r.exitCode(), () -> String.join(" ", command) + "\n" + r);
    }

    /** A cgroup goes once its processes have (the gateways are stopped by then). */
    private static void removeCgroup(Path cgroup) throws InterruptedException {
        for (int i = 0; i < 100 && Files.exists(cgroup); i++) {
            try {
                Files.delete(cgroup);
            } catch (java.io.IOException e) {
                Thread.sleep(100);
            }
        }
    }
}
