package io.rsio.crsio.screens;

import com.googlecode.lanterna.gui2.Component;
import com.googlecode.lanterna.gui2.GridLayout;
import com.googlecode.lanterna.gui2.Label;
import com.googlecode.lanterna.gui2.Panel;
import io.rsio.admin.DaemonControl;
import io.rsio.admin.DaemonState;
import io.rsio.crsio.Action;
import io.rsio.crsio.CrsioApp;
import io.rsio.crsio.Dialogs;
import io.rsio.crsio.Screen;
import io.rsio.crsio.Text;
import java.util.ArrayList;
import java.util.List;

/** rsiod: state, pid, uptime; start, stop, restart, reload. */
public final class DaemonScreen implements Screen {
    private final CrsioApp app;
    private final Panel panel = new Panel(new GridLayout(1));
    private final Label state = new Label("(asking)");
    private final Label pid = new Label("");
    private final Label uptime = new Label("");
    private final Label config = new Label("");
    private final Label message = new Label("");
    private DaemonState last;
    private boolean asking;

    DaemonScreen(CrsioApp app) {
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
        List<Action> a = new ArrayList<>();
        boolean running = last != null && last.running();
        if (!running) {
            a.add(new Action("Start rsiod", this::start));
        } else {
            a.add(new Action("Reload rsiod (read the saved config again)", app::reloadDaemon));
            a.add(new Action("Restart rsiod", () -> stopThen(true)));
            a.add(new Action("Stop rsiod", () -> stopThen(false)));
        }
        a.add(new Action("Refresh", this::refresh));
        return a;
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

    private void stopThen(boolean restart) {
        String verb = restart ? "Restart" : "Stop";
        if (Dialogs.choice(app.gui(), verb + " rsiod", verb + " rsiod? Its paths close; volumes in use by"
                + " programs stop working until it runs again.", verb, "Cancel") != 0) {
            return;
        }
        app.withWaiting(verb + " rsiod", "Stopping rsiod ...", () -> {
            try {
                app.daemon().stop(false);
                return "";
            } catch (DaemonControl.DaemonException e) {
                return e.getMessage();
            }
        }, refused -> {
            if (!refused.isEmpty()) {
                if (refused.startsWith("not stopped") && Dialogs.choice(app.gui(), verb + " rsiod",
                        Text.wrap(refused, 60), "Stop anyway", "Cancel") == 0) {
                    app.withWaiting(verb + " rsiod", "Stopping rsiod ...", () -> {
                        app.daemon().stop(true);
                        return true;
                    }, ok -> after(restart));
                } else if (!refused.startsWith("not stopped")) {
                    Dialogs.message(app.gui(), verb + " rsiod", Text.wrap(refused, 60));
                }
                return;
            }
            after(restart);
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
                running after crsio ends. Stop sends SIGTERM and is refused while a file
                system on an RSIO device is mounted. Reload makes rsiod read the saved file:
                a new namespace starts at once; other changes need Restart.""";
    }
}
