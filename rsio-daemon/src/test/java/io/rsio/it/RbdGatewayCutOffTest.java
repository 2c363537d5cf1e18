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
 * I/O (the stall) goes to target/rbd-cutoff-report.txt. Then the cut heals, the other gateway
 * is killed, and the healed one (fenced while cut off) takes the image back under fio.
 */
@FaultSuite
@Timeout(300)
class RbdGatewayCutOffTest {
    static final String[] ADDRESSES = {"127.0.0.150", "127.0.0.151"};
    /** Where nftables resolves cgroup paths from. */
    static final Path CGROUP_FS = Path.of("/sys/fs/cgroup");

    @TempDir
    Path dir;

    @Test
    void aGatewayCutOffFromTheClusterSendsItsClientsToTheOtherOne() throws Exception {
        Commands.requireTool("nft");
        Commands.requireTool("fio");
        Path cgroupRoot = cgroup2Mount();
        CephTestCluster ceph = CephTestCluster.shared();
        String image = ceph.newImageName("cutoff");
        ceph.rbd("create", "--size", (RbdGatewayFailoverTest.FIO_MIB + 8) + "M", ceph.pool() + "/" + image);
        String unique = "s15cut-" + ProcessHandle.current().pid();
        String table = unique.replace('-', '_');
        Path[] cgroups = {cgroupRoot.resolve(unique + "-gw1"), cgroupRoot.resolve(unique + "-gw2")};
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
                    "\"" + CGROUP_FS.relativize(cgroups[active]) + "\"", "tcp", "sport", "!=",
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
            // Healed, the gateway that was cut off serves again: with the other one killed, rsiod
            // returns to it and it takes the image back (it was fenced meanwhile, and reconnects).
            Thread.sleep(2000);
            assertTrue(!load.isDone(), "fio ended before the heal was tried");
            int ownedByCut = count(logOf(cut), OWNS);
            long killedAt = System.nanoTime();
            survivor.killServer();
            cut.await("the healed gateway takes the image back", Duration.ofSeconds(60),
                    () -> count(logOf(cut), OWNS) > ownedByCut);
            long backMillis = (System.nanoTime() - killedAt) / 1_000_000;
            Fio.Result result = load.get(200, TimeUnit.SECONDS);
            ReportFile.line("rbd-cutoff-report.txt", "rbd-cutoff", "RBD gateway cut off from the cluster under fio "
                    + "(16 KiB random writes, QD 16, verified, op timeout 5 s): fio exit %d, error %d, %d I/Os, longest "
                    + "I/O %.0f ms; cut to takeover by the other gateway %d ms; after the heal, kill -9 of the other "
                    + "to takeover by the healed one %d ms", result.exitCode(), result.error(), result.ios(),
                    result.maxLatencyMillis(), takeoverMillis, backMillis);
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

    /**
     * The cgroup v2 hierarchy's mount: /sys/fs/cgroup on a pure v2 host, /sys/fs/cgroup/unified
     * beside v1 controllers (as on the development container). Our cgroups go right under it,
     * at level 1.
     */
    private static Path cgroup2Mount() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String[] fields = line.split(" ");
            if (fields.length > 2 && fields[2].equals("cgroup2") && Path.of(fields[1]).startsWith(CGROUP_FS)) {
                return Path.of(fields[1]);
            }
        }
        throw new AssertionError("the test needs a cgroup v2 hierarchy mounted under " + CGROUP_FS
                + " (nftables' socket cgroupv2 match resolves paths there); /proc/self/mounts has none");
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
