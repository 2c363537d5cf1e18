package io.rsio.crsio;

import com.googlecode.lanterna.gui2.Component;
import com.googlecode.lanterna.input.KeyStroke;
import java.util.List;

/**
 * One screen of crsio's main window. A screen owns its component, offers its F7 actions and
 * may refresh itself while it is shown. Every method is called on the GUI thread; work that
 * blocks (network, processes, files that may be slow) goes through {@link CrsioApp#background}.
 */
public interface Screen {
    /** Name in the title bar, e.g. "Interfaces". */
    String name();

    /** The screen's content, built once. */
    Component component();

    /** The F7 actions that fit the screen now. */
    List<Action> actions();

    /** Help text for F1. */
    String help();

    /** Called when the screen is shown: pull the model into the view. */
    default void shown() {
    }

    /** Called when another screen replaces it. */
    default void hidden() {
    }

    /** Called every refresh interval while shown (on the GUI thread; start background work from here). */
    default void tick() {
    }

    /** Keys of the screen's own (letters are offered only outside text fields); true when used. */
    default boolean onKey(KeyStroke key) {
        return false;
    }
}
