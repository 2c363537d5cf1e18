package io.rsio.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, probe 1: rsconfig from the checkout, run by a user who cannot write (or even read)
 * the class-data archive root made, prints its own one-line message and nothing of the JVM's,
 * also when the jars changed since the archive was made.
 */
class CheckoutLauncherCdsTest {
    @TempDir
    Path dir;

    @Test
    void nonRootAfterRootSeesOnlyRsconfigsMessage() throws Exception {
        assumeTrue(System.getProperty("user.name").equals("root"), "needs root to act as root, then as nobody");
        Path rsconfig = OptionDriftTest.ROOT.resolve("scripts/rsconfig");
        assumeTrue(Run.of(Duration.ofSeconds(30), "su", "nobody", "-s", "/bin/sh", "-c", "test -r " + rsconfig).ok(),
                "nobody can read the checkout");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Map<String, String> env = Map.of("RSIO_RUN_DIR", dir.toString());
        String expected = "rsconfig: rsiod is not running (no control socket " + dir.resolve("rsiod.sock") + ")\n";

        Run asRoot = Run.of(Duration.ofMinutes(2), env, rsconfig.toString(), "-q");
        assertEquals(expected, asRoot.stderr(), asRoot::toString);
        Path archive = OptionDriftTest.ROOT.resolve("rsio-daemon/target/cds/rsconfig.jsa");
        assumeTrue(Files.exists(archive), "the launcher made its archive");
        for (String mode : new String[] {"rw-------", "rw-r--r--"}) {
            Files.setPosixFilePermissions(archive, PosixFilePermissions.fromString(mode));
            Run asNobody = Run.of(Duration.ofMinutes(2), env, "su", "nobody", "-s", "/bin/sh", "-c", rsconfig + " -q");
            assertEquals(1, asNobody.exitCode(), asNobody::toString);
            assertEquals(expected, asNobody.stderr(), "archive " + mode + ": " + asNobody);
        }
        // A stale archive (the jars rebuilt since): the JVM must stay as quiet.
        Path jar;
        try (var jars = Files.list(OptionDriftTest.ROOT.resolve("rsio-daemon/target"))) {
            jar = jars.filter(p -> p.getFileName().toString().matches("rsio-daemon-.*\\.jar")).findFirst().orElseThrow();
        }
        Files.setLastModifiedTime(jar, FileTime.from(Instant.now()));
        Run stale = Run.of(Duration.ofMinutes(2), env, "su", "nobody", "-s", "/bin/sh", "-c", rsconfig + " -q");
        assertEquals(expected, stale.stderr(), stale::toString);
    }
}
