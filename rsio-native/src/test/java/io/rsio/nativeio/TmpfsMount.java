package io.rsio.nativeio;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;

/** A small tmpfs mounted for one test (needs root); unmounted on close. */
final class TmpfsMount implements AutoCloseable {
    private final Path dir;

    private TmpfsMount(Path dir) {
        this.dir = dir;
    }

    /** Mounts a tmpfs of {@code size} (mount syntax, e.g. "1M") on the empty directory {@code dir}. */
    static TmpfsMount mount(Path dir, String size) {
        boolean mounted = SystemCommands.run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700",
                "rsio-test", dir.toString()).isPresent();
        assumeTrue(mounted, "cannot mount a tmpfs here (not root, or not permitted)");
        return new TmpfsMount(dir);
    }

    Path dir() {
        return dir;
    }

    @Override
    public void close() {
        if (SystemCommands.run("umount", dir.toString()).isEmpty()) {
            // A file still open keeps it busy; detach lazily so the test run leaves nothing behind.
            SystemCommands.run("umount", "-l", dir.toString());
        }
    }
}
