package io.rsio.crsio;

import static com.googlecode.lanterna.input.KeyType.ArrowDown;
import static com.googlecode.lanterna.input.KeyType.Backspace;
import static com.googlecode.lanterna.input.KeyType.Enter;
import static com.googlecode.lanterna.input.KeyType.F10;
import static com.googlecode.lanterna.input.KeyType.F3;
import static com.googlecode.lanterna.input.KeyType.F7;
import static com.googlecode.lanterna.input.KeyType.F9;
import static com.googlecode.lanterna.input.KeyType.Tab;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seed's lab, the six steps as written, on a virtual terminal against a real rssrv that
 * answers discovery on 127.0.0.1.
 */
@Timeout(120)
class LabStepsTest {
    @TempDir
    static Path dir;
    static int port;
    static TestServer server;

    @BeforeAll
    static void startServer() throws Exception {
        port = TestServer.freePort();
        server = new TestServer(dir, "osl", 200, "big-9", "127.0.0.1", port, "big-2 0xbig-2");
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @Test
    void theSixStepsOfTheLabWriteTheSeedsFile() throws Exception {
        Path config = dir.resolve("lab/rscltcfg");
        try (TuiHarness t = new TuiHarness(dir.resolve("lab"), config)) {
            t.await("Add NEW Namespace");
            t.await("[F1 Help] [F3 Save] [F7 Action] [F9 Menu] [F10 Exit]");
            // Our server is not on 5000: set the default port first (Defaults screen).
            t.key(Enter);
            t.await("[defaults]: what interfaces");
            t.key(Tab);
            t.keys(Backspace, Backspace, Backspace, Backspace);
            t.type(Integer.toString(port));
            t.await("Port            " + port);

            // 1. Add the client interfaces.
            t.key(F9);
            t.await("Main menu");
            t.key(ArrowDown);
            t.key(Enter);
            t.await("Detected on this host");
            t.key(F7);
            t.await("Add interface by hand");
            t.key(ArrowDown);
            t.key(Enter);
            t.await("A client interface rsiod binds its paths to.");
            t.key(Tab);
            t.type("127.0.0.1");
            t.key(Enter);
            t.await("if0  127.0.0.1 " + port);
            assertTrue(t.line("crsio").contains(config + " *"), "unsaved marker");

            // 2. Save with [F3 Save].
            t.key(F3);
            t.await("Saved " + config);
            assertTrue(!t.line("crsio").contains(" *"), "saved: no marker");

            // 3. Menu item "Add NEW Namespace", then [F7 Action] -> "Find NEW Namespace".
            t.key(F9);
            t.await("Main menu");
            t.keys(ArrowDown, ArrowDown);
            t.key(Enter);
            t.await("NEW namespace: not in the file");
            t.key(F7);
            t.await("Find NEW Namespace Servers");
            t.key(Enter); // Find NEW Namespace, the first action
            t.await("Namespaces that answered:");
            assertTrue(t.line("osl (id 200)").contains("1 server(s) NEW"), t.text());
            t.key(Enter);
            t.await("Namespace id 200");

            // 4. Enter the namespace log-in data: node name and node key.
            t.await("Namespace    osl");
            t.settle();
            t.type("big-2");
            t.key(Tab);
            t.type("0xbig-2");
            t.await("Node key     *******");

            // 5. [F7 Action] -> "Find NEW Namespace Servers".
            t.key(F7);
            t.await("Find NEW Namespace Servers");
            t.key(ArrowDown);
            t.key(Enter);
            String result = t.await("Namespace servers");
            assertTrue(result.contains("1 server interface(s) found."), result);
            assertTrue(result.contains("if0 -> big-9-1 127.0.0.1: login ok, RTT"), result);
            assertTrue(result.contains("What changed: new big-9-1 127.0.0.1 (ok "), result);
            t.key(Enter);
            t.awaitGone("Namespace servers");
            t.await("big-9-1 127.0.0.1 " + port + " big-9 id 1 ok ");
            // Issue 12: the "what changed" line stays on the status line, with RTT and read speed.
            assertTrue(t.text().replaceAll("\\s+", " ").matches(
                    "(?s).*What changed: new big-9-1 127\\.0\\.0\\.1 \\(ok \\d+us( \\d+MB/s)?\\); F3 saves.*"), t.text());

            // 6. [F3 Save] again.
            t.key(F3);
            t.await("Saved " + config + " (previous version in");
            assertEquals("""
                    [defaults]
                    protocol      = tcp
                    port          = %d

                    [interface if0]
                    address       = 127.0.0.1

                    [namespace osl]
                    namespaceid   = 200
                    nodename      = big-2
                    nodekey       = 0xbig-2

                    [server big-9-1]
                    address       = 127.0.0.1
                    """.formatted(port), Files.readString(config));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
            t.key(F10);
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!t.app.exited() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertTrue(t.app.exited(), "F10 without unsaved changes quits at once");
        }
    }
}
