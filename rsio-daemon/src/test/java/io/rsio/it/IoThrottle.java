package io.rsio.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A real slow disk for tests: a block cgroup that limits the write IOPS of one device, with
 * processes moved into it. cgroup v2 ({@code io.max}) where the io controller is available,
 * else cgroup v1 ({@code blkio.throttle.write_iops_device}). Synchronous writeback (fdatasync)
 * is issued by the calling thread and throttled in both.
 */
final class IoThrottle implements AutoCloseable {
    private static final Path V2_ROOT = Path.of("/sys/fs/cgroup");
    private static final Path V1_ROOT = Path.of("/sys/fs/cgroup/blkio");
    private final Path group;

    private IoThrottle(Path group) {
        this.group = group;
    }

    /** Whether this host lets a test throttle a device (root, and a v2 io or v1 blkio controller). */
    static boolean available() {
        return ioControllerV2() || Files.exists(V1_ROOT.resolve("blkio.throttle.write_iops_device"));
    }

    private static boolean ioControllerV2() {
        try {
            Path controllers = V2_ROOT.resolve("cgroup.controllers");
            return Files.exists(controllers) && (" " + Files.readString(controllers).strip() + " ").contains(" io ");
        } catch (IOException e) {
            return false;
        }
    }

    /** A new group named {@code name} limiting writes to {@code device} to {@code iops} per second. */
    static IoThrottle create(String name, Path device, int iops) throws IOException {
        String majorMinor = majorMinor(device);
        if (ioControllerV2()) {
            // Fails (EBUSY) where this cgroup holds processes and is not the root, e.g. in a
            // container with its own cgroup namespace; the caller then skips.
            Files.writeString(V2_ROOT.resolve("cgroup.subtree_control"), "+io");
            Path group = Files.createDirectories(V2_ROOT.resolve(name));
            Files.writeString(group.resolve("io.max"), majorMinor + " wiops=" + iops);
            return new IoThrottle(group);
        }
        Path group = Files.createDirectories(V1_ROOT.resolve(name));
        Files.writeString(group.resolve("blkio.throttle.write_iops_device"), majorMinor + " " + iops);
        return new IoThrottle(group);
    }

    /** Moves a process (all its threads) into the group. */
    void add(long pid) throws IOException {
        Files.writeString(group.resolve("cgroup.procs"), Long.toString(pid));
    }

    /** "MAJ:MIN" of a block device, from sysfs. */
    static String majorMinor(Path device) throws IOException {
        Path real = device.toRealPath();
        return Files.readString(Path.of("/sys/class/block", real.getFileName().toString(), "dev")).strip();
    }

    /** Removes the group; its processes must have ended (or been moved) first. */
    @Override
    public void close() throws IOException {
        Files.deleteIfExists(group);
    }
}
