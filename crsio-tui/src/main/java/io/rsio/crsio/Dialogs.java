package io.rsio.crsio;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.gui2.Button;
import com.googlecode.lanterna.gui2.EmptySpace;
import com.googlecode.lanterna.gui2.GridLayout;
import com.googlecode.lanterna.gui2.Label;
import com.googlecode.lanterna.gui2.Panel;
import com.googlecode.lanterna.gui2.TextBox;
import com.googlecode.lanterna.gui2.Window;
import com.googlecode.lanterna.gui2.WindowBasedTextGUI;
import com.googlecode.lanterna.gui2.dialogs.ActionListDialogBuilder;
import com.googlecode.lanterna.gui2.dialogs.DialogWindow;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * crsio's modal dialogs. Each blocks until closed (Lanterna runs the GUI loop meanwhile), so
 * call them on the GUI thread only, never while holding a lock.
 */
public final class Dialogs {
    private Dialogs() {}

    /** One text field of a {@link #form}. */
    public record Field(String label, String value, boolean masked) {
        public static Field of(String label, String value) {
            return new Field(label, value, false);
        }
    }

    /** Shows text with an OK button. */
    public static void message(WindowBasedTextGUI gui, String title, String text) {
        choice(gui, title, text, "OK");
    }

    /**
     * Text with a row of buttons; returns the index of the button chosen, or -1 for Esc. The first
     * button has the focus.
     */
    public static int choice(WindowBasedTextGUI gui, String title, String text, String... buttons) {
        ChoiceWindow w = new ChoiceWindow(title, text, buttons);
        w.showDialog(gui);
        return w.chosen;
    }

    /**
     * Picks one of {@code items}; returns its index, or -1 for Esc or Cancel.
     */
    public static int pick(WindowBasedTextGUI gui, String title, String description, List<String> items) {
        int[] chosen = {-1};
        ActionListDialogBuilder b = new ActionListDialogBuilder().setTitle(title).setDescription(description)
                .setCanCancel(true);
        for (int i = 0; i < items.size(); i++) {
            int index = i;
            b.addAction(items.get(i), () -> chosen[0] = index);
        }
        b.build().showDialog(gui);
        return chosen[0];
    }

    /**
     * A form of text fields with OK and Cancel. {@code check} gets the values and returns an error
     * message to show (the form stays open) or null to accept. Empty when cancelled.
     */
    public static Optional<List<String>> form(WindowBasedTextGUI gui, String title, String description,
                                              List<Field> fields, Function<List<String>, String> check) {
        FormWindow w = new FormWindow(title, description, fields, check);
        w.showDialog(gui);
        return Optional.ofNullable(w.result);
    }

    private static final class ChoiceWindow extends DialogWindow {
        int chosen = -1;

        ChoiceWindow(String title, String text, String[] buttons) {
            super(title);
            setHints(Set.of(Window.Hint.MODAL, Window.Hint.CENTERED));
            Panel panel = new Panel(new GridLayout(1).setLeftMarginSize(1).setRightMarginSize(1));
            panel.addComponent(new Label(text));
            panel.addComponent(new EmptySpace(TerminalSize.ONE));
            Panel row = new Panel(new GridLayout(buttons.length).setHorizontalSpacing(1));
            for (int i = 0; i < buttons.length; i++) {
                int index = i;
                row.addComponent(new Button(buttons[i], () -> {
                    chosen = index;
                    close();
                }));
            }
            row.setLayoutData(GridLayout.createLayoutData(GridLayout.Alignment.END, GridLayout.Alignment.CENTER));
            panel.addComponent(row);
            setComponent(panel);
        }

        @Override
        public boolean handleInput(KeyStroke key) {
            if (key.getKeyType() == KeyType.Escape) {
                close();
                return true;
            }
            return super.handleInput(key);
        }
    }

    private static final class FormWindow extends DialogWindow {
        private final List<TextBox> boxes = new ArrayList<>();
        private final Label error = new Label("");
        private final Function<List<String>, String> check;
        List<String> result;

        FormWindow(String title, String description, List<Field> fields, Function<List<String>, String> check) {
            super(title);
            this.check = check;
            setHints(Set.of(Window.Hint.MODAL, Window.Hint.CENTERED));
            Panel panel = new Panel(new GridLayout(1).setLeftMarginSize(1).setRightMarginSize(1));
            if (description != null && !description.isEmpty()) {
                panel.addComponent(new Label(description));
                panel.addComponent(new EmptySpace(TerminalSize.ONE));
            }
            Panel grid = new Panel(new GridLayout(2).setHorizontalSpacing(1));
            for (Field f : fields) {
                grid.addComponent(new Label(f.label()));
                TextBox box = new FieldBox(40, f.value());
                if (f.masked()) {
                    box.setMask('*');
                }
                boxes.add(box);
                grid.addComponent(box);
            }
            panel.addComponent(grid);
            panel.addComponent(error);
            Panel row = new Panel(new GridLayout(2).setHorizontalSpacing(1));
            row.addComponent(new Button("OK", this::ok));
            row.addComponent(new Button("Cancel", this::close));
            row.setLayoutData(GridLayout.createLayoutData(GridLayout.Alignment.END, GridLayout.Alignment.CENTER));
            panel.addComponent(row);
            setComponent(panel);
        }

        private void ok() {
            List<String> values = boxes.stream().map(b -> b.getText().strip()).toList();
            String problem = check.apply(values);
            if (problem != null) {
                error.setText(Text.wrap(problem, 56));
                return;
            }
            result = values;
            close();
        }

        @Override
        public boolean handleInput(KeyStroke key) {
            if (key.getKeyType() == KeyType.Escape) {
                close();
                return true;
            }
            if (key.getKeyType() == KeyType.Enter && getFocusedInteractable() instanceof TextBox) {
                ok(); // Enter in a field submits, as admins expect of a form
                return true;
            }
            return super.handleInput(key);
        }
    }
}
