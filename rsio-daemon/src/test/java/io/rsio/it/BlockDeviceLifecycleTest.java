package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Block devices across rsiod's life (root only): stopping with devices attached, SIGTERM with a
 * mounted device, a crash and the next start's cleanup, and growth of a volume on the server.
 * Each test has its own rssrv and rsiod.
 */
class BlockDeviceLifecycleTest {
    @TempDir
    Path dir;
    TestCluster cluster;
    BlockDevices devices;

    @BeforeEach
    void start() throws Exception {
        cluster = BlockDevices.startConnectedCluster(dir, 32);
        devices = new BlockDevices(cluster);
    }

    @AfterEach
    void stop() throws Exception {
        devices.closeClusterAndCheckNothingLeft();
    }

    private ProcessResult rsconfig(int expectedExit, String... args) throws Exception {
        ProcessResult r = cluster.rsconfig(args);
        assertEquals(expectedExit, r.exitCode(), () -> "rsconfig " + String.join(" ", args) + "\n" + r
                + "\n--- rsiod.log\n" + log());
        return r;
    }

    private String log() {
        try {
            return cluster.log("rsiod");
        } catch (Exception e) {
            return e.toString();
        }
    }

    private void awaitClientExit() throws Exception {
        cluster.await("rsiod exited", Duration.ofSeconds(20), () -> !cluster.clientAlive());
    }

    @Test
    void stopIsRefusedWhileADeviceIsMountedAndDetachesEverythingOtherwise() throws Exception {
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        rsconfig(0, "-a");
        devices.loopOf("oracle");
        devices.loopOf("S10_oracle");
        Path b = devices.blockLink("oracle");
        devices.run("mkfs.ext4", "-q", "-F", b.toString());
        devices.run("mount", b.toString(), mnt.toString());

        ProcessResult refused = rsconfig(1, "--stop");
        assertTrue(refused.stderr().contains(b + " (osl:oracle) is mounted on " + mnt), refused.stderr());
        assertTrue(cluster.clientAlive(), "rsiod keeps running");
        assertEquals(2, rsconfig(0, "-l").stdout().lines().count(), "both devices still attached");

        devices.run("umount", mnt.toString());
        ProcessResult stopped = rsconfig(0, "--stop");
        assertTrue(stopped.stdout().contains("osl:oracle detached"), stopped.stdout());
        assertTrue(stopped.stdout().contains("rsiod stopping"), stopped.stdout());
        awaitClientExit();
        assertTrue(log().contains("rsiod stopped"), log());
        devices.assertNothingLeft();
    }

    @Test
    void sigtermWithAMountedDeviceDetachesTheRestAndNeverLeavesAHungDevice() throws Exception {
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        rsconfig(0, "-a");
        Path loop = devices.loopOf("oracle");
        devices.loopOf("S10_oracle");
        Path b = devices.blockLink("oracle");
        devices.run("mkfs.ext4", "-q", "-F", b.toString());
        devices.run("mount", b.toString(), mnt.toString());
        Files.writeString(mnt.resolve("before-stop"), "synced by rsiod on its way out");

        cluster.stopClientGracefully(); // SIGTERM; fails the test if rsiod takes over 20 s
        String log = log();
        assertTrue(log.contains("rsiod is stopping while osl:oracle"), log);
        assertTrue(log.contains("is mounted on " + mnt), log);
        assertTrue(log.contains("detached osl:S10_oracle"), "the unused device was detached cleanly:\n" + log);
        assertFalse(Files.exists(devices.blockLink("S10_oracle"), LinkOption.NOFOLLOW_LINKS));

        // The mounted device fails at once instead of hanging, and goes away with the mount.
        ProcessResult read = devices.tryRun("dd", "if=" + loop, "of=/dev/null", "bs=4096", "count=1", "iflag=direct");
        assertNotEquals(0, read.exitCode(), "I/O on the orphaned device fails: " + read);
        assertTrue(read.stderr().contains("Input/output error"), read.stderr());
        devices.run("umount", mnt.toString());
        cluster.await("loop device released after the unmount", Duration.ofSeconds(30),
                () -> uncheck(() -> devices.ourLoops().isEmpty()));

        // The file written before SIGTERM was synced to the volume: attach again and read it.
        cluster.startClient();
        cluster.await("path connected", Duration.ofSeconds(20), () -> cluster.statusShows("connected tx: ok rx: ok"));
        rsconfig(0, "-a", "oracle");
        devices.loopOf("oracle");
        devices.run("mount", b.toString(), mnt.toString());
        assertEquals("synced by rsiod on its way out", Files.readString(mnt.resolve("before-stop")));
        devices.run("umount", mnt.toString());
        rsconfig(0, "-d");
    }

    @Test
    void afterACrashTheNextRsiodCleansUpAndAttachesAgain() throws Exception {
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        rsconfig(0, "-a");
        Path loopOracle = devices.loopOf("oracle");
        devices.loopOf("S10_oracle");
        Path b = devices.blockLink("oracle");
        devices.run("mkfs.ext4", "-q", "-F", b.toString());
        devices.run("mount", b.toString(), mnt.toString());
        Files.writeString(mnt.resolve("before-crash"), "durable");
        devices.run("sync");
        devices.run("umount", mnt.toString());

        cluster.killClient(); // SIGKILL: nothing cleaned up
        ProcessResult read = devices.tryRun("dd", "if=" + loopOracle, "of=/dev/null", "bs=4096", "count=1",
                "iflag=direct");
        assertNotEquals(0, read.exitCode(), "the dead daemon's device fails with EIO, it does not hang");
        assertEquals(2, devices.ourLoops().size(), "the crash left both loop devices");
        assertTrue(devices.ourMounts().stream().anyMatch(m -> m.fsType().equals("fuse.rsio")), "and the FUSE mount");

        Files.deleteIfExists(cluster.runDir.resolve("rsiod.pid"));
        cluster.startClient();
        assertEquals(List.of(), devices.ourLoops(), "stale loop devices removed at start");
        assertFalse(devices.ourMounts().stream().anyMatch(m -> m.fsType().equals("fuse.rsio")), "stale mount gone");
        assertFalse(Files.exists(b, LinkOption.NOFOLLOW_LINKS), "stale link removed");
        assertTrue(log().contains("left by a previous rsiod"), log());

        rsconfig(0, "-a", "oracle");
        devices.loopOf("oracle");
        devices.run("mount", b.toString(), mnt.toString());
        assertEquals("durable", Files.readString(mnt.resolve("before-crash")));
        devices.run("umount", mnt.toString());
        rsconfig(0, "-d");
    }

    @Test
    void aReloadThatWouldLeaveAnAttachedDeviceWithoutAPathIsRefused() throws Exception {
        rsconfig(0, "-a", "oracle");
        Path loop = devices.loopOf("oracle");
        String config = Files.readString(cluster.clientConfig);
        // The only server interface moves to an address where nothing listens: its path would close.
        String moved = config.replace("[server big-9-1]\naddress       = 127.0.0.1", "[server big-9-1]\naddress       = 127.0.0.9");
        assertNotEquals(config, moved);
        Files.writeString(cluster.clientConfig, moved);
        var response = new io.rsio.control.ControlClient(cluster.runDir.resolve("rsiod.sock")).call("reload");
        assertTrue(response.ok(), response::error);
        var rows = response.rows(io.rsio.control.ControlRows.ReloadRow.class);
        assertTrue(rows.stream().anyMatch(r -> r.action().equals("refused")
                && r.change().contains(devices.blockLink("oracle") + " would lose its last path; detach it first")),
                rows::toString);
        assertTrue(cluster.statusShows("connected tx: ok rx: ok"), "the running path stays");
        devices.run("dd", "if=" + loop, "of=/dev/null", "bs=4096", "count=1", "iflag=direct");

        rsconfig(0, "-d");
        var afterDetach = new io.rsio.control.ControlClient(cluster.runDir.resolve("rsiod.sock")).call("reload");
        assertTrue(afterDetach.rows(io.rsio.control.ControlRows.ReloadRow.class).stream()
                .noneMatch(r -> r.action().equals("refused")), afterDetach::toString);
    }

    @Test
    void growthOnTheServerReachesTheAttachedDevice() throws Exception {
        rsconfig(0, "-a", "oracle");
        Path loop = devices.loopOf("oracle");
        assertEquals(32L << 20, deviceSize(loop));
        cluster.stopServerGracefully();
        cluster.writeServerConfig("big-2 0xbig2", 48); // rssrv grows the file to the configured size
        cluster.startServer();
        long blocks = (48L << 20) / 512;
        cluster.await("rsconfig -lv shows the new size", Duration.ofSeconds(30),
                () -> uncheck(() -> cluster.rsconfig("-lv").stdout().contains(blocks + " blocks")));
        cluster.await("the loop device has the new size", Duration.ofSeconds(10),
                () -> uncheck(() -> deviceSize(loop) == 48L << 20));
        // the line is written just after the loop device takes the new size: wait for it too
        cluster.await("the log tells of the growth", Duration.ofSeconds(10),
                () -> uncheck(() -> log().contains("osl:oracle grew on the server from 33554432 to 50331648 bytes")));
        ProcessResult dd = devices.run("dd", "if=/dev/zero", "of=" + devices.blockLink("oracle"), "bs=1M", "seek=40",
                "count=8", "oflag=direct", "conv=notrunc");
        assertTrue(dd.stderr().contains("8388608 bytes"), dd.stderr());
        rsconfig(0, "-d");
    }

    private long deviceSize(Path loop) throws Exception {
        return Long.parseLong(Files.readString(Path.of("/sys/block", loop.getFileName().toString(), "size")).trim())
                * 512;
    }

    private interface Check {
        boolean get() throws Exception;
    }

    private static boolean uncheck(Check check) {
        try {
            return check.get();
        } catch (Exception e) {
            return false;
        }
    }
}
