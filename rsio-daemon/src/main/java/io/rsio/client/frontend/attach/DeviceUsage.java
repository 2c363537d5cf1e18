package io.rsio.client.frontend.attach;

import io.rsio.nativeio.MountTable;
import io.rsio.nativeio.Processes;
import io.rsio.nativeio.loop.LoopDevice;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Who uses an attached device, found the way an administrator would look: mounts of the loop
 * device in {@code /proc/self/mountinfo}, devices stacked on it ({@code /sys/block/loopN/holders}),
 * processes with the block device or the raw path open ({@code /proc/PID/fd}), and an O_EXCL
 * probe that catches mounts in other mount namespaces.
 */
record DeviceUsage(List<Path> mountPoints, List<String> holders, List<Processes.Opener> openers,
                   boolean heldExclusively) {
    static final DeviceUsage NONE = new DeviceUsage(List.of(), List.of(), List.of(), false);

    static DeviceUsage of(LoopDevice loop, Path rawFile) throws IOException {
        if (loop.backingFile().isEmpty()) {
            return NONE;
        }
        int[] dev = loop.deviceNumber();
        List<Path> mounts = new ArrayList<>();
        for (MountTable.Mount m : MountTable.read()) {
            if (m.isDevice(dev[0], dev[1])) {
                mounts.add(m.mountPoint());
            }
        }
        List<Processes.Opener> openers = Processes.openersOf(List.of(loop.path(), rawFile));
        boolean exclusive = mounts.isEmpty() && loop.holders().isEmpty() && loop.heldExclusively();
        return new DeviceUsage(List.copyOf(mounts), loop.holders(), openers, exclusive);
    }

    boolean inUse() {
        return !mountPoints.isEmpty() || !holders.isEmpty() || !openers.isEmpty() || heldExclusively;
    }

    boolean mounted() {
        return !mountPoints.isEmpty();
    }

    /** "mounted on /mnt/data", "open by pid 812 (dd)", … joined with "; ". */
    String describe() {
        List<String> parts = new ArrayList<>();
        if (!mountPoints.isEmpty()) {
            parts.add("mounted on " + String.join(", ", mountPoints.stream().map(Path::toString).toList()));
        }
        if (!holders.isEmpty()) {
            parts.add("held by " + String.join(", ", holders));
        }
        if (!openers.isEmpty()) {
            parts.add("open by " + String.join(", ", openers.stream().map(Processes.Opener::toString).toList()));
        }
        if (heldExclusively) {
            parts.add("held exclusively (mounted in another mount namespace, or claimed by a driver)");
        }
        return parts.isEmpty() ? "not in use" : String.join("; ", parts);
    }
}
