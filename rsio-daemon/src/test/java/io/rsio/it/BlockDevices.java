package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rsio.nativeio.MountTable;
import io.rsio.nativeio.Posix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The kernel state block device tests look at and clean up: loop devices (sysfs, as losetup
 * shows them) and mounts (/proc/self/mountinfo). Every loop device a test saw is remembered, so
 * cleanup can detach it even after its backing path changed (a lazily unmounted FUSE file shows
 * as "/osl:oracle").
 */
final class BlockDevices {
    static final Duration TOOL_LIMIT = Duration.ofSeconds(60);
    private final TestCluster cluster;
    private final Set<Path> seenLoops = new LinkedHashSet<>();

    BlockDevices(TestCluster cluster) {
        this.cluster = cluster;
    }

    /** These tests need root, /dev/fuse, loop devices and e2fsprogs; skipped without root. */
    /**
     * A cluster whose one volume pair has {@code mib} MiB each (node big-2), server and client
     * running and the path connected: where every block-device test starts.
     */
    static TestCluster startConnectedCluster(java.nio.file.Path dir, int mib) throws Exception {
        requireKernelDevices();
        TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", mib)
                .writeClientConfig("big-2", "0xbig2");
        cluster.startServer();
        cluster.startClient();
        cluster.await("path connected", java.time.Duration.ofSeconds(20),
                () -> cluster.statusShows("connected tx: ok rx: ok"));
        return cluster;
    }

    /** Stops the cluster, then checks that it left no loop device, mount or link (cleaning up either way). */
    void closeClusterAndCheckNothingLeft() throws Exception {
        try {
            cluster.close();
            cleanUp();
            assertNothingLeft();
        } finally {
            cleanUp();
        }
    }

    static void requireKernelDevices() {
        assumeTrue(Posix.geteuid() == 0, "block device tests need root");
        assumeTrue(Files.exists(Path.of("/dev/fuse")) && Files.exists(Path.of("/dev/loop-control")),
                "block device tests need /dev/fuse and /dev/loop-control");
        for (String tool : List.of("mkfs.ext4", "fsck.ext4", "mount", "umount", "losetup", "dd")) {
            Commands.requireTool(tool);
        }
    }

    Path blockLink(String volume) {
        return cluster.devDir().resolve("av0").resolve(volume);
    }

    Path charLink(String volume) {
        return cluster.devDir().resolve("av0").resolve("r" + volume);
    }

    Path fuseDir() {
        return cluster.runDir.resolve("fuse");
    }

    /** The loop device behind a b: link (remembered for cleanup). */
    Path loopOf(String volume) throws IOException {
        Path loop = blockLink(volume).toRealPath();
        seenLoops.add(loop);
        return loop;
    }

    /** A system command that must succeed. */
    ProcessResult run(String... command) throws Exception {
        ProcessResult r = Commands.run(TOOL_LIMIT, cluster.env(), List.of(command));
        assertEquals(0, r.exitCode(), () -> String.join(" ", command) + "\n" + r);
        return r;
    }

    /** A system command that may fail. */
    ProcessResult tryRun(String... command) throws Exception {
        return Commands.run(TOOL_LIMIT, cluster.env(), List.of(command));
    }

    /** Loop devices bound to a file in this cluster's FUSE directory, or to a remembered device's old file. */
    List<String> ourLoops() throws IOException {
        List<String> found = new ArrayList<>();
        String prefix = fuseDir() + "/";
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(Path.of("/sys/block"), "loop*")) {
            for (Path entry : entries) {
                Path backing = entry.resolve("loop").resolve("backing_file");
                if (!Files.exists(backing)) {
                    continue;
                }
                String file = Files.readString(backing, StandardCharsets.UTF_8).trim();
                Path device = Path.of("/dev", entry.getFileName().toString());
                // A lazily unmounted FUSE file shows as "/osl:NAME".
                if (file.startsWith(prefix) || (seenLoops.contains(device) && file.matches("/osl:.*"))) {
                    found.add(device + " (" + file + ")");
                }
            }
        }
        return found;
    }

    /** Mounts at or below the cluster's directory (ext4 test mounts, rsiod's FUSE mount). */
    List<MountTable.Mount> ourMounts() throws IOException {
        return MountTable.read().stream().filter(m -> m.mountPoint().startsWith(cluster.dir)).toList();
    }

    /** What a test must leave behind: nothing attached, nothing mounted, no loop device of ours. */
    void assertNothingLeft() throws Exception {
        assertEquals(List.of(), ourMounts().stream().map(m -> m.mountPoint() + " (" + m.fsType() + ")").toList(),
                "mounts left behind");
        assertEquals(List.of(), ourLoops(), "loop devices left behind");
        assertEquals(false, Files.exists(blockLink("oracle"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    /** Removes whatever a failed test left: unmounts (lazily, deepest first), detaches our loop devices. */
    void cleanUp() {
        try {
            List<MountTable.Mount> mounts = new ArrayList<>(ourMounts());
            mounts.sort(Comparator.comparingInt((MountTable.Mount m) -> m.mountPoint().getNameCount()).reversed());
            for (MountTable.Mount m : mounts) {
                tryRun("umount", "-l", m.mountPoint().toString());
            }
            for (String loop : ourLoops()) {
                tryRun("losetup", "-d", loop.substring(0, loop.indexOf(' ')));
            }
        } catch (Exception e) {
            System.err.println("block device cleanup: " + e);
        }
    }

    /** A file tree with contents from {@code seed}: relative path → bytes. */
    static Map<String, byte[]> tree(long seed) {
        java.util.Random random = new java.util.Random(seed);
        Map<String, byte[]> files = new java.util.TreeMap<>();
        String[] dirs = {"", "etc/", "data/", "data/deep/er/", "logs/"};
        for (int i = 0; i < 24; i++) {
            int size = switch (i % 4) {
                case 0 -> random.nextInt(100);
                case 1 -> 4096 * (1 + random.nextInt(8));
                case 2 -> random.nextInt(300_000);
                default -> 1 << 20 | random.nextInt(1 << 20);
            };
            byte[] data = new byte[size];
            random.nextBytes(data);
            files.put(dirs[i % dirs.length] + "file-" + i + ".bin", data);
        }
        return files;
    }

    static void writeTree(Path root, Map<String, byte[]> files) throws IOException {
        for (Map.Entry<String, byte[]> e : files.entrySet()) {
            Path file = root.resolve(e.getKey());
            Files.createDirectories(file.getParent());
            Files.write(file, e.getValue());
        }
    }

    /** SHA-256 of every file under {@code root} but lost+found, by relative path. */
    static Map<String, String> checksums(Path root) throws IOException {
        Map<String, String> sums = new java.util.TreeMap<>();
        try (var walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                String rel = root.relativize(p).toString();
                if (!rel.startsWith("lost+found")) {
                    sums.put(rel, sha256(Files.readAllBytes(p)));
                }
            }
        }
        return sums;
    }

    static Map<String, String> checksums(Map<String, byte[]> files) {
        Map<String, String> sums = new java.util.TreeMap<>();
        files.forEach((k, v) -> sums.put(k, sha256(v)));
        return sums;
    }

    static String sha256(byte[] data) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
