package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rsiod killed with -9 while writes are in flight through its NBD export, {@value #KILLS}
 * times. Each time the crashed daemon leaves its pid file, control socket and NBD sockets
 * behind; a new rsiod must start over them, log in again and export the volume again, and the
 * volume must be consistent: every acknowledged write present, every block an old or a new
 * valid version, nothing torn.
 */
@FaultSuite
class ClientCrashTest {
    static final int KILLS = 5;
    static final int VOLUME_MIB = 8;

    @TempDir
    Path dir;

    @Test
    void rsiodRestartsOverItsStaleFilesAndTheVolumeStaysConsistent() throws Exception {
        SplittableRandom random = new SplittableRandom(System.nanoTime());
        try (TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", VOLUME_MIB)
                .writeClientConfig("big-2", "0xbig2")) {
            cluster.startServer();
            cluster.startClient();
            Path volumeFile = dir.resolve("oracle.img");
            Path control = cluster.runDir.resolve("rsiod.sock");
            WriteLedger ledger = new WriteLedger(VOLUME_MIB * 256);
            for (int kill = 1; kill <= KILLS; kill++) {
                try (NbdTestClient nbd = NbdTestClient.await(cluster.nbdSocket("oracle"), "oracle", Duration.ofSeconds(20));
                     StampedWriter writer = new StampedWriter(nbd, ledger, 32, 32, random.nextLong())) {
                    ServerCrashConsistencyTest.awaitProgress(cluster, ledger, writer, 200 + random.nextInt(400));
                    assertTrue(nbd.inFlight() > 0 || ledger.ackedWrites() > 0);
                    long[] ackedBeforeKill = ledger.ackedSnapshot();
                    int disconnectsBefore = count(cluster.log("rssrv"), "disconnected");
                    cluster.killClient();
                    // The writer sees its connection die; whatever was in flight has an unknown fate.
                    cluster.await("writer noticed the crash", Duration.ofSeconds(10), () -> !writer.running());
                    assertFalse(writer.errors().isEmpty(), "the writer saw no failure although rsiod died");
                    // Let rssrv finish what the dead connection had queued before looking at the file.
                    cluster.await("rssrv saw the client go", Duration.ofSeconds(10),
                            () -> countQuietly(cluster, "disconnected") > disconnectsBefore);
                    Thread.sleep(200);
                    long[] issued = ledger.issuedSnapshot();
                    assertEquals(List.of(), WriteLedger.check(Files.readAllBytes(volumeFile), ackedBeforeKill, issued,
                            "acknowledged"), "after rsiod kill " + kill + ": " + ledger);
                }
                assertTrue(Files.exists(control), "a killed rsiod leaves its control socket behind");
                assertTrue(Files.exists(cluster.nbdSocket("oracle")), "and its NBD sockets");
                cluster.restartClientOverStaleFiles();
                ProcessResult status = cluster.rsconfig("-m", "status");
                assertEquals(0, status.exitCode(), status::toString);
            }
            // A last session writes, flushes and compares everything.
            try (NbdTestClient nbd = NbdTestClient.await(cluster.nbdSocket("oracle"), "oracle", Duration.ofSeconds(20));
                 StampedWriter writer = new StampedWriter(nbd, ledger, 32, 32, random.nextLong())) {
                ServerCrashConsistencyTest.awaitProgress(cluster, ledger, writer, 300);
                assertTrue(writer.stop(Duration.ofSeconds(20)));
                nbd.flush().get();
                assertEquals(List.of(), writer.errors());
                // Blocks whose last write died with rsiod may hold that write or the one before;
                // everything acknowledged since is exact.
                long[] acked = ledger.ackedSnapshot();
                assertEquals(List.of(), WriteLedger.check(Files.readAllBytes(volumeFile), acked,
                        ledger.issuedSnapshot(), "acknowledged"));
                assertArrayEquals(Files.readAllBytes(volumeFile), nbd.read(0, VOLUME_MIB << 20).get());
            }
            String log = cluster.log("rsiod");
            assertTrue(log.contains("removing stale NBD socket"), "stale NBD sockets are replaced");
            System.out.printf("[crash] rsiod killed %d times with writes in flight: %s; restarted over its stale "
                    + "files each time, volume consistent%n", KILLS, ledger);
        }
    }

    /**
     * The launcher, after a crash whose pid was since reused by an unrelated process: the
     * stale pid file must not make it say "already running", and the daemon must come up over
     * the stale sockets; while it runs, a second start is refused.
     */
    @Test
    void launcherStartsOverAStalePidFileWhosePidWasReused() throws Exception {
        try (TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", 8)
                .writeClientConfig("big-2", "0xbig2")) {
            cluster.startServer();
            cluster.startClient();
            NbdTestClient.await(cluster.nbdSocket("oracle"), "oracle", Duration.ofSeconds(20)).close();
            cluster.killClient();
            Process impostor = new ProcessBuilder("sleep", "60").start(); // holds a "reused" pid
            Long launched = null;
            try {
                Files.writeString(cluster.runDir.resolve("rsiod.pid"), impostor.pid() + "\n");
                java.util.Map<String, String> env = new java.util.HashMap<>(cluster.env());
                env.put("RSIO_CLASSPATH", System.getProperty("java.class.path"));
                Path launcher = Path.of(System.getProperty("user.dir")).getParent().resolve("scripts/rsiod");
                ProcessResult start = Commands.run(Duration.ofSeconds(60), env,
                        List.of(launcher.toString(), "-c", cluster.clientConfig.toString()));
                assertEquals(0, start.exitCode(), start::toString);
                assertTrue(start.stdout().startsWith("rsiod started (pid "), start::toString);
                launched = Long.parseLong(Files.readString(cluster.runDir.resolve("rsiod.pid")).trim());
                NbdTestClient.await(cluster.nbdSocket("oracle"), "oracle", Duration.ofSeconds(20)).close();
                ProcessResult again = Commands.run(Duration.ofSeconds(60), env,
                        List.of(launcher.toString(), "-c", cluster.clientConfig.toString()));
                assertEquals(1, again.exitCode(), again::toString);
                assertEquals("rsiod: already running (pid " + launched + ")\n", again.stderr());
            } finally {
                impostor.destroyForcibly();
                if (launched != null) {
                    ProcessHandle.of(launched).ifPresent(ProcessHandle::destroy);
                    ProcessHandle.of(launched).ifPresent(h -> h.onExit().orTimeout(20, TimeUnit.SECONDS).join());
                }
            }
        }
    }

    private static int countQuietly(TestCluster cluster, String text) {
        try {
            return count(cluster.log("rssrv"), text);
        } catch (java.io.IOException e) {
            return 0;
        }
    }

    static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
