package io.rsio.crsio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.input.KeyType;
import io.rsio.admin.DaemonControl;
import io.rsio.common.RsioEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, defect 5 and 7 in crsio: a volume whose server is out of space (a real, full 4 MiB
 * tmpfs under a real rssrv; writes by qemu-io through the real rsiod's NBD export fail with
 * ENOSPC) and a second rsiod logged in with the same node name and key are shown on Path Status
 * (header, the path's and the volume's detail) and on the Volumes screen, in rsconfig's words,
 * and go away when space is freed and the second rsiod stops. Root (mounting the tmpfs).
 */
@Timeout(150)
class ProblemsShownTest {
    static final int MIB = 1 << 20;
    @TempDir
    Path dir;

    @Test
    void noSpaceAndASharedIdentityAreShownWhereTheAdminLooks() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.rsio.nativeio.Posix.geteuid() == 0,
                "mounting a tmpfs needs root");
        Path full = Files.createDirectories(dir.resolve("full"));
        run("mount", "-t", "tmpfs", "-o", "size=4m,mode=0700", "rsio-hops-crsio-nospace", full.toString());
        int port = TestServer.freePort();
        Path config = dir.resolve("c/rscltcfg");
        TestServer.writeClientConfig(config, port);
        Path secondConfig = dir.resolve("second/rscltcfg");
        TestServer.writeClientConfig(secondConfig, port);
        DaemonControl second = new DaemonControl(RsioEnvironment.from(Map.of(
                "RSIO_RUN_DIR", dir.resolve("second/run").toString(), "RSIO_LOG_DIR", dir.resolve("second/log").toString(),
                "RSIO_DEV_DIR", dir.resolve("second/dev").toString())), DaemonControl.thisJava());
        // The volume's 8 MiB file on a 4 MiB file system, 1 MiB of which a filler holds until freed.
        try (TestServer server = new TestServer(full, "osl", 200, "big-9", "127.0.0.1", port, "big-2 0xright");
             TuiHarness t = new TuiHarness(dir.resolve("c"), config)) {
            Files.write(full.resolve("filler"), new byte[MIB]);
            DaemonControl control = t.app.daemon();
            try {
                control.start(config);
                t.await("[F10 Exit]");
                t.openMenuItem(5); // Path Status
                t.await("1/1 path(s) connected");
                assertFalse(t.text().contains("SHARED IDENTITY") || t.text().contains("NO SPACE"), t.text());

                // Another host with this node name and key logs in.
                second.start(secondConfig);
                String shared = t.await("! SHARED IDENTITY big-9 (another host is big-2)");
                assertTrue(flat(shared).contains("server big-9: SHARED IDENTITY: 1 other rsiod(s) "
                        + "logged in here as big-2 (another host has this node name and key)"), shared);

                // The disk under the volume fills: writes through the NBD export fail with ENOSPC.
                String uri = "nbd+unix:///oracle?socket=" + t.env.runDir().resolve("nbd/oracle.sock");
                Proc write = run(List.of("qemu-io", "-f", "raw", "-c", "write -P 0x5a 0 6M", uri));
                assertTrue(write.out().contains("No space left on device"), write.toString());
                t.ch('v');
                String volumes = t.await("! NO SPACE osl:oracle");
                assertTrue(volumes.contains("! SHARED IDENTITY big-9"), volumes); // both, one line
                t.await("NO SPACE: the server has no space left for osl:oracle;");
                String sentence = awaitFlat(t, "NO SPACE: the server has no space left for osl:oracle; writes fail "
                        + "with ENOSPC (");
                assertTrue(row(sentence, "osl:oracle ").matches("osl:oracle +1 .* \\d+ FULL .*"), sentence);
                t.ch('v');
                t.await("IOPS rd/wr RTTus");

                t.openMenuItem(6); // Volumes
                String screen = t.await("! NO SPACE osl:oracle");
                assertTrue(row(screen, "osl ").matches("osl +big-9 +oracle +8\\.0 MiB +[0-9.]+ (B|KiB|MiB) +1 +full +- *"),
                        screen);
                screen = awaitFlat(t, "server big-9: SHARED IDENTITY: 1 other rsiod(s) logged in here as big-2 "
                        + "(another host has this node name and key)");
                assertTrue(flat(screen).contains("NO SPACE: the server has no space left for osl:oracle; writes fail "
                        + "with ENOSPC ("), screen);

                // The second rsiod stops and space is freed: both findings go away.
                second.stop(true);
                t.awaitGone("SHARED IDENTITY");
                Files.delete(full.resolve("filler"));
                Proc again = run(List.of("qemu-io", "-f", "raw", "-c", "write -P 0x5a 0 64k", uri));
                assertEquals(0, again.exit(), again.toString());
                t.awaitGone("NO SPACE");
                String after = t.await("0 attached");
                assertTrue(row(after, "osl ").matches("osl +big-9 +oracle +8\\.0 MiB +[0-9.]+ (B|KiB|MiB) +1 +rw +- *"),
                        after);
                t.openMenuItem(5);
                t.await("1/1 path(s) connected");
                assertFalse(t.text().contains("SHARED IDENTITY") || t.text().contains("NO SPACE"), t.text());
            } finally {
                if (second.state().running()) {
                    second.stop(true);
                }
                if (control.state().running()) {
                    control.stop(true);
                }
            }
        } finally {
            run("umount", "-l", full.toString());
        }
    }

    /** The screen's line that starts with {@code prefix} (a table row; the header names the same volume). */
    private static String row(String screen, String prefix) {
        return screen.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse("(no row " + prefix + ")");
    }

    /** The screen's text with every run of blanks and line breaks as one space (sentences wrap). */
    private static String flat(String screen) {
        return screen.replaceAll("\\s+", " ");
    }

    /** Waits until the screen shows {@code sentence}, wrapped or not; returns the screen. */
    private static String awaitFlat(TuiHarness t, String sentence) throws InterruptedException {
        long deadline = System.nanoTime() + TuiHarness.WAIT.toNanos();
        String screen = t.text();
        while (!flat(screen).contains(sentence)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("screen never showed \"" + sentence + "\":\n" + screen);
            }
            Thread.sleep(50);
            screen = t.text();
        }
        return screen;
    }

    record Proc(int exit, String out) {}

    private static Proc run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
        return new Proc(p.exitValue(), out);
    }

    private static void run(String... command) throws Exception {
        Proc r = run(List.of(command));
        assertNotEquals(-1, r.exit());
        if (r.exit() != 0) {
            throw new AssertionError(String.join(" ", command) + ": " + r.out());
        }
    }
}
