package io.rsio.crsio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.control.ControlClient;
import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.LocalRow;
import io.rsio.nativeio.Posix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * crsio as an administrator meets it: scripts/crsio on a real pty (tmux, 80x24) against a real
 * rssrv process. Keys only: the seed's six steps from an empty config, start rsiod from the
 * Daemon screen, see the path connected, attach the volume from the Volumes screen and move data
 * through its block device, quit with F10, and rsiod keeps running with the device attached.
 */
@Timeout(180)
class TmuxEndToEndTest {
    static final Path HOME = Path.of(System.getProperty("user.dir")).getParent();

    @TempDir
    Path dir;
    private final String socket = "crsio-e2e-" + ProcessHandle.current().pid();
    private TmuxTerminal tmux;
    private Process rssrv;
    private final List<Long> rsiodPids = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        if (tmux != null) {
            tmux.close();
        }
        Path control = dir.resolve("run/rsiod.sock");
        if (!rsiodPids.isEmpty() && Files.exists(control)) {
            try {
                new ControlClient(control).call("detach", "-f"); // what the test attached
            } catch (ControlClient.ControlException e) {
                System.err.println("detach at clean-up: " + e.getMessage());
            }
        }
        for (long pid : rsiodPids) {
            ProcessHandle.of(pid).ifPresent(p -> {
                p.destroy();
                p.onExit().orTimeout(20, TimeUnit.SECONDS).exceptionally(e -> p).join();
            });
        }
        if (rssrv != null) {
            rssrv.destroy();
            rssrv.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void theLabByKeysOnARealTerminalThenRsiodOutlivesCrsio() throws Exception {
        int port = TestServer.freePort();
        Path runDir = Files.createDirectories(dir.resolve("run"));
        Path logDir = Files.createDirectories(dir.resolve("log"));
        Path serverConfig = dir.resolve("rssrvcfg");
        Files.writeString(serverConfig, """
                [namespace osl]
                namespaceid = 200
                port        = %d

                [server big-9]
                serverid = 1

                [interface if1]
                address = 127.0.0.1

                [clients]
                big-2 0x5eedc0ffee

                [volume oracle]
                path = %s
                size = 16M
                """.formatted(port, dir.resolve("oracle.img")));
        rssrv = TmuxTerminal.startRssrv(dir, serverConfig);

        Path config = dir.resolve("etc/rscltcfg");
        tmux = new TmuxTerminal(socket, TmuxTerminal.crsioCommand(HOME, config, runDir, logDir, dir.resolve("dev"),
                "vt100"));
        await("[F10 Exit]");

        // Port of the test server, in the Defaults screen.
        keys("Enter");
        await("[defaults]: what interfaces");
        keys("Tab", "BSpace", "BSpace", "BSpace", "BSpace");
        text(Integer.toString(port));
        await("Port            " + port);
        // 1. client interfaces
        keys("F9");
        await("Main menu (Enter opens");
        keys("Down", "Enter");
        await("Detected on this host");
        keys("F7");
        await("Add interface by hand");
        keys("Down", "Enter");
        await("A client interface rsiod binds its paths to.");
        keys("Tab");
        text("127.0.0.1");
        keys("Enter");
        await("if0  127.0.0.1 " + port);
        // 2. [F3 Save]
        keys("F3");
        await("Saved " + config);
        // 3. Add NEW Namespace, [F7 Action] Find NEW Namespace
        keys("F9");
        await("Main menu (Enter opens");
        keys("Down", "Down", "Enter");
        await("NEW namespace: not in the file");
        keys("F7");
        await("Find NEW Namespace Servers");
        keys("Enter");
        await("osl (id 200)");
        keys("Enter");
        await("Namespace id 200");
        settle();
        // 4. node name and key
        text("big-2");
        keys("Tab");
        text("0x5eedc0ffee");
        await("Node key     **********");
        // 5. [F7 Action] Find NEW Namespace Servers
        keys("F7");
        await("Find NEW Namespace Servers");
        keys("Down", "Enter");
        String found = await("login ok, RTT");
        assertTrue(found.contains("if0 -> big-9-1 127.0.0.1: login ok"), found);
        keys("Enter");
        await("big-9 id 1 ok");
        // 6. [F3 Save]
        keys("F3");
        await("(previous version in");
        assertEquals("""
                [defaults]
                protocol      = tcp
                port          = %d

                [interface if0]
                address       = 127.0.0.1

                [namespace osl]
                namespaceid   = 200
                nodename      = big-2
                nodekey       = 0x5eedc0ffee

                [server big-9-1]
                address       = 127.0.0.1
                """.formatted(port), Files.readString(config));

        // TERM=vt100: no colour codes at all, ASCII lines, the selection in reverse video.
        String raw = tmux.rawScreen();
        // (tmux writes its own resets to the default colours, 39 and 49; any other colour is crsio's.)
        java.util.regex.Matcher sgr = java.util.regex.Pattern.compile("\u001b\\[([0-9;]*)m").matcher(raw);
        while (sgr.find()) {
            for (String param : sgr.group(1).split(";")) {
                int n = param.isEmpty() ? 0 : Integer.parseInt(param);
                assertFalse(n >= 30 && n <= 38 || n >= 40 && n <= 48 || n >= 90 && n <= 107,
                        "colour code " + sgr.group() + " on a vt100: " + raw);
            }
        }
        assertFalse(raw.matches("(?s).*[─│┌┐└┘].*"), "box characters on a vt100: " + raw);
        assertTrue(raw.contains("\u001b[7m") || raw.matches("(?s).*\\e\\[[0-9;]*7[0-9;]*m.*"),
                "reverse video marks the selection: " + raw);

        // The destructive cases by PuTTY's keys: Esc closes the F7 menu; Remove server asks, Enter keeps it.
        keys("F7");
        await("Actions on Namespace osl:");
        keys("Escape");
        awaitGone("Actions on Namespace osl:");
        keys("F7");
        await("Remove server big-9-1");
        keys("Down", "Down", "Down", "Down", "Down", "Enter");
        await("Remove server big-9-1 (127.0.0.1) from namespace osl?");
        keys("Enter");
        awaitGone("from namespace osl?");
        assertFalse(screen().lines().findFirst().orElse("").contains(" *"), "nothing removed: " + screen());

        // Start rsiod from the Daemon screen.
        keys("F9");
        await("Main menu (Enter opens");
        keys("Home", "Down", "Down", "Down", "Down", "Enter");
        await("rsiod    not running");
        keys("F7");
        await("Start rsiod");
        keys("Enter");
        await("rsiod    running");
        long pid = Long.parseLong(Files.readString(runDir.resolve("rsiod.pid")).strip());
        rsiodPids.add(pid);
        // Started through rsiod's launcher, it runs as rsiod does anywhere else: a daemon's heap
        // and leak-detector setting (scripts/lib/jvm.sh), not crsio's.
        String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline")).replace('\0', ' ');
        assertTrue(cmdline.contains("-Xmx256m") && cmdline.contains("-Dio.netty.leakDetection.level=disabled")
                && cmdline.contains("-Drsio.detached=true"), "rsiod's command line: " + cmdline);
        // Path Status: every path connected.
        keys("F9");
        await("Main menu (Enter opens");
        keys("Home", "Down", "Down", "Down", "Down", "Down", "Enter");
        await("1/1 path(s) connected");
        // Volumes: the server's volume, exported.
        keys("F9");
        await("Main menu (Enter opens");
        keys("Home", "Down", "Down", "Down", "Down", "Down", "Down", "Enter");
        await("16.0 MiB");
        Path block = dir.resolve("dev/av0/oracle");
        boolean devices = blockDevicesHere();
        if (devices) {
            // Attach it from the Volumes screen (F7, the selected volume's action first).
            await("osl:oracle@0  not attached");
            keys("F7");
            await("Attach osl:oracle (av0/oracle)");
            keys("Enter");
            await("1 attached (fuse+loop)");
            await("b: " + block);
            assertTrue(Files.isSymbolicLink(block) && block.toRealPath().toString().startsWith("/dev/loop"),
                    block + " is a link to a loop device");
            // A pattern written with O_DIRECT through the block device reads back the same.
            byte[] pattern = new byte[256 * 1024];
            new java.util.Random(5).nextBytes(pattern);
            Path in = Files.write(dir.resolve("pattern.bin"), pattern);
            Path out = dir.resolve("back.bin");
            dd("if=" + in, "of=" + block, "bs=64k", "count=4", "seek=3", "oflag=direct", "conv=fsync");
            dd("if=" + block, "of=" + out, "bs=64k", "count=4", "skip=3", "iflag=direct");
            assertArrayEquals(pattern, Files.readAllBytes(out), "data read back through " + block);
        }
        // Quit; rsiod stays, and so does the attached device.
        keys("F10");
        await("crsio-exited-0");
        assertTrue(screen().contains("rsiod keeps running (pid " + pid + ")"), screen());
        Thread.sleep(500);
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "rsiod outlives crsio");
        assertTrue(Files.exists(runDir.resolve("rsiod.sock")));
        if (devices) {
            assertTrue(Files.isSymbolicLink(block) && Files.exists(block), "the device outlives crsio");
            ControlResponse local = new ControlClient(runDir.resolve("rsiod.sock")).call("local");
            assertEquals(List.of("osl:oracle attached"), local.rows(LocalRow.class).stream()
                    .map(l -> l.namespace() + ":" + l.name() + " " + l.state()).toList());
        }
    }

    /** Root, /dev/fuse and loop devices: what rsiod's fuse+loop attach needs (docs/BLOCKDEV.md). */
    private static boolean blockDevicesHere() {
        boolean here = Posix.geteuid() == 0 && Files.exists(Path.of("/dev/fuse"))
                && Files.exists(Path.of("/dev/loop-control"));
        if (!here) {
            System.err.println("TmuxEndToEndTest: no root, /dev/fuse or loop devices: attach not tried");
        }
        return here;
    }

    private static void dd(String... args) throws Exception {
        List<String> c = new ArrayList<>(List.of("dd", "status=none"));
        c.addAll(List.of(args));
        Process p = new ProcessBuilder(c).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "dd finished");
        assertEquals(0, p.exitValue(), () -> String.join(" ", c) + ": " + out);
    }

    private void keys(String... keys) throws Exception {
        tmux.keys(keys);
    }

    private void text(String literal) throws Exception {
        tmux.text(literal);
    }

    private String screen() throws Exception {
        return tmux.screen();
    }

    private String await(String needle) throws Exception {
        return tmux.await(needle);
    }

    private void awaitGone(String needle) throws Exception {
        tmux.awaitGone(needle);
    }

    private void settle() throws Exception {
        tmux.settle();
    }
}
