package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon launchers run rssrv and rsiod from private copies of the jars
 * ({@code rsio_snapshot_classpath} in scripts/lib/java.sh), so rebuilding the checkout under a
 * running daemon cannot take classes from it: before, a rebuild made rsiod's next detach fail
 * with NoClassDefFoundError and left its loop device behind. Runs the launcher's own function.
 */
@Timeout(60)
class LauncherClasspathTest {
    @TempDir
    Path dir;

    @Test
    void aJarRewrittenInPlaceLeavesTheRunningCopyAloneAndTheNextStartTakesTheNewOne() throws Exception {
        Path a = Files.write(dir.resolve("a.jar"), bytes("first build of a"));
        Path b = Files.write(dir.resolve("b.jar"), bytes("b, never rebuilt"));
        Path copies = dir.resolve("run/classpath");

        List<Path> first = snapshot(copies, a + ":" + b);
        assertEquals(2, first.size());
        assertTrue(first.get(0).getFileName().toString().matches("a-[0-9a-f]{16}\\.jar"), first.toString());
        assertTrue(first.get(1).getFileName().toString().matches("b-[0-9a-f]{16}\\.jar"), first.toString());
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(first.get(0)));
        assertArrayEquals(Files.readAllBytes(b), Files.readAllBytes(first.get(1)));

        // A daemon runs from the first copies (its command line names them). Maven rewrites a.jar
        // in place: same file, new bytes.
        Process daemon = new ProcessBuilder("tail", "-f", first.get(0).toString(), first.get(1).toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Files.write(a, bytes("second build of a, longer"), StandardOpenOption.TRUNCATE_EXISTING);
            assertArrayEquals(bytes("first build of a"), Files.readAllBytes(first.get(0)),
                    "the running daemon's copy must not change");

            // The next daemon start gets the new a and the same b; the old a stays while in use.
            List<Path> second = snapshot(copies, a + ":" + b);
            assertNotEquals(first.get(0), second.get(0));
            assertEquals(first.get(1), second.get(1), "an unchanged jar keeps its name (and the CDS archive its validity)");
            assertArrayEquals(bytes("second build of a, longer"), Files.readAllBytes(second.get(0)));
            assertTrue(Files.exists(first.get(0)), "a copy a live process runs from is kept");
        } finally {
            daemon.destroy();
            daemon.waitFor(10, TimeUnit.SECONDS);
        }

        // Once no process uses it, the next start removes it.
        List<Path> third = snapshot(copies, a + ":" + b);
        assertFalse(Files.exists(first.get(0)), "an unused old copy is removed");
        try (var files = Files.list(copies)) {
            assertEquals(2, files.count());
        }
        assertEquals(third, snapshot(copies, a + ":" + b), "nothing changed, nothing copied");
    }

    @Test
    void anUnwritableRunDirectoryIsAnError() throws Exception {
        Path a = Files.write(dir.resolve("a.jar"), bytes("a"));
        Path file = Files.write(dir.resolve("not-a-directory"), bytes("x"));
        ProcessResult r = run(file.resolve("classpath"), a.toString());
        assertNotEquals(0, r.exitCode(), r.toString());
    }

    private List<Path> snapshot(Path copies, String classpath) throws Exception {
        ProcessResult r = run(copies, classpath);
        assertEquals(0, r.exitCode(), r.toString());
        return Arrays.stream(r.stdout().strip().split(":")).map(Path::of).toList();
    }

    private static ProcessResult run(Path copies, String classpath) throws IOException, InterruptedException {
        // RSIO_CLASSPATH makes sourcing the launcher library skip its build-if-needed step.
        return Commands.run(Duration.ofSeconds(30), Map.of("RSIO_CLASSPATH", "unused"), List.of("bash", "-c",
                ". \"$0/scripts/lib/java.sh\" && rsio_snapshot_classpath \"$1\" \"$2\"",
                Testbed.PROJECT.toString(), copies.toString(), classpath));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
