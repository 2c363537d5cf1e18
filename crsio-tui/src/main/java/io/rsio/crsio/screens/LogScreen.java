package io.rsio.crsio.screens;

import com.googlecode.lanterna.TerminalPosition;
import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.gui2.BorderLayout;
import com.googlecode.lanterna.gui2.Component;
import com.googlecode.lanterna.gui2.Label;
import com.googlecode.lanterna.gui2.Panel;
import com.googlecode.lanterna.gui2.TextBox;
import com.googlecode.lanterna.input.KeyStroke;
import io.rsio.crsio.Action;
import io.rsio.crsio.ScreenHost;
import io.rsio.crsio.LogTail;
import io.rsio.crsio.Screen;
import io.rsio.crsio.Text;
import java.nio.file.Path;
import java.util.List;

/** Follows rsiod's log ($RSIO_LOG_DIR/rsiod.log), like {@code rsclogcat -f}. */
public final class LogScreen implements Screen {
    static final int LINES = 200;
    static final int WIDTH = 77;

    private final ScreenHost app;
    private final Panel panel = new Panel(new BorderLayout());
    private final Label header = new Label("");
    private final TextBox text = new TextBox(new TerminalSize(78, 18), TextBox.Style.MULTI_LINE);
    private final LogTail tail;
    private boolean following = true;
    private boolean asking;

    LogScreen(ScreenHost app) {
        this.app = app;
        Path log = app.daemon().logFile();
        this.tail = new LogTail(log, LINES);
        text.setReadOnly(true);
        panel.addComponent(header, BorderLayout.Location.TOP);
        panel.addComponent(text, BorderLayout.Location.CENTER);
    }

    @Override
    public String name() {
        return "Log";
    }

    @Override
    public Component component() {
        return panel;
    }

    @Override
    public void tick() {
        if (following) {
            refresh();
        }
    }

    private void refresh() {
        if (asking) {
            return;
        }
        asking = true;
        app.background(tail::read, lines -> {
            asking = false;
            if (lines == null) {
                return; // unchanged since the last look
            }
            // Log lines are longer than the screen: wrap them rather than hide their ends.
            text.setText(String.join("\n", lines.stream().map(l -> Text.wrap(l, WIDTH)).toList()));
            if (following) {
                showEnd();
            }
            header.setText(Text.cut(" " + tail.file() + (following ? "  (following; f: pause)" : "  (paused; f: follow)"),
                    79));
        }, e -> asking = false);
    }

    /** Scrolls to the last line: a read-only box does not follow its caret, so move its view. */
    private void showEnd() {
        int last = Math.max(0, text.getLineCount() - 1);
        text.setCaretPosition(last, 0);
        if (text.getRenderer() instanceof TextBox.DefaultTextBoxRenderer r) {
            int rows = Math.max(1, text.getSize().getRows() > 0 ? text.getSize().getRows() : 18);
            r.setViewTopLeft(new TerminalPosition(0, Math.max(0, text.getLineCount() - rows)));
        }
    }

    @Override
    public void shown() {
        tail.forget(); // the first look after opening the screen starts at the end again
        following = true;
        refresh();
    }

    @Override
    public boolean onKey(KeyStroke key) {
        if (key.getCharacter() != null && key.getCharacter() == 'f') {
            following = !following;
            tail.forget();
            refresh();
            return true;
        }
        return false;
    }

    @Override
    public List<Action> actions() {
        return List.of(new Action(following ? "Pause following" : "Follow", () -> onKey(KeyStroke.fromString("f"))));
    }

    @Override
    public String help() {
        return """
                The last 200 lines of rsiod's log, following new lines (f pauses, arrows
                scroll). Connection set-up and tear-down and network events are logged
                here; the whole log: rsclogcat -f.""";
    }
}
