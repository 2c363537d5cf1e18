package io.rsio.crsio.screens;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.gui2.Label;
import com.googlecode.lanterna.gui2.Panel;
import com.googlecode.lanterna.gui2.TextBox;
import io.rsio.crsio.FieldBox;
import io.rsio.crsio.Text;
import java.util.function.Function;

/**
 * A labelled text field with a hint to its right that shows the field's problem while the text
 * cannot be used. {@code check} returns null when the text is fine, else the problem.
 */
final class FieldRow {
    /** Wider hints would squeeze the grid's other columns at 80 columns. */
    static final int HINT_WIDTH = 44;
    final String key;
    final FieldBox box;
    final Label hint;
    private String normalHint;
    private String problem;

    FieldRow(Panel grid, String label, String key, String value, int width, String normalHint) {
        this.key = key;
        this.normalHint = normalHint;
        grid.addComponent(new Label(label));
        box = new FieldBox(width, value);
        grid.addComponent(box);
        hint = new Label(normalHint);
        grid.addComponent(hint);
    }

    /** The problem of an address and an optional port ("" = the default), or null. */
    static String addressAndPortProblem(String address, String port) {
        try {
            io.rsio.config.ConfigValues.parseAddress(address);
            if (!port.isEmpty()) {
                io.rsio.config.ConfigValues.parsePort(port);
            }
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    /** Checks the text now and after every change, calling {@code onValid} with good text. */
    void validate(Function<String, String> check, java.util.function.Consumer<String> onValid) {
        box.setTextChangeListener((text, byUser) -> {
            apply(check, text);
            if (byUser && problem == null) {
                onValid.accept(text.strip());
            }
        });
        apply(check, box.getText());
    }

    private void apply(Function<String, String> check, String text) {
        problem = check.apply(text.strip());
        hint.setText(problem == null ? normalHint : Text.cut("! " + withoutFound(problem), HINT_WIDTH));
    }

    /** The parsers end with ", found "TEXT"": the field shows the text already. */
    static String withoutFound(String problem) {
        int i = problem.lastIndexOf(", found ");
        return i > 0 ? problem.substring(0, i) : problem;
    }

    /** Changes the hint shown while the text is fine. */
    void setNormalHint(String text) {
        normalHint = text;
        if (problem == null) {
            hint.setText(text);
        }
    }

    String problem() {
        return problem;
    }

    String text() {
        return box.getText().strip();
    }

    void set(String text) {
        box.setText(text);
    }
}
