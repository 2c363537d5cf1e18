package io.rsio.crsio;

import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.gui2.AbstractListBox;
import com.googlecode.lanterna.gui2.ActionListBox;
import com.googlecode.lanterna.gui2.Button;
import com.googlecode.lanterna.gui2.CheckBox;
import com.googlecode.lanterna.gui2.EmptySpace;
import com.googlecode.lanterna.gui2.GridLayout;
import com.googlecode.lanterna.gui2.Label;
import com.googlecode.lanterna.gui2.Panel;
import com.googlecode.lanterna.gui2.TextBox;
import com.googlecode.lanterna.gui2.TextGUIGraphics;
import com.googlecode.lanterna.gui2.Window;
import com.googlecode.lanterna.gui2.WindowBasedTextGUI;
import com.googlecode.lanterna.gui2.dialogs.DialogWindow;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * crsio's modal dialogs. Each blocks until closed (Lanterna runs the GUI loop meanwhile), so
 * call them on the GUI thread only, never while holding a lock.
 */
public final class Dialogs {
    private Dialogs() {}

    /**
     * One field of a {@link #form}: a text field, or with {@code toggle} a check box (space or
     * Enter flips it) whose value is {@code yes} or {@code no}.
     */
    public record Field(String label, String value, boolean masked, boolean toggle) {
        public Field(String label, String value, boolean masked) {
            this(label, value, masked, false);
        }

        public static Field of(String label, String value) {
            return new Field(label, value, false);
        }

        public static Field toggle(String label, boolean checked) {
            return new Field(label, checked ? "yes" : "no", false, true);
        }
    }

    /** Shows text with an OK button. */
    public static void message(WindowBasedTextGUI gui, String title, String text) {
        choice(gui, title, text, "OK");
    }

    /** The widest text line of a dialog: with its frame and margins it fits 80 columns. */
    static final int TEXT_WIDTH = 76;

    /**
     * Text with a row of buttons; returns the index of the button chosen, or -1 for Esc. The first
     * button has the focus.
     */
    public static int choice(WindowBasedTextGUI gui, String title, String text, String... buttons) {
        return choiceFocused(gui, title, text, 0, buttons);
    }

    /** As {@link #choice}, with the button {@code focused} focused (Enter chooses it). */
    public static int choiceFocused(WindowBasedTextGUI gui, String title, String text, int focused,
                                    String... buttons) {
        ChoiceWindow w = new ChoiceWindow(title, fit(text), buttons, focused);
        w.showDialog(gui);
        return w.chosen;
    }

    /**
     * A destructive action: {@code text} names what goes; the safe button ({@code keep}) has the
     * focus, so Enter and Esc keep everything. True only when {@code act} was chosen.
     */
    public static boolean confirm(WindowBasedTextGUI gui, String title, String text, String keep, String act) {
        return choiceFocused(gui, title, text, 0, keep, act) == 1;
    }

    /** Lines longer than a dialog can show on 80 columns are wrapped. */
    static String fit(String text) {
        return String.join("\n", text.lines().map(l -> l.length() > TEXT_WIDTH ? Text.wrap(l, TEXT_WIDTH) : l)
                .toList());
    }

    /**
     * A "please wait" window shown while work runs in the background (not modal for the caller:
     * returns at once). Esc hides it; {@code onEscape} then says that the work goes on.
     */
    public static Window waiting(WindowBasedTextGUI gui, String title, String text, Runnable onEscape) {
        CancelOnEscape w = new CancelOnEscape(title) {
            @Override
            public boolean handleInput(KeyStroke key) {
                if (key.getKeyType() == KeyType.Escape) {
                    onEscape.run();
                }
                return super.handleInput(key);
            }
        };
        w.setHints(Set.of(Window.Hint.MODAL, Window.Hint.CENTERED));
        Panel panel = new Panel(new GridLayout(1).setLeftMarginSize(1).setRightMarginSize(1));
        panel.addComponent(new Label(fit(text)));
        panel.addComponent(new Label("(Esc hides this; the work goes on)"));
        w.setComponent(panel);
        gui.addWindow(w);
        return w;
    }

    /** Picks one of {@code items}; returns its index, or -1 for Esc or Cancel. */
    public static int pick(WindowBasedTextGUI gui, String title, String description, List<String> items) {
        return pickAction(gui, title, description, items.stream().map(i -> new Action(i, () -> { })).toList());
    }

    /**
     * Picks one of {@code actions}; greyed ones stay in their places and only say why they do not
     * apply. Returns the index chosen, or -1 for Esc or Cancel.
     */
    public static int pickAction(WindowBasedTextGUI gui, String title, String description, List<Action> actions) {
        PickWindow w = new PickWindow(title, description, actions);
        w.showDialog(gui);
        return w.chosen;
    }

    /** Every crsio dialog: Esc closes it with the meaning of Cancel. */
    private abstract static class CancelOnEscape extends DialogWindow {
        CancelOnEscape(String title) {
            super(title);
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

    private static final class PickWindow extends CancelOnEscape {
        int chosen = -1;
        private final Label why = new Label("");

        PickWindow(String title, String description, List<Action> actions) {
            super(title);
            setHints(Set.of(Window.Hint.MODAL, Window.Hint.CENTERED));
            Panel panel = new Panel(new GridLayout(1).setLeftMarginSize(1).setRightMarginSize(1));
            if (description != null && !description.isEmpty()) {
                panel.addComponent(new Label(description));
            }
            ActionListBox list = new ActionListBox();
            list.setListItemRenderer(new GreyedItems());
            for (int i = 0; i < actions.size(); i++) {
                list.addItem(new Item(actions.get(i), i));
            }
            panel.addComponent(list);
            panel.addComponent(why);
            Button cancel = new Button("Cancel", this::close);
            cancel.setLayoutData(GridLayout.createLayoutData(GridLayout.Alignment.END, GridLayout.Alignment.CENTER));
            panel.addComponent(cancel);
            setComponent(panel);
        }

        /** One row: a label, and either its choice or the reason it does not apply. */
        private final class Item implements Runnable {
            final Action action;
            final int index;

            Item(Action action, int index) {
                this.action = action;
                this.index = index;
            }

            @Override
            public void run() {
                if (action.available()) {
                    chosen = index;
                    close();
                } else {
                    why.setText(Text.wrap("Not now: " + action.unavailable(), TEXT_WIDTH - 4));
                }
            }

            @Override
            public String toString() {
                return action.available() ? action.label() : action.label() + "  (-)";
            }
        }

        private static final class GreyedItems extends AbstractListBox.ListItemRenderer<Runnable, ActionListBox> {
            @Override
            public void drawItem(TextGUIGraphics graphics, ActionListBox box, int index, Runnable item,
                                 boolean selected, boolean focused) {
                super.drawItem(graphics, box, index, item, selected, focused);
                if (!selected && item instanceof PickWindow.Item i && !i.action.available()) {
                    graphics.applyThemeStyle(box.getThemeDefinition().getInsensitive());
                    graphics.putString(0, 0, getLabel(box, index, item));
                }
            }
        }
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

    private static final class ChoiceWindow extends CancelOnEscape {
        int chosen = -1;

        ChoiceWindow(String title, String text, String[] buttons, int focused) {
            super(title);
            setHints(Set.of(Window.Hint.MODAL, Window.Hint.CENTERED));
            Panel panel = new Panel(new GridLayout(1).setLeftMarginSize(1).setRightMarginSize(1));
            panel.addComponent(new Label(text));
            panel.addComponent(new EmptySpace(TerminalSize.ONE));
            Panel row = new Panel(new GridLayout(buttons.length).setHorizontalSpacing(1));
            Button focus = null;
            for (int i = 0; i < buttons.length; i++) {
                int index = i;
                Button b = new Button(buttons[i], () -> {
                    chosen = index;
                    close();
                });
                row.addComponent(b);
                if (i == focused) {
                    focus = b;
                }
            }
            row.setLayoutData(GridLayout.createLayoutData(GridLayout.Alignment.END, GridLayout.Alignment.CENTER));
            panel.addComponent(row);
            setComponent(panel);
            if (focus != null) {
                setFocusedInteractable(focus);
            }
        }
    }

    private static final class FormWindow extends CancelOnEscape {
        private final List<Supplier<String>> values = new ArrayList<>();
        private final Label error = new Label("");
        private final Function<List<String>, String> check;
        List<String> result;

        FormWindow(String title, String description, List<Field> fields, Function<List<String>, String> check) {
            super(title);
            this.check = check;
            setHints(Set.of(Window.Hint.MODAL, Window.Hint.CENTERED));
            Panel panel = new Panel(new GridLayout(1).setLeftMarginSize(1).setRightMarginSize(1));
            if (description != null && !description.isEmpty()) {
                panel.addComponent(new Label(fit(description)));
                panel.addComponent(new EmptySpace(TerminalSize.ONE));
            }
            Panel grid = new Panel(new GridLayout(2).setHorizontalSpacing(1));
            for (Field f : fields) {
                grid.addComponent(new Label(f.label()));
                if (f.toggle()) {
                    CheckBox box = new CheckBox();
                    box.setChecked(f.value().equals("yes"));
                    values.add(() -> box.isChecked() ? "yes" : "no");
                    grid.addComponent(box);
                    continue;
                }
                TextBox box = new FieldBox(40, f.value());
                if (f.masked()) {
                    box.setMask('*');
                }
                values.add(() -> box.getText().strip());
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
            List<String> entered = values.stream().map(Supplier::get).toList();
            String problem = check.apply(entered);
            if (problem != null) {
                error.setText(Text.wrap(problem, 56));
                return;
            }
            result = entered;
            close();
        }

        @Override
        public boolean handleInput(KeyStroke key) {
            if (key.getKeyType() == KeyType.Enter && getFocusedInteractable() instanceof TextBox) {
                ok(); // Enter in a field submits, as admins expect of a form
                return true;
            }
            return super.handleInput(key);
        }
    }
}
