package io.rsio.crsio.progress;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.gui2.Button;
import com.googlecode.lanterna.gui2.EmptySpace;
import com.googlecode.lanterna.gui2.GridLayout;
import com.googlecode.lanterna.gui2.Label;
import com.googlecode.lanterna.gui2.Panel;
import com.googlecode.lanterna.gui2.Window;
import com.googlecode.lanterna.gui2.dialogs.DialogWindow;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.util.Set;

/**
 * The progress window: what the work does, a bar, the bytes, rate and time, and Background
 * (focused; Esc does the same), which closes the window and leaves the work running. A job that
 * can be stopped adds its stop button. Not modal for the caller: {@link JobFollower} updates it.
 */
final class ProgressDialog extends DialogWindow {
    private final Label phase = new Label("");
    private final Label bar = new Label(" ".repeat(ProgressText.BAR_WIDTH + 7));
    private final Label numbers = new Label("");
    private final Runnable toBackground;

    ProgressDialog(String title, String stopLabel, Runnable toBackground, Runnable stop) {
        super(title);
        this.toBackground = toBackground;
        setHints(Set.of(Window.Hint.MODAL, Window.Hint.CENTERED));
        Panel panel = new Panel(new GridLayout(1).setLeftMarginSize(1).setRightMarginSize(1));
        panel.addComponent(phase);
        panel.addComponent(bar);
        panel.addComponent(numbers);
        panel.addComponent(new EmptySpace(TerminalSize.ONE));
        Panel row = new Panel(new GridLayout(stopLabel == null ? 1 : 2).setHorizontalSpacing(1));
        Button background = new Button("Background", toBackground);
        row.addComponent(background);
        if (stopLabel != null) {
            row.addComponent(new Button(stopLabel, stop));
        }
        row.setLayoutData(GridLayout.createLayoutData(GridLayout.Alignment.END, GridLayout.Alignment.CENTER));
        panel.addComponent(row);
        setComponent(panel);
        setFocusedInteractable(background);
    }

    void update(String phaseText, String barText, String numbersText) {
        phase.setText(phaseText);
        bar.setText(barText);
        numbers.setText(numbersText);
    }

    @Override
    public boolean handleInput(KeyStroke key) {
        if (key.getKeyType() == KeyType.Escape) {
            toBackground.run(); // like every crsio dialog, Esc leaves it; the work goes on
            return true;
        }
        return super.handleInput(key);
    }
}
