package io.rsio.crsio;

import static com.googlecode.lanterna.input.KeyType.ArrowDown;
import static com.googlecode.lanterna.input.KeyType.ArrowRight;
import static com.googlecode.lanterna.input.KeyType.Enter;
import static com.googlecode.lanterna.input.KeyType.F7;
import static com.googlecode.lanterna.input.KeyType.F9;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.input.KeyType;
import io.rsio.admin.DaemonControl;
import io.rsio.control.ControlClient;
import io.rsio.control.ControlRows.ReloadRow;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Volumes screen against a real rssrv and a real rsiod, with real kernel devices (root,
 * /dev/fuse and loop devices; skipped without): attach by F7 and by the letter key, the
 * {@code rsconfig -l} detail of the selected volume, data through the attached device, a detach
 * refused while the device is open (rsiod's reason in a dialog), then detach, and attach all; a
 * reload that would remove the namespace of an attached volume is refused.
 */
@Timeout(120)
class VolumesScreenTest {
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
    void attachUseRefusedDetachDetachAndAttachAll() throws Exception {
        Path config = dir.resolve("v/rscltcfg");
        TestServer.writeClientConfig(config, port);
        try (TuiHarness t = new TuiHarness(dir.resolve("v"), config)) {
            DaemonControl control = t.app.daemon();
            Path block = t.env.devDir().resolve("av0/oracle");
            Path raw = t.env.devDir().resolve("av0/roracle");
            try {
                control.start(config);
                t.await("[F10 Exit]");
                t.openMenuItem(6); // Volumes
                t.await("1 volume(s) in 1 namespace(s), 0 attached (fuse+loop)");
                // its path may still be logging in at the first refresh: the row says 1 within a few
                t.awaitMatch(".*osl +big-9 +oracle +8\\.0 MiB +0 B +1 +rw +- *");
                t.await("osl:oracle@0  not attached (F7 attaches it under av0/)");

                // F7 > Attach: the first action is the selected volume's.
                t.key(F7);
                t.await("Attach osl:oracle (av0/oracle)");
                t.key(Enter);
                t.await("1 attached (fuse+loop)");
                String attached = t.await("b: " + block);
                assertTrue(t.line("oracle ").contains("attached"), attached);
                assertTrue(attached.contains("c: " + raw), attached);
                assertTrue(attached.contains("osl:oracle@0  attached, 16384 blocks,  1 server(s)"), attached);
                assertTrue(attached.matches("(?s).*m: fuse\\+loop /dev/loop\\d+ \\(direct I/O\\).*"), attached);
                assertTrue(attached.contains("osl:oracle attached: b: "), attached);
                assertTrue(Files.isSymbolicLink(block) && block.toRealPath().toString().startsWith("/dev/loop"));

                // Data through the block device, read back through the raw path.
                byte[] pattern = new byte[64 * 1024];
                Arrays.fill(pattern, (byte) 0x5a);
                try (FileChannel b = FileChannel.open(block, StandardOpenOption.WRITE)) {
                    b.write(ByteBuffer.wrap(pattern), 4096);
                    b.force(true);
                }
                byte[] back = new byte[pattern.length];
                try (FileChannel c = FileChannel.open(raw, StandardOpenOption.READ)) {
                    c.read(ByteBuffer.wrap(back), 4096);
                }
                assertArrayEquals(pattern, back);

                // Detach while the device is open: refused with rsiod's reason; keep it attached.
                try (FileChannel open = FileChannel.open(block, StandardOpenOption.READ)) {
                    t.ch('a'); // the letter for F7
                    t.await("Detach osl:oracle (" + block + ")");
                    t.key(Enter);
                    // Issue 12, defect 2: a detach asks, names the device, and Enter keeps it.
                    String ask = t.await("Keep attached");
                    assertTrue(ask.contains("Detach osl:oracle? " + block), ask);
                    t.key(Enter);
                    t.awaitGone("Keep attached");
                    assertTrue(Files.isSymbolicLink(block));
                    t.ch('a');
                    t.await("Detach osl:oracle (" + block + ")");
                    t.key(Enter);
                    t.await("Keep attached");
                    t.keys(ArrowRight, Enter);
                    String refused = t.await("Detach by force");
                    assertTrue(refused.contains("osl:oracle not detached:"), refused);
                    assertTrue(refused.replaceAll("[\\s|│]+", " ").contains("is open by pid "
                            + ProcessHandle.current().pid()), refused);
                    t.key(Enter); // Keep attached (the focused button)
                    t.awaitGone("Detach by force");
                    assertTrue(Files.isSymbolicLink(block));
                }
                t.key(F7);
                t.await("Detach osl:oracle");
                t.key(Enter);
                t.await("Keep attached");
                t.keys(ArrowRight, Enter);
                t.await("0 attached (fuse+loop)");
                t.await("osl:oracle detached (" + block + ")");
                assertFalse(Files.exists(block, LinkOption.NOFOLLOW_LINKS));

                // Attach all volumes (the second action).
                t.key(F7);
                t.await("Attach all volumes");
                t.keys(ArrowDown, Enter);
                t.await("1 attached (fuse+loop)");
                assertTrue(Files.isSymbolicLink(block));

                // A reload does not remove a namespace whose volume is attached, and says why.
                String saved = Files.readString(config);
                Files.writeString(config, saved.substring(0, saved.indexOf("[namespace osl]")));
                assertEquals(List.of(new ReloadRow("refused", "namespace osl not removed: " + block
                        + " attached (detach first: rsconfig -d)")), control.reload());
                Files.writeString(config, saved);
                assertEquals(List.of(new ReloadRow("none", "no changes in " + config)), control.reload());

                t.key(F7);
                t.await("Detach all volumes");
                t.keys(ArrowDown, ArrowDown, Enter);
                t.await("Detach every attached device?");
                t.keys(ArrowRight, Enter);
                t.await("0 attached (fuse+loop)");
                assertFalse(Files.exists(block, LinkOption.NOFOLLOW_LINKS));
            } finally {
                if (control.state().running()) {
                    new ControlClient(t.env.controlSocket()).call("detach", "-f");
                    control.stop(true);
                }
            }
        }
    }
}
