package io.rsio.crsio;

import static com.googlecode.lanterna.input.KeyType.ArrowDown;
import static com.googlecode.lanterna.input.KeyType.ArrowRight;
import static com.googlecode.lanterna.input.KeyType.Backspace;
import static com.googlecode.lanterna.input.KeyType.Enter;
import static com.googlecode.lanterna.input.KeyType.Escape;
import static com.googlecode.lanterna.input.KeyType.F1;
import static com.googlecode.lanterna.input.KeyType.F10;
import static com.googlecode.lanterna.input.KeyType.F3;
import static com.googlecode.lanterna.input.KeyType.F7;
import static com.googlecode.lanterna.input.KeyType.F9;
import static com.googlecode.lanterna.input.KeyType.Tab;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.input.KeyStroke;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Dialogs and keys of every kind, on an 80x24 virtual terminal. */
@Timeout(60)
class ScreensTest {
    @TempDir
    Path dir;

    private static final String CONFIG = """
            # hand-written: this comment must survive
            [defaults]
            port = 5000

            [interface if0]
            address = 127.0.0.1
            """;

    private TuiHarness open() throws Exception {
        Path config = dir.resolve("rscltcfg");
        if (!Files.exists(config)) {
            Files.writeString(config, CONFIG);
        }
        TuiHarness t = new TuiHarness(dir, config);
        t.await("[F10 Exit]");
        return t;
    }

    private static void addInterface(TuiHarness t, String address) throws InterruptedException {
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
        t.type(address);
        t.key(Enter);
        t.await(address);
    }

    private static void awaitExit(TuiHarness t) throws InterruptedException {
        for (int i = 0; i < 250 && !t.app.exited(); i++) {
            Thread.sleep(20);
        }
    }

    @Test
    void quittingWithUnsavedChangesAsksSaveDiscardCancel() throws Exception {
        try (TuiHarness t = open()) {
            addInterface(t, "127.0.0.2");
            assertTrue(t.line(" crsio ").contains(" *"), "unsaved marker in the title");
            t.key(F10);
            String ask = t.await("Unsaved changes");
            assertTrue(ask.contains("Save >") && ask.contains("<Discard>") && ask.contains("<Cancel>"), ask);
            t.keys(ArrowRight, ArrowRight, Enter); // Cancel
            t.awaitGone("Unsaved changes");
            assertFalse(t.app.exited());
            t.key(F10);
            t.await("Unsaved changes");
            t.keys(ArrowRight, Enter); // Discard
            awaitExit(t);
            assertTrue(t.app.exited());
        }
        assertEquals(CONFIG, Files.readString(dir.resolve("rscltcfg")), "discarded: the file is untouched");
    }

    @Test
    void saveOnQuitKeepsCommentsAndBacksUp() throws Exception {
        try (TuiHarness t = open()) {
            addInterface(t, "127.0.0.2");
            t.key(F10);
            t.await("Unsaved changes");
            t.key(Enter); // Save
            awaitExit(t);
            assertTrue(t.app.exited());
        }
        assertEquals(CONFIG + "\n[interface if1]\naddress       = 127.0.0.2\n", Files.readString(dir.resolve("rscltcfg")));
        assertEquals(CONFIG, Files.readString(dir.resolve("rscltcfg.bak")));
    }

    @Test
    void escapeThenADigitIsAFunctionKey() throws Exception {
        try (TuiHarness t = open()) {
            addInterface(t, "127.0.0.3");
            t.key(Escape);
            t.ch('3'); // Esc 3 = F3
            t.await("Saved ");
            assertTrue(Files.readString(dir.resolve("rscltcfg")).contains("127.0.0.3"));
            t.terminal.addInput(new KeyStroke('1', false, true)); // Alt-1 = Esc 1 typed fast = F1
            t.await("Help: Interfaces");
            t.key(Enter);
            t.awaitGone("Help: Interfaces");
            t.key(Escape);
            t.key(Escape); // Esc Esc: back to the menu
            t.await("Main menu (Enter opens");
            t.ch('?'); // letters outside text fields
            t.await("Help: Main menu");
            t.key(Enter);
            t.awaitGone("Help: Main menu");
            t.ch('q');
            awaitExit(t);
            assertTrue(t.app.exited(), "q quits when nothing is unsaved");
        }
    }

    @Test
    void scoFunctionKeysWorkAndTheUserIsToldToChangePutty() throws Exception {
        try (TuiHarness t = open()) {
            t.terminal.addInput(new KeyProfiles.ScoKeyStroke(F1));
            t.await("Help: Main menu");
            t.key(Enter);
            t.await("PuTTY sends SCO function keys");
        }
    }

    @Test
    void ctrlCAsksBeforeQuitting() throws Exception {
        try (TuiHarness t = open()) {
            t.terminal.addInput(new KeyStroke('c', true, false));
            t.await("Leave crsio? rsiod keeps running.");
            t.key(Escape);
            t.awaitGone("Leave crsio?");
            assertFalse(t.app.exited());
            t.terminal.addInput(new KeyStroke('c', true, false));
            t.await("Leave crsio?");
            t.key(Enter);
            awaitExit(t);
            assertTrue(t.app.exited());
        }
    }

    @Test
    void aTerminalSmallerThan80x24GetsAClearMessageAndRecovers() throws Exception {
        try (TuiHarness t = open()) {
            t.terminal.setTerminalSize(new TerminalSize(70, 20));
            t.await("crsio needs a terminal of at least 80x24; this one is 70x20.");
            t.terminal.setTerminalSize(new TerminalSize(100, 30));
            t.await("Main menu (Enter opens");
            t.await("[F10 Exit]");
        }
    }

    @Test
    void aFileChangedOnDiskIsNotOverwritten() throws Exception {
        try (TuiHarness t = open()) {
            addInterface(t, "127.0.0.4");
            Files.writeString(dir.resolve("rscltcfg"), CONFIG + "# someone else was here\n");
            t.key(F3);
            String text = t.await("Changed on disk");
            assertTrue(text.contains("was changed on disk") && text.contains("not overwritten"), text);
            t.key(Enter); // keep editing
            t.awaitGone("Changed on disk");
            assertTrue(Files.readString(dir.resolve("rscltcfg")).endsWith("# someone else was here\n"));
            t.key(F3);
            t.await("Changed on disk");
            t.keys(ArrowRight, ArrowRight, Enter); // reload from disk: it asks, the changes are lost
            t.await("Your unsaved changes are lost.");
            t.keys(ArrowRight, Enter);
            t.await("Reloaded ");
            assertFalse(t.line(" crsio ").contains(" *"));
        }
    }

    @Test
    void attachMethodIsChosenOnTheDefaultsScreen() throws Exception {
        try (TuiHarness t = open()) {
            focusDefaultsField(t, 10); // Attach
            t.type("nbd");
            t.await("! must be auto, fuse+loop or nbd-export");
            t.key(F3);
            t.await("Not saved");
            t.await("Defaults: attach must be auto, fuse+loop or nbd-export");
            t.await("(kernel NBD is not in this version of rsiod)");
            t.key(Enter);
            t.type("-export");
            t.key(F3);
            t.await("Saved");
        }
        assertTrue(Files.readString(dir.resolve("rscltcfg")).startsWith("# hand-written: this comment must survive"));
        assertEquals(io.rsio.config.ClientConfig.Attach.NBD_EXPORT,
                io.rsio.config.ClientConfig.load(dir.resolve("rscltcfg")).defaults().attach());
    }

    @Test
    void dataDigestsAreTurnedOffOnTheDefaultsScreen() throws Exception {
        try (TuiHarness t = open()) {
            focusDefaultsField(t, 9); // Data digest
            t.type("x");
            t.await("Data digest     x            ! must be yes or no");
            t.key(Backspace);
            t.type("no");
            t.awaitGone("! must be yes or no");
            t.key(F3);
            t.await("Saved");
        }
        assertFalse(io.rsio.config.ClientConfig.load(dir.resolve("rscltcfg")).defaults().multipath().dataDigest());
    }

    @Test
    void metricsAreTurnedOnOnTheDefaultsScreen() throws Exception {
        try (TuiHarness t = open()) {
            focusDefaultsField(t, 11); // Metrics
            t.type("0.0.0.0:9552");
            t.await("! must name one interface, not the wildcard");
            for (int i = 0; i < "0.0.0.0:9552".length(); i++) {
                t.key(Backspace);
            }
            t.type("9552");
            t.awaitGone("! must name one interface");
            t.key(F3);
            t.await("Saved");
        }
        assertEquals(java.util.Optional.of(new io.rsio.config.MetricsAddress("127.0.0.1", 9552)),
                io.rsio.config.ClientConfig.load(dir.resolve("rscltcfg")).defaults().metrics());
    }

    @Test
    void fuseTransportIsChosenOnTheDefaultsScreen() throws Exception {
        try (TuiHarness t = open()) {
            focusDefaultsField(t, 12); // FUSE transport
            t.type("ublk");
            t.await("! must be auto, uring or dev");
            for (int i = 0; i < "ublk".length(); i++) {
                t.key(Backspace);
            }
            t.type("uring");
            t.awaitGone("! must be auto, uring or dev");
            t.key(F3);
            t.await("Saved");
        }
        assertEquals(io.rsio.nativeio.fuse.FuseTransport.Setting.URING,
                io.rsio.config.ClientConfig.load(dir.resolve("rscltcfg")).defaults().fuseTransport());
    }

    /** Opens the Defaults screen and tabs from its first field (Protocol) to the {@code n}-th. */
    private static void focusDefaultsField(TuiHarness t, int n) throws InterruptedException {
        t.key(Enter); // Defaults
        t.await("[defaults]: what interfaces");
        for (int field = 1; field < n; field++) {
            t.key(Tab);
        }
    }

    @Test
    void invalidInputIsShownAtTheFieldAndNotSaved() throws Exception {
        try (TuiHarness t = open()) {
            t.key(Enter); // Defaults
            t.await("[defaults]: what interfaces");
            t.key(Tab);
            t.type("x");
            t.await("! must be a number from 1 to 65535");
            t.key(F3);
            t.await("Not saved");
            t.await("Defaults: port must be a number from 1 to 65535");
            t.key(Enter);
            t.key(F1);
            t.await("Help: Defaults");
        }
        assertEquals(CONFIG, Files.readString(dir.resolve("rscltcfg")));
    }
}
