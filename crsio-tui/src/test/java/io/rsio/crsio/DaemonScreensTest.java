package io.rsio.crsio;

import static com.googlecode.lanterna.input.KeyType.ArrowDown;
import static com.googlecode.lanterna.input.KeyType.ArrowRight;
import static com.googlecode.lanterna.input.KeyType.Enter;
import static com.googlecode.lanterna.input.KeyType.F3;
import static com.googlecode.lanterna.input.KeyType.F7;
import static com.googlecode.lanterna.input.KeyType.F9;
import static com.googlecode.lanterna.input.KeyType.Tab;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.input.KeyType;
import io.rsio.admin.DaemonControl;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Daemon, Path Status, Volumes and Log screens against a real rssrv and a real rsiod that
 * crsio starts; a wrong node key shows as "login refused" in the path test.
 */
@Timeout(120)
class DaemonScreensTest {
    @TempDir
    static Path dir;
    static int port;
    static TestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        port = TestServer.freePort();
        server = new TestServer(dir, "osl", 200, "big-9", "127.0.0.1", port, "big-2 0xright");
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void startTheDaemonSeeEveryPathAndTheVolumesThenStopIt() throws Exception {
        Path config = dir.resolve("d/rscltcfg");
        TestServer.writeClientConfig(config, port);
        // An interface whose address is not on this host (issue 12, defect 6): Path Status says why it has no path.
        Files.writeString(config, Files.readString(config).replace("[namespace osl]",
                "[interface if1]\naddress = 198.18.77.1\n\n[namespace osl]"));
        try (TuiHarness t = new TuiHarness(dir.resolve("d"), config)) {
            DaemonControl control = t.app.daemon();
            try {
                t.await("[F10 Exit]");
                t.openMenuItem(4); // Daemon
                t.await("rsiod    not running");
                t.key(F7);
                t.await("Start rsiod");
                t.key(Enter);
                t.await("rsiod    running");
                String daemon = t.await("Uptime   00:00:0");
                assertTrue(daemon.contains("PID      " + control.state().pid()), daemon);

                t.openMenuItem(5); // Path Status
                String paths = t.await("1/1 path(s) connected");
                assertTrue(t.line("if0").contains("big-9-1") && t.line("if0").contains("connected"), paths);
                // Issue 12, defect 7: every column fits 80 columns (the last one is not cut).
                assertTrue(t.line("IOPS rd/wr").strip().endsWith("Fov"), paths);
                // The selected path's last minute, as pictures.
                assertTrue(t.line("big-9-1 127.0.0.1/" + port + ": connected since ").length() <= 80, paths);
                for (String graph : new String[] {" rd MB/s ", " wr MB/s ", " rd IOPS ", " wr IOPS ", " RTT us ",
                        " events "}) {
                    assertTrue(t.line(graph).length() <= 80, paths);
                }
                t.await(" events   "); // at least one sample drawn as "."
                assertTrue(t.line(" events ").contains("."), t.text());
                t.key(KeyType.ArrowDown);
                String notHere = t.await("198.18.77.1: no path: 198.18.77.1 is not an address of this host");
                assertTrue(t.line("if1").contains("no path"), notHere);
                t.key(KeyType.ArrowUp);
                t.ch('v');
                String volumes0 = t.await("Path Status: volumes");
                assertTrue(t.line("osl:oracle").contains("1 "), volumes0);
                t.await("osl:oracle  1 ready path(s)");
                t.ch('v');
                t.await("IOPS rd/wr RTTus");
                t.ch('p');
                t.await("PAUSED");
                t.ch('p');
                t.await("every 1 s");

                t.openMenuItem(6); // Volumes
                String volumes = t.await("oracle");
                assertTrue(t.line("oracle").contains("8.0 MiB"), volumes);
                t.await("NBD: nbd+unix:///oracle?socket=");

                t.openMenuItem(7); // Log
                t.await("started transmit");

                // A new interface, saved and reloaded: the status line keeps rsiod's answer and what
                // changed in the paths (127.0.0.2 is not on the server's link while 127.0.0.1 is: no path).
                t.openMenuItem(1);
                t.await("Detected on this host");
                t.key(F7);
                t.await("Add interface by hand");
                t.keys(ArrowDown, Enter);
                t.await("A client interface rsiod binds its paths to.");
                t.key(Tab);
                t.type("127.0.0.2");
                t.key(Enter);
                t.await("127.0.0.2");
                t.key(F3);
                t.await("Reload the running rsiod");
                t.key(Enter);
                t.await("What changed: the same 1 path(s)");
                t.key(Enter);
                t.awaitGone("Reload the running");
                assertTrue(t.text().replaceAll("\\s+", " ").contains(
                        "Reload: interface if2 127.0.0.2 added. What changed: the same 1 path(s)"), t.text());

                t.openMenuItem(4); // Daemon: stop
                t.await("rsiod    running");
                t.key(F7);
                t.await("Stop rsiod");
                t.keys(ArrowDown, ArrowDown, ArrowDown, Enter);
                t.await("Its paths close");
                t.keys(ArrowRight, Enter); // Keep running has the focus
                t.await("rsiod stopped"); // the waiting window is gone: keys reach the screen again
                t.await("rsiod    not running");

                t.openMenuItem(5); // Path Status: rsiod gone, the last table stays, marked stale
                t.await("STALE: rsiod is not running");
            } finally {
                if (control.state().running()) {
                    control.stop(true);
                }
            }
        }
    }

    @Test
    void aWrongKeyShowsAsRefusedInThePathTest() throws Exception {
        Path config = dir.resolve("w/rscltcfg");
        Files.createDirectories(config.getParent());
        Files.writeString(config, "[defaults]\nport = " + port + "\n\n[interface if0]\naddress = 127.0.0.1\n");
        try (TuiHarness t = new TuiHarness(dir.resolve("w"), config)) {
            t.await("[F10 Exit]");
            t.openMenuItem(3); // Add NEW Namespace
            t.await("NEW namespace");
            t.type("osl");
            t.key(Tab);
            t.type("200");
            t.key(Tab);
            t.type("big-2");
            t.key(Tab);
            t.type("0xwrong");
            t.await("Node key     *******");
            t.key(F7);
            t.await("Find NEW Namespace Servers");
            t.key(ArrowDown);
            t.key(Enter);
            String result = t.await("Namespace servers");
            assertTrue(result.contains("if0 -> big-9-1 127.0.0.1: login refused"), result);
            String flat = result.replaceAll("[\\s|│]+", " ");
            assertFalse(flat.contains("login refused (login refused"), "the refusal says it once: " + result);
            t.key(Enter);
            t.awaitGone("Namespace servers");
            String refused = t.await("big-9 id 1 login refused");
            // Where the key is typed, one sentence; the status line does not say "F3 saves".
            assertTrue(t.line("Node key").contains("! refused by big-9"), refused);
            assertTrue(refused.contains("The node key was refused by server big-9"), refused);
            assertFalse(refused.contains("F3 saves"), refused);
            t.key(F3);
            String saved = t.await("Saved ");
            assertTrue(saved.replaceAll("\\s+", " ").contains("but the node key of osl was refused by the server"),
                    saved);
            assertTrue(Files.readString(config).contains("nodekey       = 0xwrong"));
            t.key(KeyType.F10);
        }
    }
}
