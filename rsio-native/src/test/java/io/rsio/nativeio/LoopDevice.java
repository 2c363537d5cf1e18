package io.rsio.nativeio;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.util.Optional;

/** A loop block device over a backing file, for one test (needs root); detached on close. */
final class LoopDevice implements AutoCloseable {
    private final Path device;

    private LoopDevice(Path device) {
        this.device = device;
    }

    static LoopDevice attach(Path backingFile) {
        Optional<String> device = SystemCommands.run("losetup", "--find", "--show", backingFile.toString());
        assumeTrue(device.isPresent() && device.get().startsWith("/dev/loop"),
                "cannot attach a loop device here (no losetup, not root, or no free loop device)");
        return new LoopDevice(Path.of(device.get()));
    }

    Path device() {
        return device;
    }

    @Override
    public void close() {
        SystemCommands.run("losetup", "--detach", device.toString());
    }
}
