package io.rsio.crsio;

import static com.googlecode.lanterna.input.KeyType.ArrowDown;
import static com.googlecode.lanterna.input.KeyType.ArrowRight;
import static com.googlecode.lanterna.input.KeyType.Backspace;
import static com.googlecode.lanterna.input.KeyType.Enter;
import static com.googlecode.lanterna.input.KeyType.Escape;
import static com.googlecode.lanterna.input.KeyType.F1;
import static com.googlecode.lanterna.input.KeyType.F3;
import static com.googlecode.lanterna.input.KeyType.F7;
import static com.googlecode.lanterna.input.KeyType.F9;
import static com.googlecode.lanterna.input.KeyType.Tab;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.SGR;
import com.googlecode.lanterna.TerminalPosition;
import com.googlecode.lanterna.TextCharacter;
import com.googlecode.lanterna.TextColor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The defects of issue 12 that an administrator hit by reflex, each walked by keys on an 80x24
 * virtual terminal (no rsiod needed for these).
 */
@Timeout(60)
class NoSurprisesTest {
    @TempDir
    Path dir;

    static final String CONFIG = """
            [defaults]
            port = 5000

            [interface if0]
            address = 127.0.0.1

            [namespace osl]
            namespaceid = 200
            nodename = big-2
            nodekey = 0xright

            [server big-9-1]
            address = 127.0.0.1
            """;

    private Path config() throws Exception {
        Path config = dir.resolve("rscltcfg");
        if (!Files.exists(config)) {
            Files.writeString(config, CONFIG);
        }
        return config;
    }

    private TuiHarness open() throws Exception {
        return open(TerminalLook.COLOUR);
    }

    private TuiHarness open(TerminalLook look) throws Exception {
        TuiHarness t = new TuiHarness(dir, config(), look);
        t.await("[F10 Exit]");
        return t;
    }

    private static void openNamespaceOsl(TuiHarness t) throws InterruptedException {
        t.openMenuItem(2);
        t.await("Namespaces (Enter opens one)");
        t.key(Enter);
        t.await("[namespace osl] with 1 [server]");
        t.settle();
    }

    /** Defect 1: Esc closes the F7 menu and every other popup like Cancel. */
    @Test
    void escapeClosesEveryPopupAndMenu() throws Exception {
        try (TuiHarness t = open()) {
            t.key(F7);
            t.await("Actions on Main menu:");
            t.key(Escape);
            t.awaitGone("Actions on Main menu:");
            openNamespaceOsl(t);
            t.key(F7);
            t.await("Actions on Namespace osl:");
            t.key(Escape);
            t.awaitGone("Actions on Namespace osl:");
            t.key(F1);
            t.await("Help: Namespace osl");
            t.key(Escape);
            t.awaitGone("Help: Namespace osl");
            t.openMenuItem(1); // Interfaces
            t.await("Detected on this host");
            t.key(F7);
            t.await("Add interface by hand");
            t.keys(ArrowDown, Enter);
            t.await("A client interface rsiod binds its paths to.");
            t.key(Escape);
            t.awaitGone("A client interface rsiod binds its paths to.");
            assertFalse(t.line(" crsio ").contains(" *"), "Esc is Cancel: nothing added");
        }
    }

    /** Defect 1: the waiting window of a discovery also closes on Esc; the result still comes. */
    @Test
    void escapeHidesTheWaitingWindowAndTheResultStillComes() throws Exception {
        try (TuiHarness t = open()) {
            t.openMenuItem(3); // Add NEW Namespace
            t.await("NEW namespace");
            t.key(F7);
            t.await("Actions on Add NEW Namespace:");
            t.key(Enter); // Find NEW Namespace: nobody answers on 127.0.0.1:5000 within the wait
            t.await("Esc hides this");
            t.key(Escape);
            t.awaitGone("Esc hides this");
            t.await("still working in the background");
            t.await("No namespace answered");
        }
    }

    /** Defect 13: what the terminal says decides colours and lines. */
    @Test
    void theTerminalDecidesColoursAndLines() {
        assertEquals(new TerminalLook(true, false), TerminalLook.detect(java.util.Map.of("TERM", "vt100"), false));
        assertFalse(TerminalLook.detect(java.util.Map.of("TERM", "xterm-mono"), false).colour());
        assertFalse(TerminalLook.detect(java.util.Map.of("TERM", "xterm-256color", "NO_COLOR", "1"), false).colour());
        assertEquals(TerminalLook.COLOUR, TerminalLook.detect(java.util.Map.of("TERM", "xterm-256color"), false));
        assertEquals(TerminalLook.ASCII, TerminalLook.detect(java.util.Map.of("TERM", "xterm"), true));
    }

    /**
     * Defect 2: the F7 items keep their places whether or not there are servers, and removing a
     * server asks, names it, and the focused button keeps it.
     */
    @Test
    void removingAServerAsksAndTheMenuDoesNotMove() throws Exception {
        try (TuiHarness t = open()) {
            t.openMenuItem(3); // Add NEW Namespace: no servers
            t.await("NEW namespace");
            t.key(F7);
            List<String> empty = menuItems(t.await("Actions on Add NEW Namespace:"));
            t.key(Escape);
            openNamespaceOsl(t);
            t.key(F7);
            List<String> withServer = menuItems(t.await("Actions on Namespace osl:"));
            assertEquals(empty.indexOf("Show node key"), withServer.indexOf("Show node key"), empty + " vs "
                    + withServer);
            int remove = indexStartingWith(withServer, "Remove server big-9-1");
            assertEquals(remove, indexStartingWith(empty, "Remove server"), empty + " vs " + withServer);
            for (int i = 0; i < remove; i++) {
                t.key(ArrowDown);
            }
            t.key(Enter);
            String ask = t.await("from namespace osl?");
            assertTrue(ask.contains("Remove server big-9-1 (127.0.0.1) from namespace osl?"), ask);
            t.key(Enter); // the focused button is the safe one
            t.awaitGone("from namespace osl?");
            assertTrue(t.text().contains("big-9-1"), t.text());
            assertFalse(t.line(" crsio ").contains(" *"));
            t.key(F7);
            t.await("Actions on Namespace osl:");
            for (int i = 0; i < remove; i++) {
                t.key(ArrowDown);
            }
            t.key(Enter);
            t.await("from namespace osl?");
            t.keys(ArrowRight, Enter);
            t.await("Removed server big-9-1");
            t.await("with 0 [server] section(s)");
        }
    }

    private static List<String> menuItems(String screen) {
        List<String> items = new ArrayList<>();
        boolean in = false;
        for (String line : screen.split("\n")) {
            if (line.contains("Actions on ")) {
                in = true;
                continue;
            }
            if (in) {
                String s = line.replaceAll("[│|┌┐└┘─+]", " ").strip();
                if (s.contains("Cancel")) {
                    break;
                }
                if (!s.isEmpty()) {
                    items.add(s);
                }
            }
        }
        return items;
    }

    private static int indexStartingWith(List<String> items, String prefix) {
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i).startsWith(prefix)) {
                return i;
            }
        }
        return -1;
    }

    /** Defect 4: the changed-on-disk dialog offers only what exists, and Save as does. */
    @Test
    void aFileChangedOnDiskCanBeSavedAsAnotherFile() throws Exception {
        try (TuiHarness t = open()) {
            openNamespaceOsl(t);
            t.key(Tab);
            t.key(Tab); // Node name
            t.type("x");
            Files.writeString(dir.resolve("rscltcfg"), CONFIG + "# someone else\n");
            t.key(F3);
            String ask = t.await("Changed on disk");
            assertFalse(ask.contains("save elsewhere"), ask);
            assertTrue(ask.contains("Save as"), ask);
            t.keys(ArrowRight, Enter);
            t.await("Save the configuration as");
            t.key(Enter); // the suggested name
            t.await("Saved as " + dir.resolve("rscltcfg.crsio"));
            assertTrue(Files.readString(dir.resolve("rscltcfg.crsio")).contains("nodename = big-2x")
                    || Files.readString(dir.resolve("rscltcfg.crsio")).contains("big-2x"));
            assertTrue(Files.readString(dir.resolve("rscltcfg")).endsWith("# someone else\n"));
        }
    }

    /** Defect 8: the Log screen opens at the end of the log. */
    @Test
    void theLogOpensAtItsEnd() throws Exception {
        Files.createDirectories(dir.resolve("log"));
        StringBuilder log = new StringBuilder();
        for (int i = 1; i <= 150; i++) {
            log.append("log line ").append(i).append('\n');
        }
        Files.writeString(dir.resolve("log/rsiod.log"), log);
        try (TuiHarness t = open(TerminalLook.ASCII)) {
            t.openMenuItem(7);
            String text = t.await("log line 150");
            assertFalse(text.contains("log line 1\n") || text.contains("log line 1 "), text);
            // Defect 7, --ascii: the scroll bar has a track and a thumb, not only '#'.
            StringBuilder bar = new StringBuilder();
            for (String line : text.split("\n")) {
                if (line.length() >= 79 && line.startsWith("log line") || line.contains("log line")) {
                    bar.append(line.charAt(line.length() - 1));
                }
            }
            assertTrue(bar.toString().contains("#") && !bar.toString().replace("#", "").isEmpty(), bar.toString());
        }
    }

    /** Defect 9: a second F3 keeps the version from before this crsio session in the .bak. */
    @Test
    void theBackupKeepsTheFileAsItWasBeforeTheSession() throws Exception {
        try (TuiHarness t = open()) {
            openNamespaceOsl(t);
            t.key(Tab);
            t.key(Tab);
            t.type("x");
            t.key(F3);
            t.await("Saved ");
            t.type("y");
            t.await("big-2xy");
            t.key(F3);
            t.settle();
            for (int i = 0; i < 100 && t.line(" crsio ").contains(" *"); i++) {
                Thread.sleep(50);
            }
        }
        assertTrue(Files.readString(dir.resolve("rscltcfg")).contains("big-2xy"));
        assertEquals(CONFIG, Files.readString(dir.resolve("rscltcfg.bak")));
    }

    /** Defect 10: a long message is not cut, and it goes when the admin moves on. */
    @Test
    void longMessagesWrapAndOldOnesGo() throws Exception {
        try (TuiHarness t = open()) {
            t.terminal.addInput(new KeyProfiles.ScoKeyStroke(F1));
            t.await("Help: Main menu");
            t.key(Enter);
            String text = t.await("PuTTY sends SCO function keys");
            assertTrue(text.replaceAll("\\s+", " ").contains("for other programs"), text);
            assertFalse(text.contains("~\n"), text);
            t.openMenuItem(1);
            t.await("Detected on this host");
            t.awaitGone("PuTTY sends SCO");
        }
    }

    /** Defect 11 and 12: the key label follows Show/Hide; typing and deleting changes nothing. */
    @Test
    void showKeyLabelAndValuesNotKeystrokes() throws Exception {
        try (TuiHarness t = open()) {
            openNamespaceOsl(t);
            t.key(Tab);
            t.key(Tab); // Node name
            t.type("x");
            t.await("big-2x");
            assertTrue(t.line(" crsio ").contains(" *"));
            t.key(Backspace);
            t.awaitGone("big-2x");
            t.settle();
            assertFalse(t.line(" crsio ").contains(" *"), "same values as on disk: nothing to save");
            t.key(F7);
            List<String> items = menuItems(t.await("Actions on Namespace osl:"));
            for (int i = 0; i < items.indexOf("Show node key"); i++) {
                t.key(ArrowDown);
            }
            t.key(Enter);
            String shown = t.await("0xright");
            assertFalse(t.line("Node key").contains("hidden"), shown);
            assertTrue(t.line("Node key").contains("shown"), shown);
        }
    }

    /** Defect 14: the interface dialogs have the Port the table shows. */
    @Test
    void interfacesHaveAPortField() throws Exception {
        try (TuiHarness t = open()) {
            t.openMenuItem(1);
            t.await("Detected on this host");
            t.key(F7);
            t.await("Add interface by hand");
            t.keys(ArrowDown, Enter);
            t.await("A client interface rsiod binds its paths to.");
            t.key(Tab);
            t.type("127.0.0.2");
            t.key(Tab);
            t.type("5001");
            t.key(Enter);
            t.await("if1  127.0.0.2 5001");
            t.key(F3);
            t.await("Saved ");
        }
        assertTrue(Files.readString(dir.resolve("rscltcfg")).contains(
                "[interface if1]\naddress       = 127.0.0.2\nport          = 5001\n"));
    }

    /** Defect 6: an address that is not on this host is warned about where it is typed. */
    @Test
    void anAddressNotOnThisHostIsWarnedAbout() throws Exception {
        try (TuiHarness t = open()) {
            t.openMenuItem(1);
            t.await("Detected on this host");
            t.key(F7);
            t.await("Add interface by hand");
            t.keys(ArrowDown, Enter);
            t.await("A client interface rsiod binds its paths to.");
            t.key(Tab);
            t.type("198.18.77.1");
            t.key(Enter);
            String warned = t.await("is not an address of this host");
            assertTrue(warned.replaceAll("[\\s│|]+", " ").contains("OK again adds it anyway"), warned);
            t.key(Enter);
            t.await("if1  198.18.77.1");
            assertTrue(t.text().replaceAll("\\s+", " ").contains("(not an address of this host: rsiod cannot use it"
                    + " here)"), t.text());
        }
    }

    /** Defect 7: arrows do not pause Path Status, a pause ends with the screen, the help is true. */
    @Test
    void pathStatusKeysDoWhatTheySay() throws Exception {
        try (TuiHarness t = open()) {
            t.openMenuItem(5);
            t.await("Path Status");
            t.key(ArrowRight);
            t.key(com.googlecode.lanterna.input.KeyType.ArrowLeft);
            t.settle();
            assertFalse(t.text().contains("PAUSED"), t.text());
            t.ch('p');
            t.await("PAUSED");
            t.openMenuItem(5);
            t.awaitGone("PAUSED");
            t.key(F1);
            String help = t.await("Help: Path Status");
            assertFalse(help.contains("since when"), help);
        }
    }

    /** Defect 13: without colours crsio sends none and shows the selection in reverse video. */
    @Test
    void withoutColoursTheSelectionIsReverseVideo() throws Exception {
        try (TuiHarness t = open(TerminalLook.MONO_ASCII)) {
            t.settle();
            int selectedRow = -1;
            for (int row = 0; row < 24; row++) {
                for (int col = 0; col < 80; col++) {
                    TextCharacter c = t.terminal.getBufferCharacter(new TerminalPosition(col, row));
                    assertEquals(TextColor.ANSI.DEFAULT, c.getForegroundColor(), "row " + row + " col " + col);
                    assertEquals(TextColor.ANSI.DEFAULT, c.getBackgroundColor(), "row " + row + " col " + col);
                    assertTrue(c.getCharacterString().charAt(0) < 0x80, "ASCII only at " + row + "," + col);
                }
                TextCharacter first = t.terminal.getBufferCharacter(new TerminalPosition(2, row));
                if (first.getModifiers().contains(SGR.REVERSE) && t.text().split("\n")[row].contains("Defaults")) {
                    selectedRow = row;
                }
            }
            assertTrue(selectedRow > 0, "the selected menu row is in reverse video:\n" + t.text());
        }
    }
}
