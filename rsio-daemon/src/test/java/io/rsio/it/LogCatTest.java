package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LogCatTest {
    @TempDir
    Path dir;

    @Test
    void printsTheDaemonsLog() throws Exception {
        Files.writeString(dir.resolve("rssrv.log"), "big-9@rsio line one\nbig-9@rsio line two\n");
        ProcessResult result = Commands.run(Duration.ofSeconds(30), Map.of("RSIO_LOG_DIR", dir.toString()),
                Commands.java("io.rsio.cli.LogCatMain", "rssrv"));
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals("big-9@rsio line one\nbig-9@rsio line two\n", result.stdout());
    }

    @Test
    void followsAppendedLinesAndRotation() throws Exception {
        Path log = dir.resolve("rsiod.log");
        Files.writeString(log, "first\n");
        Path out = dir.resolve("follow.out");
        ProcessBuilder builder = new ProcessBuilder(Commands.java("io.rsio.cli.LogCatMain", "rsiod", "-f"))
                .redirectOutput(out.toFile()).redirectErrorStream(true);
        builder.environment().put("RSIO_LOG_DIR", dir.toString());
        Process follower = builder.start();
        try {
            awaitContent(out, "first\n");
            Files.writeString(log, "second\n", StandardOpenOption.APPEND);
            awaitContent(out, "first\nsecond\n");
            Files.move(log, dir.resolve("rsiod.log.1"));
            Files.writeString(log, "after rotation\n");
            awaitContent(out, "first\nsecond\nafter rotation\n");
        } finally {
            follower.destroyForcibly();
        }
    }

    private static void awaitContent(Path file, String expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        String content = "";
        while (System.nanoTime() < deadline) {
            content = Files.readString(file, StandardCharsets.UTF_8);
            if (content.equals(expected)) {
                return;
            }
            Thread.sleep(50);
        }
        assertTrue(false, "expected " + expected + " but the follower printed " + content);
    }
}
