package io.rsio.crsio;

import com.googlecode.lanterna.TerminalPosition;
import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.gui2.AsynchronousTextGUIThread;
import com.googlecode.lanterna.gui2.MultiWindowTextGUI;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import io.rsio.admin.DaemonControl;
import io.rsio.admin.RsiodCommand;
import io.rsio.common.RsioEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * crsio on an 80x24 virtual terminal, driven by key strokes, read as screen text; the GUI runs
 * on its own thread as in production, so tests poll for text instead of sleeping.
 */
final class TuiHarness implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(15);
    static final Duration STABLE = Duration.ofMillis(30);

    final DefaultVirtualTerminal terminal = new DefaultVirtualTerminal(new TerminalSize(80, 24));
    final TerminalScreen screen;
    final MultiWindowTextGUI gui;
    final CrsioApp app;
    final RsioEnvironment env;

    TuiHarness(Path dir, Path config) throws Exception {
        this(dir, config, TerminalLook.COLOUR);
    }

    /** crsio as it draws with {@code look}: the virtual terminal gets what the real one would. */
    TuiHarness(Path dir, Path config, TerminalLook look) throws Exception {
        env = RsioEnvironment.from(Map.of("RSIO_RUN_DIR", dir.resolve("run").toString(),
                "RSIO_LOG_DIR", dir.resolve("log").toString(), "RSIO_DEV_DIR", dir.resolve("dev").toString()));
        screen = new TerminalScreen(look.wrap(terminal));
        screen.startScreen();
        gui = new MultiWindowTextGUI(CalmGuiThread.factory(), screen);
        app = CrsioApp.create(gui, new CrsioApp.Options(config, env, new RsiodCommand.Java(DaemonControl.thisJava()), Duration.ofSeconds(3),
                Duration.ofMillis(250), look));
        app.start();
        ((AsynchronousTextGUIThread) gui.getGUIThread()).start();
        await("Main menu");
    }

    void key(KeyType type) {
        terminal.addInput(new KeyStroke(type));
    }

    void keys(KeyType... types) {
        for (KeyType t : types) {
            key(t);
        }
    }

    void ch(char c) {
        terminal.addInput(new KeyStroke(c, false, false));
    }

    void type(String text) {
        for (char c : text.toCharArray()) {
            ch(c);
        }
    }

    /** Opens the main menu's item {@code downs} rows below the first (F9, Home, arrows, Enter). */
    void openMenuItem(int downs) throws InterruptedException {
        key(KeyType.F9);
        await("Main menu (Enter opens");
        key(KeyType.Home); // the menu remembers its last item
        for (int i = 0; i < downs; i++) {
            key(KeyType.ArrowDown);
        }
        key(KeyType.Enter);
    }

    /** The screen as 24 lines of text. */
    String text() {
        TerminalSize size = terminal.getTerminalSize();
        StringBuilder b = new StringBuilder();
        for (int row = 0; row < size.getRows(); row++) {
            StringBuilder line = new StringBuilder();
            for (int col = 0; col < size.getColumns(); col++) {
                line.append(terminal.getBufferCharacter(new TerminalPosition(col, row)).getCharacterString());
            }
            b.append(line.toString().stripTrailing()).append('\n');
        }
        return b.toString();
    }

    /**
     * Waits until the screen shows {@code needle} and has stopped changing for a moment; returns
     * the screen. The GUI thread may be half-way through drawing when {@code needle} first shows
     * (CI caught a detail pane with its first lines not yet drawn), so the screen returned is one
     * that two reads {@link #STABLE} apart agree on.
     */
    String await(String needle) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String text = text();
        while (!text.contains(needle)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("screen never showed \"" + needle + "\":\n" + text);
            }
            Thread.sleep(20);
            text = text();
        }
        // Seen once is enough to pass; a screen that keeps changing (a live counter) or drops a
        // short-lived message is returned as last seen with the needle.
        for (int i = 0; i < 25; i++) {
            Thread.sleep(STABLE.toMillis());
            String again = text();
            if (again.equals(text) || !again.contains(needle)) {
                return text;
            }
            text = again;
        }
        return text;
    }

    /** Waits until a line of the screen matches {@code regex}; returns that line. */
    String awaitMatch(String regex) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            for (String l : text().split("\n")) {
                if (l.matches(regex)) {
                    return l;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no line matched " + regex + ":\n" + text());
            }
            Thread.sleep(20);
        }
    }

    /** Waits until {@code needle} is gone. */
    void awaitGone(String needle) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (text().contains(needle)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("screen still shows \"" + needle + "\":\n" + text());
            }
            Thread.sleep(20);
        }
    }

    /** The line of the screen that contains {@code needle}. */
    String line(String needle) throws InterruptedException {
        for (String l : await(needle).split("\n")) {
            if (l.contains(needle)) {
                return l;
            }
        }
        throw new AssertionError(needle);
    }

    /** Waits until all keys sent so far are processed (the screen is stable for a moment). */
    void settle() throws InterruptedException {
        String before = text();
        for (int i = 0; i < 200; i++) {
            Thread.sleep(40);
            String now = text();
            if (now.equals(before)) {
                return;
            }
            before = now;
        }
    }

    @Override
    public void close() throws Exception {
        AsynchronousTextGUIThread thread = (AsynchronousTextGUIThread) gui.getGUIThread();
        thread.stop();
        thread.waitForStop(5, TimeUnit.SECONDS);
        app.shutdown();
        screen.stopScreen();
    }
}
