package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RsconfigWithoutDaemonTest {
    @TempDir
    Path dir;

    @Test
    void saysRsiodIsNotRunningAndExitsOne() throws Exception {
        ProcessResult result = new TestCluster(dir).rsconfig("-m", "status");
        assertEquals(1, result.exitCode(), result::toString);
        assertTrue(result.stderr().startsWith("rsconfig: rsiod is not running"), result.stderr());
        assertEquals(1, result.stderr().lines().count(), "one-line message");
    }
}
