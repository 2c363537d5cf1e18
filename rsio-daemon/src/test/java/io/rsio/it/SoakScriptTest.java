package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code scripts/soak} at CI's setting (1 minute, three rsiod at queue depth 64 against
 * one rssrv, every block verified): no I/O error, and RSS and descriptors of every daemon flat
 * after warm-up. {@code scripts/test-long} runs it for 10 minutes; longer runs are reported in
 * docs/reliability.md.
 */
@FaultSuite
class SoakScriptTest {
    static final long MINUTES = Long.getLong("rsio.soak.minutes", 1);

    @Test
    void shortSoakHasNoErrorsAndFlatMemoryAndDescriptors() throws Exception {
        Commands.requireTool("fio");
        Path script = Path.of(System.getProperty("user.dir")).getParent().resolve("scripts/soak");
        ProcessResult soak = Commands.run(Duration.ofMinutes(MINUTES + 4),
                Map.of("RSIO_CLASSPATH", System.getProperty("java.class.path")),
                List.of(script.toString(), "--minutes", Long.toString(MINUTES), "--clients", "3", "--iodepth", "64"));
        System.out.print(soak.stdout().lines().filter(l -> l.startsWith("soak:")).map(l -> "[soak] " + l + "\n")
                .reduce("", String::concat));
        assertEquals(0, soak.exitCode(), soak::toString);
        assertTrue(soak.stdout().contains("soak: passed"), soak::toString);
        assertEquals(4, soak.stdout().lines().filter(l -> l.matches("soak: (rssrv|rsiod-\\d): ok .*")).count(),
                soak::toString);
    }
}
