package io.rsio.server.store;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Test fixtures that need root: a tiny tmpfs and a loop device. Tests are skipped without them. */
final class RootOnly {
    private RootOnly() {}

    /** Mounts a tmpfs of {@code size} (e.g. "1M") on the empty directory {@code dir}. */
    static AutoCloseable tmpfs(Path dir, String size) {
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "rsio-test", dir.toString())
                .isPresent(), "cannot mount a tmpfs here");
        return () -> {
            if (run("umount", dir.toString()).isEmpty()) {
                run("umount", "-l", dir.toString());
            }
        };
    }

    /** A loop device over {@code backingFile}; detached when the returned handle is closed. */
    record Loop(Path device) implements AutoCloseable {
        static Loop attach(Path backingFile) {
            Optional<String> device = run("losetup", "--find", "--show", backingFile.toString());
            assumeTrue(device.isPresent() && device.get().startsWith("/dev/loop"), "cannot attach a loop device");
            return new Loop(Path.of(device.get()));
        }

        @Override
        public void close() {
            run("losetup", "--detach", device.toString());
        }
    }

    private static Optional<String> run(String... command) {
        try {
            Process p = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.exitValue() == 0 ? Optional.of(out) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
