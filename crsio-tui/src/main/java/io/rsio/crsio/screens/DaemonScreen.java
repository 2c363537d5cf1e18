package io.rsio.crsio.screens;

import com.googlecode.lanterna.gui2.Component;
import com.googlecode.lanterna.gui2.GridLayout;
import com.googlecode.lanterna.gui2.Label;
import com.googlecode.lanterna.gui2.Panel;
import io.rsio.control.ControlClient;
import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.LocalRow;
import io.rsio.admin.DaemonState;
import io.rsio.crsio.Action;
import io.rsio.crsio.ScreenHost;
import io.rsio.crsio.Dialogs;
import io.rsio.crsio.Screen;
import io.rsio.crsio.Text;
import java.util.List;

/** rsiod: state, pid, uptime; start, stop, restart, reload. */
public final class DaemonScreen implements Screen {
    private final ScreenHost app;
    private final Panel panel = new Panel(new GridLayout(1));
    private final Label state = new Label("(asking)");
    private final Label pid = new Label("");
    private final Label uptime = new Label("");
    private final Label config = new Label("");
    private final Label message = new Label("");
    private DaemonState last;
    private boolean asking;

    DaemonScreen(ScreenHost app) {
        this.app = app;
        Panel grid = new Panel(new GridLayout(2).setHorizontalSpacing(2));
        grid.addComponent(new Label("rsiod"));
        grid.addComponent(state);
        grid.addComponent(new Label("PID"));
        grid.addComponent(pid);
        grid.addComponent(new Label("Uptime"));
        grid.addComponent(uptime);
        grid.addComponent(new Label("Config"));
        grid.addComponent(config);
        grid.addComponent(new Label("Control"));
        grid.addComponent(new Label(Text.cut(app.daemon().env().controlSocket().toString(), 60)));
        grid.addComponent(new Label("Log"));
        grid.addComponent(new Label(Text.cut(app.daemon().logFile().toString(), 60)));
        grid.addComponent(new Label("Status"));
        grid.addComponent(message);
        panel.addComponent(grid);
        panel.addComponent(new Label(""));
        panel.addComponent(new Label(" F7: Start, Stop, Restart, Reload. rsiod runs on its own: quitting crsio"));
        panel.addComponent(new Label(" leaves it and the attached volumes running."));
    }

    @Override
    public String name() {
        return "Daemon";
    }

    @Override
    public Component component() {
        return panel;
    }

    @Override
    public void shown() {
        refresh();
    }

    @Override
    public void tick() {
        refresh();
    }

    private void refresh() {
        if (asking) {
            return;
        }
        asking = true;
        app.background(app.daemon()::state, s -> {
            asking = false;
            show(s);
        }, e -> asking = false);
    }

    private void show(DaemonState s) {
        last = s;
        state.setText(s.label());
        pid.setText(s.pid() > 0 && s.running() ? Long.toString(s.pid()) : "-");
        uptime.setText(s.uptime(System.currentTimeMillis()).map(DaemonState::formatUptime).orElse("-"));
        config.setText(Text.cut(s.config().isEmpty() ? "-" : s.config(), 60));
        message.setText(Text.cut(s.message(), 60));
    }

    @Override
    public List<Action> actions() {
        // A fixed order: what does not apply now is greyed, so Stop never slides under the cursor.
        boolean running = last != null && last.running();
        return List.of(Action.when(!running, "Start rsiod", this::start, "rsiod is running"),
                Action.when(running, "Reload rsiod (read the saved config again)", app::reloadDaemon,
                        "rsiod is not running"),
                Action.when(running, "Restart rsiod", () -> stopThen(true), "rsiod is not running"),
                Action.when(running, "Stop rsiod", () -> stopThen(false), "rsiod is not running"),
                new Action("Refresh", this::refresh));
    }

    /** Starts rsiod with the saved file (offers to save first). */
    public void start() {
        if (app.editor().dirty()) {
            int c = Dialogs.choice(app.gui(), "Start rsiod", "rsiod reads the saved file. Save your changes first?",
                    "Save and start", "Start without", "Cancel");
            if (c == 2 || c < 0 || (c == 0 && !app.save())) {
                return;
            }
        }
        app.withWaiting("Start rsiod", "Starting rsiod with " + app.options().configFile() + " ...",
                () -> app.daemon().start(app.options().configFile()), s -> {
                    show(s);
                    app.status("rsiod started (pid " + s.pid() + "); Path Status shows the paths");
                });
    }

    /**
     * Stop (or restart) as {@code rsconfig --stop} does: rsiod detaches every device first and
     * refuses while one is mounted or open, naming the mount point or process; "Stop anyway" is
     * only offered after that refusal, as a second explicit choice. Keep running has the focus.
     */
    private void stopThen(boolean restart) {
        String verb = restart ? "Restart" : "Stop";
        ControlClient client = new ControlClient(app.options().env().controlSocket());
        app.background(() -> attachedDevices(client), devices -> {
            String text = verb + " rsiod" + (last != null && last.pid() > 0 ? " (pid " + last.pid() + ")" : "")
                    + "? Its paths close.\n" + (devices.isEmpty() ? "No device is attached."
                    : "rsiod detaches these first and refuses if one is mounted or open:\n  "
                    + String.join("\n  ", devices));
            if (Dialogs.confirm(app.gui(), verb + " rsiod", text, "Keep running", verb)) {
                stop(verb, restart, false);
            }
        }, e -> Dialogs.message(app.gui(), verb + " rsiod", ScreenHost.message(e)));
    }

    private static List<String> attachedDevices(ControlClient client) {
        try {
            ControlResponse r = client.call("local");
            return r.ok() ? r.rows(LocalRow.class).stream().map(l -> l.namespace() + ":" + l.name() + " "
                    + l.blockPath()).toList() : List.of();
        } catch (ControlClient.ControlException e) {
            return List.of(); // not answering: the stop itself will say so
        }
    }

    private void stop(String verb, boolean restart, boolean force) {
        app.withWaiting(verb + " rsiod", force ? "Stopping rsiod, detaching by force ..." : "Stopping rsiod ...",
                () -> app.daemon().stopLikeRsconfig(force), answer -> {
                    if (answer.stopped()) {
                        after(restart);
                        return;
                    }
                    String why = String.join("\n", answer.refused());
                    app.status("rsiod keeps running: a device is in use");
                    if (Dialogs.confirm(app.gui(), "rsiod not stopped", "rsiod keeps running (as rsconfig --stop"
                            + " would):\n" + why + "\n\nStop anyway unmounts lazily and detaches by force;"
                            + " programs still using the device get I/O errors.", "Keep running", "Stop anyway")) {
                        stop(verb, restart, true);
                    }
                });
    }

    private void after(boolean restart) {
        app.status("rsiod stopped");
        if (restart) {
            start();
        } else {
            refresh();
        }
    }

    @Override
    public String help() {
        return """
                rsiod is the client daemon: it logs in to every server over every path and
                offers the volumes. Start runs it as its own process (setsid), so it keeps
                running after crsio ends. Stop works as rsconfig --stop: rsiod detaches
                every device first and refuses while one is mounted or open (Stop anyway
                forces it). Reload makes rsiod read the saved file: a new namespace starts
                at once; other changes need Restart.""";
    }
}
