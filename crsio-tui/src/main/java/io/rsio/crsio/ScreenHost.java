package io.rsio.crsio;

import com.googlecode.lanterna.gui2.MultiWindowTextGUI;
import io.rsio.admin.DaemonControl;
import io.rsio.config.edit.ClientConfigEditor;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

/**
 * What a screen may ask of the crsio window that shows it: the config being edited, the daemon,
 * the message line, navigation and background work. Screens depend on this, not on
 * {@link CrsioApp}, so the screens and the application do not import each other in a circle.
 */
public interface ScreenHost {
    MultiWindowTextGUI gui();

    CrsioApp.Options options();

    ClientConfigEditor editor();

    DaemonControl daemon();

    /** The model changed: refresh the unsaved marker. */
    void changed();

    /** The message line above the key bar. */
    void status(String text);

    void show(Screen screen);

    /** Back to the main menu. */
    void showMenu();

    /** The list of namespaces (after one was removed). */
    void showNamespaces();

    /** Opens the form of a new namespace (the seed's "Add NEW Namespace"). */
    void addNewNamespace();

    /** Saves the config (F3); true when saved. */
    boolean save();

    /** Asks rsiod to reload and shows what it did. */
    void reloadDaemon();

    /** The last path test of {@code namespace} saw its node key refused by {@code servers}. */
    void keyRefused(String namespace, String servers);

    /** The key of {@code namespace} was accepted, or changed since a refusal. */
    void keyAccepted(String namespace);

    /** Runs {@code work} off the GUI thread; {@code done} or {@code failed} run on the GUI thread. */
    <T> void background(Callable<T> work, Consumer<T> done, Consumer<Exception> failed);

    /** As {@link #background}, with a waiting window shown meanwhile. */
    <T> void withWaiting(String title, String text, Callable<T> work, Consumer<T> done);

    /** A screen that may hold input that cannot be saved yet. */
    interface Validating {
        /** Why the screen's input cannot be saved, or null. */
        String problem();
    }

    /** An exception's message for the screen (its class name when it has none). */
    static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
