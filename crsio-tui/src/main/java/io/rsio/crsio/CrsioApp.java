package io.rsio.crsio;

import com.googlecode.lanterna.SGR;
import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.gui2.BasicWindow;
import com.googlecode.lanterna.gui2.BorderLayout;
import com.googlecode.lanterna.gui2.Component;
import com.googlecode.lanterna.gui2.Container;
import com.googlecode.lanterna.gui2.GridLayout;
import com.googlecode.lanterna.gui2.Interactable;
import com.googlecode.lanterna.gui2.Label;
import com.googlecode.lanterna.gui2.MultiWindowTextGUI;
import com.googlecode.lanterna.gui2.Panel;
import com.googlecode.lanterna.gui2.TextBox;
import com.googlecode.lanterna.gui2.Window;
import com.googlecode.lanterna.gui2.WindowListenerAdapter;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import io.rsio.admin.DaemonControl;
import io.rsio.admin.RsiodCommand;
import io.rsio.admin.DaemonState;
import io.rsio.common.NamedThreads;
import io.rsio.common.RsioEnvironment;
import io.rsio.config.ConfigException;
import io.rsio.config.edit.ClientConfigEditor;
import io.rsio.config.edit.ConfigFileStore;
import io.rsio.control.ControlClient;
import io.rsio.control.ControlRows.PathRow;
import io.rsio.control.ControlRows.ReloadRow;
import io.rsio.crsio.screens.DaemonScreen;
import io.rsio.crsio.screens.DefaultsScreen;
import io.rsio.crsio.screens.InterfacesScreen;
import io.rsio.crsio.screens.LogScreen;
import io.rsio.crsio.screens.MenuScreen;
import io.rsio.crsio.screens.NamespaceScreen;
import io.rsio.crsio.screens.NamespacesScreen;
import io.rsio.crsio.screens.PathStatusScreen;
import io.rsio.crsio.screens.VolumesScreen;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * crsio: one full-screen window with a title bar (file, unsaved marker, screen), the current
 * screen, a message line and the key bar. Owns the config being edited, the services the
 * screens use, and the global keys:
 * <pre>
 *   F1  Help     Esc 1   ?        F3  Save    Esc 3   s (outside text fields)
 *   F7  Action   Esc 7   a        F9  Menu    Esc 9   m
 *   F10 Exit     Esc 0   q        Esc Esc: back to the menu     Ctrl-C: asks before quitting
 * </pre>
 * Esc then a digit also arrives as Alt-digit when typed quickly; both work. All UI work runs on
 * Lanterna's GUI thread; blocking work runs on a small pool and comes back through invokeLater.
 */
public final class CrsioApp implements ScreenHost {
    public static final int MIN_COLUMNS = 80;
    public static final int MIN_ROWS = 24;
    public static final String KEY_BAR = "[F1 Help] [F3 Save] [F7 Action] [F9 Menu] [F10 Exit]  Esc+1/3/7/9/0";
    private static final long ESC_WINDOW_NANOS = 2_000_000_000L;

    /**
     * @param configFile    the file to edit, normally /etc/rscltcfg
     * @param env           rsiod's run, log and device directories
     * @param rsiod         how the Daemon screen starts rsiod (see DaemonControl)
     * @param discoveryWait how long "Find NEW Namespace" listens for answers
     * @param refresh       the base refresh interval of the live screens
     */
    public record Options(Path configFile, RsioEnvironment env, RsiodCommand rsiod, Duration discoveryWait,
                          Duration refresh, TerminalLook look) {
        public Options {
            Objects.requireNonNull(configFile, "configFile");
            Objects.requireNonNull(env, "env");
            Objects.requireNonNull(rsiod, "rsiod");
            Objects.requireNonNull(look, "look");
        }

        public Options(Path configFile, RsioEnvironment env, RsiodCommand rsiod, Duration discoveryWait,
                       Duration refresh) {
            this(configFile, env, rsiod, discoveryWait, refresh, TerminalLook.COLOUR);
        }
    }

    private final MultiWindowTextGUI gui;
    private final Options options;
    private final ConfigFileStore store;
    private final ClientConfigEditor editor;
    private ConfigFileStore.Snapshot snapshot;
    private final DaemonControl daemon;
    private final ExecutorService background = Executors.newFixedThreadPool(2, new NamedThreads("crsio-work"));
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(new NamedThreads("crsio-tick"));
    private final CountDownLatch finished = new CountDownLatch(1);

    private final BasicWindow main = new BasicWindow();
    private final Panel root = new Panel(new BorderLayout());
    private final Panel content = new Panel(new BorderLayout());
    private final Label title = new Label("");
    private final Label status = new Label("");
    private final Label keyBar = new Label(KEY_BAR);
    private final Label tooSmall = new Label("");
    private boolean small;

    private final MenuScreen menu;
    private Screen current;
    private long escAt = -1;
    /** Namespaces whose node key the last path test saw refused, and by which server(s). */
    private final java.util.Map<String, String> refusedKeys = new java.util.TreeMap<>();
    private boolean scoWarned;

    private CrsioApp(MultiWindowTextGUI gui, Options options, ConfigFileStore store, ConfigFileStore.Loaded loaded)
            throws ConfigException {
        this.gui = gui;
        this.options = options;
        this.store = store;
        this.editor = ClientConfigEditor.of(options.configFile(), loaded.text());
        this.snapshot = loaded.snapshot();
        this.daemon = new DaemonControl(options.env(), options.rsiod());
        this.menu = new MenuScreen(this);
    }

    /**
     * Loads the config and builds the window on {@code gui}; call {@link #start()} next. A config
     * that does not parse is refused here with its file:line message, before any screen appears.
     */
    public static CrsioApp create(MultiWindowTextGUI gui, Options options) throws IOException, ConfigException {
        ConfigFileStore store = new ConfigFileStore(options.configFile());
        ConfigFileStore.Loaded loaded = store.load();
        CrsioApp app = new CrsioApp(gui, options, store, loaded);
        if (!loaded.existed()) {
            app.status("New file " + options.configFile() + ": start with Interfaces, then F3 Save");
        }
        return app;
    }

    /** Shows the main window and starts the refresh timer; the GUI thread must be started by the caller. */
    public void start() {
        if (options.look().colour()) {
            title.setForegroundColor(TextColor.ANSI.WHITE).setBackgroundColor(TextColor.ANSI.BLUE);
            keyBar.setForegroundColor(TextColor.ANSI.BLACK).setBackgroundColor(TextColor.ANSI.CYAN);
        } else {
            gui.setTheme(options.look().theme());
            title.addStyle(SGR.REVERSE);
            keyBar.addStyle(SGR.REVERSE);
        }
        Panel bottom = new Panel(new GridLayout(1).setLeftMarginSize(0).setRightMarginSize(0).setVerticalSpacing(0));
        bottom.addComponent(status, GridLayout.createHorizontallyFilledLayoutData(1));
        bottom.addComponent(keyBar, GridLayout.createHorizontallyFilledLayoutData(1));
        root.addComponent(title, BorderLayout.Location.TOP);
        root.addComponent(content, BorderLayout.Location.CENTER);
        root.addComponent(bottom, BorderLayout.Location.BOTTOM);
        main.setHints(Set.of(Window.Hint.FULL_SCREEN, Window.Hint.NO_DECORATIONS));
        main.setComponent(root);
        main.addWindowListener(new WindowListenerAdapter() {
            @Override
            public void onInput(Window window, KeyStroke key, AtomicBoolean deliverEvent) {
                if (globalKey(key)) {
                    deliverEvent.set(false);
                }
            }

            @Override
            public void onResized(Window window, TerminalSize oldSize, TerminalSize newSize) {
                checkSize();
            }
        });
        gui.setVirtualScreenEnabled(false);
        gui.addWindow(main);
        show(menu);
        checkSize();
        long ms = options.refresh().toMillis();
        ticker.scheduleAtFixedRate(() -> gui.getGUIThread().invokeLater(this::tick), ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Blocks until the user quits. */
    public void awaitExit() throws InterruptedException {
        finished.await();
    }

    public boolean exited() {
        return finished.getCount() == 0;
    }

    /** Stops the timers and the background pool (the GUI thread is the caller's). */
    public void shutdown() {
        ticker.shutdownNow();
        background.shutdownNow();
    }

    // ---- what screens use ----

    @Override
    public MultiWindowTextGUI gui() {
        return gui;
    }

    @Override
    public Options options() {
        return options;
    }

    @Override
    public ClientConfigEditor editor() {
        return editor;
    }

    @Override
    public DaemonControl daemon() {
        return daemon;
    }

    @Override
    public void showMenu() {
        show(menu);
    }

    @Override
    public void showNamespaces() {
        show(menu.namespaces());
    }

    /** The model changed: refresh the unsaved marker. */
    @Override
    public void changed() {
        updateTitle();
    }

    /**
     * The message line above the key bar: wrapped, never cut (a long message takes a second
     * line), and cleared when another screen is shown so nothing stale lingers.
     */
    @Override
    public void status(String text) {
        status.setText(Text.wrap(text.replace('\n', ' ').strip(), columns() - 1));
    }

    @Override
    public void show(Screen screen) {
        if (current != null) {
            current.hidden();
        }
        content.removeAllComponents();
        content.addComponent(screen.component(), BorderLayout.Location.CENTER);
        if (current != screen) {
            status("");
        }
        current = screen;
        screen.shown();
        focusFirst(screen.component());
        updateTitle();
    }

    /** The last path test of {@code namespace} saw its node key refused by {@code servers}. */
    @Override
    public void keyRefused(String namespace, String servers) {
        refusedKeys.put(namespace, servers);
    }

    /** The key of {@code namespace} was accepted, or changed since the refusal. */
    @Override
    public void keyAccepted(String namespace) {
        refusedKeys.remove(namespace);
    }

    public Screen current() {
        return current;
    }

    /** Opens the form of a new namespace (the seed's "Add NEW Namespace"). */
    @Override
    public void addNewNamespace() {
        show(new NamespaceScreen(this, null));
    }

    /** Runs {@code work} off the GUI thread; {@code done} or {@code failed} run on the GUI thread. */
    @Override
    public <T> void background(Callable<T> work, Consumer<T> done, Consumer<Exception> failed) {
        background.submit(() -> {
            try {
                T result = work.call();
                gui.getGUIThread().invokeLater(() -> done.accept(result));
            } catch (Exception e) {
                gui.getGUIThread().invokeLater(() -> failed.accept(e));
            }
        });
    }

    /** As {@link #background}, with a waiting dialog shown meanwhile (the screen keeps drawing). */
    @Override
    public <T> void withWaiting(String title, String text, Callable<T> work, Consumer<T> done) {
        Window waiting = Dialogs.waiting(gui, title, text,
                () -> status(title + ": still working in the background; the result shows when it is done"));
        background(work, r -> {
            waiting.close();
            done.accept(r);
        }, e -> {
            waiting.close();
            Dialogs.message(gui, title, Text.wrap(message(e), 60));
        });
    }

    public static String message(Throwable e) {
        return ScreenHost.message(e);
    }

    /**
     * Saves the config (F3). Returns true when saved. After a save, offers to reload a running
     * rsiod so it uses the new file.
     */
    @Override
    public boolean save() {
        if (current instanceof ScreenHost.Validating v) {
            String problem = v.problem();
            if (problem != null) {
                Dialogs.message(gui, "Not saved", Text.wrap(problem, 60));
                return false;
            }
        }
        boolean hadFile = snapshot.exists();
        try {
            snapshot = store.save(editor.text(), snapshot);
        } catch (ConfigFileStore.ChangedOnDiskException e) {
            int c = Dialogs.choice(gui, "Changed on disk", Text.wrap(e.getMessage(), 60) + "\n\nKeep editing,"
                    + " save your version as another file, or reload the file from disk (your changes are lost).",
                    "Keep editing", "Save as...", "Reload from disk");
            if (c == 1) {
                saveAs();
            } else if (c == 2 && Dialogs.confirm(gui, "Reload from disk", "Reload " + options.configFile()
                    + " from disk?\nYour unsaved changes are lost.", "Keep editing", "Reload")) {
                reloadFromDisk();
            }
            return false;
        } catch (ConfigException | IOException e) {
            Dialogs.message(gui, "Not saved", Text.wrap(message(e), 60));
            return false;
        }
        editor.markSaved();
        updateTitle();
        StringBuilder saved = new StringBuilder("Saved " + options.configFile() + (hadFile ? " (previous version in "
                + store.backup().getFileName() + ")" : ""));
        refusedKeys.forEach((ns, servers) -> saved.append(", but the node key of ").append(ns)
                .append(" was refused by the server (").append(servers).append(") in the last path test"));
        status(saved.toString());
        if (current != null) {
            current.shown();
        }
        background(daemon::state, this::offerReload, e -> { });
        return true;
    }

    /** Writes the text being edited to another file (same checks, mode 0600); the edited file stays as it is. */
    private void saveAs() {
        Path suggested = options.configFile().resolveSibling(options.configFile().getFileName() + ".crsio");
        Dialogs.form(gui, "Save as", "Save the configuration as another file (" + options.configFile().getFileName()
                + " stays as it is on disk).", List.of(Dialogs.Field.of("File", suggested.toString())), v -> {
                    if (v.getFirst().isEmpty()) {
                        return "a file name, please";
                    }
                    try {
                        Path target = Path.of(v.getFirst()).toAbsolutePath();
                        if (target.equals(options.configFile().toAbsolutePath())) {
                            return "that is the file changed on disk; choose another name";
                        }
                        ConfigFileStore other = new ConfigFileStore(target);
                        other.save(editor.text(), other.load().snapshot());
                        return null;
                    } catch (ConfigException | IOException | RuntimeException e) {
                        return message(e);
                    }
                }).ifPresent(v -> status("Saved as " + Path.of(v.getFirst()).toAbsolutePath() + "; "
                        + options.configFile().getFileName() + " is unchanged, rsiod reads that one"));
    }

    private void offerReload(DaemonState state) {
        if (!state.answering() || exited()) {
            return;
        }
        int c = Dialogs.choice(gui, "rsiod is running", "Saved. Reload the running rsiod so it uses the new file?\n"
                + "(attached volumes stay up)", "Reload", "Later");
        if (c == 0) {
            reloadDaemon();
        }
    }

    /** rsiod's answer to a reload, and the paths that came and went. */
    private record Reloaded(List<ReloadRow> rows, String changed) {}

    /** Asks rsiod to reload and shows what it did, and which paths came and went (with their RTT). */
    @Override
    public void reloadDaemon() {
        ControlClient client = new ControlClient(options.env().controlSocket());
        withWaiting("Reload", "Asking rsiod to read " + options.configFile() + " again...", () -> {
            Map<String, PathRow> before = PathChanges.paths(client);
            List<ReloadRow> rows = daemon.reload();
            return new Reloaded(rows, PathChanges.describe(before, PathChanges.settled(client, before,
                    Duration.ofSeconds(5))));
        }, reloaded -> {
            List<ReloadRow> rows = reloaded.rows();
            StringBuilder text = new StringBuilder();
            for (ReloadRow r : rows) {
                text.append(switch (r.action()) {
                    case "applied" -> "done:    ";
                    case "restart" -> "restart: ";
                    case "refused" -> "refused: ";
                    default -> "";
                }).append(r.change()).append('\n');
            }
            boolean restart = rows.stream().anyMatch(r -> r.action().equals("restart"));
            List<ReloadRow> refused = rows.stream().filter(r -> r.action().equals("refused")).toList();
            // What changed, in one line that stays after the dialog (Path Status shows the new paths live).
            status((refused.isEmpty() ? "Reload: " : "Reload (" + refused.size() + " refused, the running paths stay): ")
                    + String.join("; ", rows.stream().map(ReloadRow::change).toList()) + ". " + reloaded.changed());
            text.append('\n').append(reloaded.changed()).append('\n');
            if (restart) {
                text.append("\nSome changes take effect only after Daemon > F7 > Restart.");
            }
            Dialogs.message(gui, "Reload", Text.wrap(text.toString().strip(), 66));
        });
    }

    private void reloadFromDisk() {
        try {
            ConfigFileStore.Loaded loaded = store.load();
            editor.reset(loaded.text());
            snapshot = loaded.snapshot();
            show(menu);
            status("Reloaded " + options.configFile() + " from disk");
        } catch (IOException | ConfigException e) {
            Dialogs.message(gui, "Cannot reload", Text.wrap(message(e), 60));
        }
    }

    /** F10: asks Save / Discard / Cancel when there are unsaved changes. rsiod keeps running. */
    public void quit() {
        if (editor.dirty()) {
            int c = Dialogs.choice(gui, "Unsaved changes", "Save the changes to " + options.configFile() + "?\n"
                    + "Discard loses every change since the last save; Cancel goes back.", "Save", "Discard", "Cancel");
            if (c == 0 && !save()) {
                return;
            }
            if (c != 0 && c != 1) {
                return;
            }
        }
        main.close();
        finished.countDown();
    }

    public void help() {
        String text = current.help() + "\n\n" + """
                F1 Esc 1 ?  help      F3 Esc 3 s  save     F7 Esc 7 a  actions
                F9 Esc 9 m  menu      F10 Esc 0 q exit     Esc Esc     back to menu
                Esc closes menus and dialogs. Letters work outside text fields;
                Tab moves between fields. Quitting crsio never stops rsiod.""";
        Dialogs.message(gui, "Help: " + current.name(), text);
    }

    public void actionMenu() {
        List<Action> actions = current.actions();
        if (actions.isEmpty()) {
            status("No actions on this screen");
            return;
        }
        int i = Dialogs.pickAction(gui, "Action", "Actions on " + current.name() + ":", actions);
        if (i >= 0) {
            actions.get(i).run().run();
        }
    }

    // ---- keys ----

    private boolean globalKey(KeyStroke key) {
        if (small) {
            if (isCtrlC(key) || functionKey(key) == 10) {
                quit();
            }
            return true;
        }
        if (isCtrlC(key)) {
            if (Dialogs.choice(gui, "Quit crsio?", "Leave crsio? rsiod keeps running.", "Quit", "Cancel") == 0) {
                quit();
            }
            return true;
        }
        if (key instanceof KeyProfiles.ScoKeyStroke && !scoWarned) {
            scoWarned = true;
            status("PuTTY sends SCO function keys: set Terminal > Keyboard > Function keys to ESC[n~ for other programs");
        }
        int f = functionKey(key);
        if (f > 0) {
            escAt = -1;
            return functionKeyAction(f);
        }
        if (key.getKeyType() == KeyType.Escape) {
            if (escAt >= 0 && System.nanoTime() - escAt < ESC_WINDOW_NANOS) {
                escAt = -1;
                show(menu); // Esc Esc: back
            } else {
                escAt = System.nanoTime();
            }
            return true;
        }
        if (escAt >= 0) {
            escAt = -1;
            show(menu); // Esc and a key that is not a digit: back, and the key is dropped
            return true;
        }
        boolean typing = gui.getFocusedInteractable() instanceof TextBox box && !box.isReadOnly();
        if (key.getKeyType() == KeyType.Character && (key.isCtrlDown() || key.isAltDown())
                && !current.onKey(key)) {
            return true; // Lanterna's text box would insert Ctrl-A as "a": such keys mean nothing here
        }
        if (key.getKeyType() == KeyType.Character && !key.isCtrlDown() && !key.isAltDown() && !typing) {
            if (current.onKey(key)) {
                return true;
            }
            return switch (key.getCharacter()) {
                case '?' -> functionKeyAction(1);
                case 's' -> functionKeyAction(3);
                case 'a' -> functionKeyAction(7);
                case 'm' -> functionKeyAction(9);
                case 'q' -> functionKeyAction(10);
                default -> false;
            };
        }
        return !typing && current.onKey(key);
    }

    /** The F-key number of F1–F12, of Esc-then-digit and of Alt-digit (1–9, 0 = F10); 0 otherwise. */
    private int functionKey(KeyStroke key) {
        KeyType t = key.getKeyType();
        if (t.ordinal() >= KeyType.F1.ordinal() && t.ordinal() <= KeyType.F12.ordinal() && !key.isAltDown()
                && !key.isCtrlDown() && !key.isShiftDown()) {
            return t.ordinal() - KeyType.F1.ordinal() + 1;
        }
        boolean escPrefix = escAt >= 0 && System.nanoTime() - escAt < ESC_WINDOW_NANOS;
        if (t == KeyType.Character && Character.isDigit(key.getCharacter()) && !key.isCtrlDown()
                && (key.isAltDown() || escPrefix)) {
            int d = key.getCharacter() - '0';
            return d == 0 ? 10 : d;
        }
        return 0;
    }

    private boolean functionKeyAction(int f) {
        switch (f) {
            case 1 -> help();
            case 3 -> save();
            case 7 -> actionMenu();
            case 9 -> show(menu);
            case 10 -> quit();
            default -> {
                return false;
            }
        }
        return true;
    }

    private static boolean isCtrlC(KeyStroke key) {
        return key.getKeyType() == KeyType.Character && key.isCtrlDown() && !key.isAltDown()
                && Character.toLowerCase(key.getCharacter()) == 'c';
    }

    // ---- layout ----

    private void tick() {
        checkSize();
        if (current != null && !small && !exited()) {
            current.tick();
        }
    }

    private void checkSize() {
        TerminalSize size = gui.getScreen().getTerminalSize();
        boolean tooSmallNow = size.getColumns() < MIN_COLUMNS || size.getRows() < MIN_ROWS;
        if (tooSmallNow) {
            tooSmall.setText("crsio needs a terminal of at least " + MIN_COLUMNS + "x" + MIN_ROWS + "; this one is "
                    + size.getColumns() + "x" + size.getRows() + ".\nMake the window larger, or press F10 to exit.");
        }
        if (tooSmallNow != small) {
            small = tooSmallNow;
            main.setComponent(small ? tooSmall : root);
            if (!small && current != null) {
                focusFirst(current.component());
            }
        }
        if (!small) {
            updateTitle();
        }
    }

    private int columns() {
        return Math.max(MIN_COLUMNS, gui.getScreen().getTerminalSize().getColumns());
    }

    private void updateTitle() {
        String left = " crsio  " + options.configFile() + (editor.dirty() ? " *" : "");
        String right = (current == null ? "" : current.name()) + " ";
        int width = columns();
        title.setText(Text.pad(left, Math.max(0, width - right.length())) + right);
    }

    private void focusFirst(Component component) {
        Interactable first = component instanceof Container c ? c.nextFocus(null)
                : component instanceof Interactable i ? i : null;
        if (first != null) {
            main.setFocusedInteractable(first);
        }
    }
}
