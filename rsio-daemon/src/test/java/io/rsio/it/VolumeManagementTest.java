package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file system that can grow while mounted. ext4 grows online through an ioctl that needs
 * CAP_SYS_RESOURCE (the kernel answers EPERM without it, root or not), so where the test runs
 * without that capability (some containers) it uses XFS, whose online growth needs
 * CAP_SYS_ADMIN: either way a mounted file system grows on the attached device.
 */
record GrowableFs(String name, List<String> mkfs, boolean growsByMountPoint, List<String> grow,
                  String snapshotMountOptions, long sizeBefore, long sizeAfter) {
    static GrowableFs forThisHost() throws Exception {
        String status = Files.readString(Path.of("/proc/self/status"));
        long capEff = Long.parseLong(status.lines().filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow()
                .substring(7).strip(), 16);
        boolean sysResource = (capEff & (1L << 24)) != 0;
        return sysResource
                ? new GrowableFs("ext4", List.of("mkfs.ext4", "-q", "-F", "-E", "lazy_itable_init=0,lazy_journal_init=0"), false, List.of("resize2fs"), "ro,noload",
                        64L << 20, 128L << 20)
                : new GrowableFs("xfs", List.of("mkfs.xfs", "-q", "-f"), true, List.of("xfs_growfs"),
                        "ro,norecovery,nouuid", 320L << 20, 448L << 20);
    }
}

/**
 * Volume management end to end (root; docs/VOLUMES.md): rsconfig on a real rsiod asks a real
 * rssrv whose pool is an XFS file system made with reflink=1 in a loop-backed file. A volume is
 * created, attached, made ext4, filled, grown while mounted and resize2fs'ed online, snapshot,
 * written to again; the snapshot attached read-only holds exactly the files of its moment.
 */
class VolumeManagementTest {
    private GrowableFs fs;
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    /** The XFS file system lives outside the cluster's directory: its mount is not the cluster's. */
    Path xfsDir;
    Path pool;
    TestCluster cluster;
    BlockDevices devices;

    @BeforeEach
    void start() throws Exception {
        BlockDevices.requireKernelDevices();
        for (String tool : List.of("mkfs.xfs", "xfs_growfs", "resize2fs", "fsfreeze", "du", "truncate")) {
            Commands.requireTool(tool);
        }
        fs = GrowableFs.forThisHost();
        xfsDir = Files.createTempDirectory("rsio-volmgmt-xfs");
        Path image = xfsDir.resolve("xfs.img");
        pool = Files.createDirectories(xfsDir.resolve("pool"));
        run("truncate", "-s", "2G", image.toString());
        run("mkfs.xfs", "-q", "-m", "reflink=1", image.toString());
        run("mount", "-o", "loop", image.toString(), pool.toString());

        cluster = new TestCluster(dir).writeServerConfigWithVolumes("big-2 0xbig2", """
                [pool fast]
                path     = %s
                quota    = 1G
                create   = big-2
                grow     = big-2
                snapshot = big-2
                copy     = big-2
                """.formatted(pool)).writeClientConfig("big-2", "0xbig2");
        cluster.startServer();
        cluster.startClient();
        cluster.await("path connected", LIMIT, () -> cluster.statusShows("connected tx: ok rx: ok"));
        devices = new BlockDevices(cluster);
    }

    @AfterEach
    void stop() throws Exception {
        try {
            // A failed test may leave file systems mounted: unmount them while rsiod still serves them.
            for (String mount : List.of("snap", "mnt")) {
                Commands.run(LIMIT, Map.of(), List.of("umount", dir.resolve(mount).toString()));
            }
            if (devices != null) {
                devices.closeClusterAndCheckNothingLeft();
            } else if (cluster != null) {
                cluster.close();
            }
        } finally {
            if (xfsDir != null) {
                Commands.run(LIMIT, Map.of(), List.of("umount", pool.toString()));
                Commands.run(LIMIT, Map.of(), List.of("rm", "-rf", xfsDir.toString()));
            }
        }
    }

    @Test
    void createGrowOnlineSnapshotAndAttachTheSnapshot() throws Exception {
        Path mnt = Files.createDirectories(dir.resolve("mnt"));
        Path snapMnt = Files.createDirectories(dir.resolve("snap"));

        String created = rsconfig(0, "-C", "data", size(fs.sizeBefore())).stdout();
        assertTrue(created.contains("osl:data: created data in pool fast: " + size(fs.sizeBefore())
                + " thin on server big-9"), created);
        String listed = rsconfig(0, "-q").stdout();
        assertTrue(listed.contains(" data "), "rsconfig -q lists the new volume at once:\n" + listed);
        rsconfig(0, "-a", "data");
        Path loop = devices.loopOf("data");
        Path b = devices.blockLink("data");
        List<String> mkfs = new java.util.ArrayList<>(fs.mkfs());
        mkfs.add(b.toString());
        devices.run(mkfs.toArray(String[]::new));
        devices.run("mount", b.toString(), mnt.toString());
        Map<String, byte[]> before = BlockDevices.tree(14);
        BlockDevices.writeTree(mnt, before);
        devices.run("sync");

        // Grow while mounted: the loop device follows, resize2fs (xfs_growfs) grows the mounted file system.
        long fsBefore = fsBytes(mnt);
        String grew = rsconfig(0, "-G", "data", size(fs.sizeAfter())).stdout();
        assertTrue(grew.contains("grew data from " + size(fs.sizeBefore()) + " to " + size(fs.sizeAfter())), grew);
        cluster.await("the loop device has the new size", LIMIT, () -> deviceSize(loop) == fs.sizeAfter());
        List<String> grow = new java.util.ArrayList<>(fs.grow());
        grow.add(fs.growsByMountPoint() ? mnt.toString() : b.toString());
        devices.run(grow.toArray(String[]::new));
        long fsAfter = fsBytes(mnt);
        long added = fs.sizeAfter() - fs.sizeBefore();
        assertTrue(fsAfter > fsBefore + added * 3 / 4, fs.name() + " grew online from " + fsBefore + " to " + fsAfter);

        // Snapshot (reflink on XFS) of the frozen file system (consistent, its journal clean), then change the origin.
        devices.run("fsfreeze", "-f", mnt.toString());
        String snap;
        String backup;
        try {
            snap = rsconfig(0, "-S", "data", "data.snap").stdout();
            backup = rsconfig(0, "-B", "data", "frozen.raw").stdout(); // LAN-less backup, a reflink here too
        } finally {
            devices.run("fsfreeze", "-u", mnt.toString());
        }
        assertTrue(snap.contains("snapshot data.snap of data made (reflink"), snap);
        assertTrue(backup.contains("copy of data to file frozen.raw made (reflink"), backup);
        assertEquals(-1, Files.mismatch(pool.resolve("frozen.raw"), pool.resolve("data.snap.img")),
                "the backup and the snapshot of one frozen moment are the same bytes");
        Map<String, byte[]> after = BlockDevices.tree(15);
        BlockDevices.writeTree(mnt.resolve("after"), after);
        Files.delete(mnt.resolve(before.keySet().iterator().next()));
        devices.run("sync");

        // The snapshot is a read-only volume; attached, it holds exactly the files of its moment.
        String qv = rsconfig(0, "-qv").stdout();
        assertTrue(qv.lines().anyMatch(l -> l.contains(" data.snap ") && l.contains(" ro ")), qv);
        rsconfig(0, "-a", "data.snap");
        devices.loopOf("data.snap");
        devices.run("mount", "-o", fs.snapshotMountOptions(), devices.blockLink("data.snap").toString(),
                snapMnt.toString());
        assertEquals(BlockDevices.checksums(before), BlockDevices.checksums(snapMnt));
        TreeMap<String, byte[]> now = new TreeMap<>(before);
        now.remove(before.keySet().iterator().next());
        after.forEach((k, v) -> now.put("after/" + k, v));
        assertEquals(BlockDevices.checksums(now), BlockDevices.checksums(mnt), "the origin went on changing");
        devices.run("umount", snapMnt.toString());
        devices.run("umount", mnt.toString());

        // Allocated vs provisioned, as du shows the files on the server.
        devices.run("sync");
        String view = rsconfig(0, "-qvv").stdout();
        for (String volume : List.of("data", "data.snap")) {
            Matcher m = Pattern.compile(" " + Pattern.quote(volume) + " .*allocated .* \\((\\d+) of (\\d+) bytes\\)")
                    .matcher(view);
            assertTrue(m.find(), view);
            assertEquals(du(pool.resolve(volume + ".img")), Long.parseLong(m.group(1)), volume + "\n" + view);
            assertEquals(fs.sizeAfter(), Long.parseLong(m.group(2)), volume + "\n" + view);
            assertTrue(Long.parseLong(m.group(1)) < fs.sizeAfter(), "thin: " + view);
        }
        assertTrue(view.contains("snapshot of data"), view);

        // No right to delete in this pool: refused by name, nothing changes.
        rsconfig(0, "-d", "data.snap");
        ProcessResult refused = rsconfig(1, "-D", "data.snap");
        assertTrue(refused.stderr().contains("client big-2 lacks the right \"delete\" in pool fast"), refused.stderr());
        assertTrue(Files.exists(pool.resolve("data.snap.vol")) && Files.exists(pool.resolve("data.snap.img")));
        // Shrinking an attached volume is refused by rsiod, naming the device.
        ProcessResult shrink = rsconfig(1, "-G", "data", "16M");
        assertTrue(shrink.stderr().contains("osl:data not shrunk: it is attached here as " + devices.blockLink("data")),
                shrink.stderr());
        rsconfig(0, "-d");
    }

    @Test
    void aSnapshotOnAPoolWithoutReflinksIsABackgroundCopy() throws Exception {
        Path plain = Files.createDirectories(dir.resolve("plain"));
        cluster.stopServerGracefully();
        Files.writeString(cluster.serverConfig, Files.readString(cluster.serverConfig)
                + "\n[pool plain]\npath = " + plain + "\ncreate = big-2\nsnapshot = big-2\n");
        cluster.startServer();
        cluster.await("path connected", LIMIT, () -> cluster.statusShows("connected tx: ok rx: ok"));
        rsconfig(0, "-C", "osl:small", "8M", "-p", "plain");
        // No reflinks on ext4: the snapshot is a background copy that rsconfig follows to its end.
        ProcessResult r = rsconfig(0, "-S", "small", "small.snap");
        assertTrue(r.stdout().contains("snapshot small.snap of small started") && r.stdout().contains(
                "snapshot small.snap done"), r.stdout());
        assertTrue(Files.readString(plain.resolve("small.snap.vol")).contains("readonly = yes"));
        cluster.await("small.snap listed", LIMIT, () -> uncheckQuery().contains("small.snap"));
    }

    private static String size(long bytes) {
        return io.rsio.config.ConfigValues.formatSize(bytes);
    }

    private ProcessResult rsconfig(int expectedExit, String... args) throws Exception {
        ProcessResult r = cluster.rsconfig(args);
        assertEquals(expectedExit, r.exitCode(), () -> "rsconfig " + String.join(" ", args) + "\n" + r
                + "\n--- rssrv.log\n" + uncheckLog("rssrv") + "\n--- rsiod.log\n" + uncheckLog("rsiod"));
        return r;
    }

    private String uncheckQuery() {
        try {
            return cluster.rsconfig("-q").stdout();
        } catch (Exception e) {
            return "";
        }
    }

    private String uncheckLog(String daemon) {
        try {
            return cluster.log(daemon);
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static void run(String... command) throws Exception {
        ProcessResult r = Commands.run(LIMIT, Map.of(), List.of(command));
        assertEquals(0, r.exitCode(), () -> String.join(" ", command) + "\n" + r);
    }

    private static long du(Path file) throws Exception {
        ProcessResult r = Commands.run(LIMIT, Map.of(), List.of("du", "-B1", file.toString()));
        assertEquals(0, r.exitCode(), r.toString());
        return Long.parseLong(r.stdout().split("\\s+")[0]);
    }

    private static long fsBytes(Path mount) throws Exception {
        ProcessResult r = Commands.run(LIMIT, Map.of(), List.of("df", "-B1", "--output=size", mount.toString()));
        assertEquals(0, r.exitCode(), r.toString());
        return Long.parseLong(r.stdout().lines().skip(1).findFirst().orElseThrow().strip());
    }

    private static long deviceSize(Path loop) {
        try {
            return deviceSizeOf(loop);
        } catch (Exception e) {
            return -1;
        }
    }

    private static long deviceSizeOf(Path loop) throws Exception {
        return Long.parseLong(Files.readString(Path.of("/sys/block", loop.getFileName().toString(), "size")).trim())
                * 512;
    }
}
