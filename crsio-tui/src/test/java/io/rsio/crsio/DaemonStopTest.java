package io.rsio.crsio;

import static com.googlecode.lanterna.input.KeyType.ArrowDown;
import static com.googlecode.lanterna.input.KeyType.ArrowRight;
import static com.googlecode.lanterna.input.KeyType.Enter;
import static com.googlecode.lanterna.input.KeyType.F7;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.admin.DaemonControl;
import io.rsio.control.ControlClient;
import io.rsio.control.ControlResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 12, defect 3: Daemon > F7 > Stop while a file system on an RSIO device is mounted gives
 * rsconfig --stop's answer: the first question defaults to Keep running, rsiod refuses and names
 * the mount point, and "Stop anyway" is a second, explicit choice (root, FUSE, loop, mkfs.ext2).
 */
@Timeout(120)
class DaemonStopTest {
    @TempDir
    static Path dir;
    static int port;
    static TestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        port = TestServer.freePort();
        server = TestServer.forAttach(dir, port);
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void stopWhileMountedKeepsRunningAndNamesTheMountPoint() throws Exception {
        Path config = dir.resolve("s/rscltcfg");
        TestServer.writeClientConfig(config, port);
        Path mnt = Files.createDirectories(dir.resolve("s/mnt"));
        try (TuiHarness t = new TuiHarness(dir.resolve("s"), config)) {
            DaemonControl control = t.app.daemon();
            ControlClient client = new ControlClient(t.env.controlSocket());
            Path block = t.env.devDir().resolve("av0/oracle");
            boolean mounted = false;
            try {
                control.start(config);
                ControlResponse attached = client.call("attach", "osl:oracle");
                assertTrue(attached.ok(), attached.toString());
                run("mkfs.ext2", "-q", "-F", block.toRealPath().toString());
                run("mount", block.toString(), mnt.toString());
                mounted = true;

                t.openMenuItem(4); // Daemon
                t.await("rsiod    running");
                t.key(F7);
                t.await("Stop rsiod");
                t.keys(ArrowDown, ArrowDown, ArrowDown, Enter);
                String ask = t.await("Keep running");
                assertTrue(ask.contains("osl:oracle " + block), ask);
                t.key(Enter); // the focused button keeps it running
                t.awaitGone("Keep running");
                t.settle();
                assertTrue(control.state().running(), "Enter on the first question keeps rsiod running");

                t.key(F7);
                t.await("Stop rsiod");
                t.keys(ArrowDown, ArrowDown, ArrowDown, Enter);
                t.await("Keep running");
                t.keys(ArrowRight, Enter); // Stop: rsiod refuses, as rsconfig --stop does
                String refused = t.await("rsiod not stopped");
                String flat = refused.replaceAll("[\\s|│]+", " ");
                assertTrue(flat.contains("mounted on " + mnt), refused);
                assertTrue(refused.contains("Stop anyway"), refused);
                t.key(Enter); // Keep running is focused
                t.awaitGone("rsiod not stopped");
                assertTrue(control.state().running(), "refused: rsiod keeps running");
                assertEquals(0, run("mountpoint", "-q", mnt.toString()), "still mounted");
            } finally {
                if (mounted) {
                    run("umount", "-l", mnt.toString());
                }
                if (control.state().running()) {
                    client.call("detach", "-f");
                    control.stop(true);
                }
            }
        }
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", command));
        if (p.exitValue() != 0 && !command[0].equals("mountpoint")) {
            throw new AssertionError(String.join(" ", command) + ": " + out);
        }
        return p.exitValue();
    }
}
