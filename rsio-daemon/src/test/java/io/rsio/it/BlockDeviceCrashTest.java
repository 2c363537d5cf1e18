package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash consistency through the attached block device (FUSE file + loop device, root only),
 * the twin of {@link ServerCrashConsistencyTest} and {@link ClientCrashTest}: stamped blocks
 * written with O_DIRECT to {@code /dev/loopN}, 16 at a time, fsync as the FLUSH barrier.
 * rssrv is killed with -9 {@value #SERVER_KILLS} times and rsiod {@value #CLIENT_KILLS} times;
 * after each kill the server's volume file is checked block by block against what was
 * acknowledged and issued.
 */
@FaultSuite
class BlockDeviceCrashTest {
    static final int SERVER_KILLS = Integer.getInteger("rsio.crash.kills", 20);
    static final int CLIENT_KILLS = 3;
    static final int VOLUME_MIB = 8;

    @TempDir
    Path dir;
    TestCluster cluster;
    BlockDevices devices;

    @BeforeEach
    void start() throws Exception {
        cluster = BlockDevices.startConnectedCluster(dir, VOLUME_MIB);
        devices = new BlockDevices(cluster);
    }

    @AfterEach
    void stop() throws Exception {
        devices.closeClusterAndCheckNothingLeft();
    }

    @Test
    void everyAcknowledgedWriteToTheBlockDeviceSurvivesKillsOfTheServer() throws Exception {
        SplittableRandom random = new SplittableRandom(Long.getLong("rsio.crash.seed", System.nanoTime()));
        Path loop = attach();
        Path volumeFile = dir.resolve("oracle.img");
        WriteLedger ledger = new WriteLedger(VOLUME_MIB * 256);
        long started = System.nanoTime();
        try (DirectBlockDevice device = new DirectBlockDevice(loop, 16, 8 * StampedBlocks.SIZE);
             StampedWriter writer = new StampedWriter(device, ledger, 16, 32, random.nextLong())) {
            for (int kill = 1; kill <= SERVER_KILLS; kill++) {
                if (kill % 5 != 0) {
                    ServerCrashConsistencyTest.awaitProgress(cluster, ledger, writer, 20 + random.nextInt(200));
                    Thread.sleep(random.nextInt(150));
                } else {
                    Thread.sleep(random.nextInt(300)); // right after the restart, while rsiod logs in again
                }
                long[] ackedBeforeKill = ledger.ackedSnapshot();
                long[] durableBeforeKill = ledger.durableSnapshot();
                cluster.killServer();
                long[] issuedAfterKill = ledger.issuedSnapshot();
                byte[] volume = Files.readAllBytes(volumeFile);
                assertEquals(List.of(), WriteLedger.check(volume, durableBeforeKill, issuedAfterKill,
                        "acknowledged before a completed fsync"), "after kill " + kill + ": " + ledger);
                assertEquals(List.of(), WriteLedger.check(volume, ackedBeforeKill, issuedAfterKill, "acknowledged"),
                        "after kill " + kill + ": " + ledger);
                cluster.startServer();
                assertEquals(List.of(), writer.errors(), "an error reached the writer after kill " + kill);
            }
            ServerCrashConsistencyTest.awaitProgress(cluster, ledger, writer, 50);
            assertTrue(writer.stop(Duration.ofSeconds(30)), "writes still unanswered 30 s after stopping");
            device.flush().get();
            assertEquals(List.of(), writer.errors());
            long[] acked = ledger.ackedSnapshot();
            assertEquals(List.of(), WriteLedger.check(Files.readAllBytes(volumeFile), acked, acked, "acknowledged"));
            assertArrayEquals(Files.readAllBytes(volumeFile), device.read(0, VOLUME_MIB << 20),
                    "the device reads back what the server's file holds");
        }
        System.out.printf("[crash] block device: rssrv killed %d times under O_DIRECT load in %.1f s: %s, no write "
                + "lost, nothing torn%n", SERVER_KILLS, (System.nanoTime() - started) / 1e9, ledger);
        assertEquals(0, cluster.rsconfig("-d", "oracle").exitCode());
    }

    @Test
    void rsiodKilledWithIoInFlightOnTheBlockDeviceRestartsReattachesAndTheVolumeIsConsistent() throws Exception {
        SplittableRandom random = new SplittableRandom(System.nanoTime());
        Path volumeFile = dir.resolve("oracle.img");
        WriteLedger ledger = new WriteLedger(VOLUME_MIB * 256);
        for (int kill = 1; kill <= CLIENT_KILLS; kill++) {
            Path loop = attach();
            try (DirectBlockDevice device = new DirectBlockDevice(loop, 16, 8 * StampedBlocks.SIZE);
                 StampedWriter writer = new StampedWriter(device, ledger, 16, 32, random.nextLong())) {
                ServerCrashConsistencyTest.awaitProgress(cluster, ledger, writer, 200 + random.nextInt(400));
                long[] ackedBeforeKill = ledger.ackedSnapshot();
                int disconnectsBefore = ClientCrashTest.count(cluster.log("rssrv"), "disconnected");
                cluster.killClient();
                // The device fails the writes in flight (EIO), it does not hang them.
                cluster.await("writer saw the device fail", Duration.ofSeconds(15), () -> !writer.running());
                assertFalse(writer.errors().isEmpty(), "the writer saw no failure although rsiod died");
                cluster.await("rssrv saw the client go", Duration.ofSeconds(10),
                        () -> ClientCrashTest.count(logOf("rssrv"), "disconnected") > disconnectsBefore);
                Thread.sleep(200);
                assertEquals(List.of(), WriteLedger.check(Files.readAllBytes(volumeFile), ackedBeforeKill,
                        ledger.issuedSnapshot(), "acknowledged"), "after rsiod kill " + kill + ": " + ledger);
            }
            assertEquals(1, devices.ourLoops().size(), "the crash left its loop device");
            // A new rsiod starts over the stale pid file, control socket, FUSE mount and loop device.
            cluster.restartClientOverStaleFiles();
            assertEquals(List.of(), devices.ourLoops(), "stale loop device removed at start");
            assertFalse(devices.ourMounts().stream().anyMatch(m -> m.fsType().equals("fuse.rsio")), "stale mount gone");
            assertFalse(Files.exists(devices.blockLink("oracle"), LinkOption.NOFOLLOW_LINKS), "stale link removed");
            cluster.await("path connected", Duration.ofSeconds(20),
                    () -> cluster.statusShows("connected tx: ok rx: ok"));
        }
        // Attached again, a last session writes, flushes and compares everything.
        Path loop = attach();
        try (DirectBlockDevice device = new DirectBlockDevice(loop, 16, 8 * StampedBlocks.SIZE);
             StampedWriter writer = new StampedWriter(device, ledger, 16, 32, random.nextLong())) {
            ServerCrashConsistencyTest.awaitProgress(cluster, ledger, writer, 300);
            assertTrue(writer.stop(Duration.ofSeconds(20)));
            device.flush().get();
            assertEquals(List.of(), writer.errors());
            long[] acked = ledger.ackedSnapshot();
            assertEquals(List.of(), WriteLedger.check(Files.readAllBytes(volumeFile), acked, ledger.issuedSnapshot(),
                    "acknowledged"));
            assertArrayEquals(Files.readAllBytes(volumeFile), device.read(0, VOLUME_MIB << 20));
        }
        assertTrue(cluster.log("rsiod").contains("left by a previous rsiod"), cluster.log("rsiod"));
        System.out.printf("[crash] block device: rsiod killed %d times with O_DIRECT writes in flight: %s; restarted "
                + "over its stale loop device, FUSE mount and sockets, re-attached, volume consistent%n", CLIENT_KILLS,
                ledger);
        assertEquals(0, cluster.rsconfig("-d", "oracle").exitCode());
    }

    /** rsconfig -a oracle; the loop device behind it. */
    private Path attach() throws Exception {
        ProcessResult attached = cluster.rsconfig("-a", "oracle");
        assertEquals(0, attached.exitCode(), () -> attached + "\n--- rsiod.log\n" + logOf("rsiod"));
        return devices.loopOf("oracle");
    }

    private String logOf(String daemon) {
        try {
            return cluster.log(daemon);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
