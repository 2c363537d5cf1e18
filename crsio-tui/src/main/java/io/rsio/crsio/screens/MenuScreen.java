package io.rsio.crsio.screens;

import com.googlecode.lanterna.gui2.ActionListBox;
import com.googlecode.lanterna.gui2.BorderLayout;
import com.googlecode.lanterna.gui2.Component;
import com.googlecode.lanterna.gui2.Label;
import com.googlecode.lanterna.gui2.Panel;
import io.rsio.config.ClientConfig;
import io.rsio.crsio.Action;
import io.rsio.crsio.ScreenHost;
import io.rsio.crsio.Screen;
import io.rsio.crsio.Text;
import java.util.List;

/** The main menu: every screen, and "Add NEW Namespace". */
public final class MenuScreen implements Screen {
    private final ScreenHost app;
    private final Panel panel = new Panel(new BorderLayout());
    private final ActionListBox list = new ActionListBox();
    private final Label summary = new Label("");
    private final DefaultsScreen defaults;
    private final InterfacesScreen interfaces;
    private final NamespacesScreen namespaces;
    private final DaemonScreen daemon;
    private final PathStatusScreen paths;
    private final VolumesScreen volumes;
    private final LogScreen log;

    public MenuScreen(ScreenHost app) {
        this.app = app;
        this.defaults = new DefaultsScreen(app);
        this.interfaces = new InterfacesScreen(app);
        this.namespaces = new NamespacesScreen(app);
        this.daemon = new DaemonScreen(app);
        this.paths = new PathStatusScreen(app);
        this.volumes = new VolumesScreen(app);
        this.log = new LogScreen(app);
        panel.addComponent(new Label(" Main menu (Enter opens, F7 for actions, F1 for help)"), BorderLayout.Location.TOP);
        panel.addComponent(list, BorderLayout.Location.CENTER);
        panel.addComponent(summary, BorderLayout.Location.BOTTOM);
    }

    public NamespacesScreen namespaces() {
        return namespaces;
    }

    public DaemonScreen daemon() {
        return daemon;
    }

    @Override
    public String name() {
        return "Main menu";
    }

    @Override
    public Component component() {
        return panel;
    }

    @Override
    public void shown() {
        int selected = Math.max(0, list.getSelectedIndex());
        list.clearItems();
        ClientConfig c = app.editor().config();
        item("Defaults", "protocol, port and the multipath settings", defaults);
        item("Interfaces", c.interfaces().size() + " client interface(s) rsiod uses", interfaces);
        item("Namespaces", c.namespaces().size() + " namespace(s): log-in data and servers", namespaces);
        list.addItem(Text.pad(" Add NEW Namespace", 20) + "find a namespace and its servers", app::addNewNamespace);
        item("Daemon", "rsiod: state, start, stop, restart, reload", daemon);
        item("Path Status", "every path, live", paths);
        item("Volumes", "the volumes rsiod offers (rsconfig -q)", volumes);
        item("Log", "follow rsiod's log", log);
        list.setSelectedIndex(Math.min(selected, list.getItemCount() - 1));
        summary.setText(" Config: " + app.options().configFile() + "   run dir: " + app.options().env().runDir());
    }

    private void item(String name, String what, Screen screen) {
        list.addItem(Text.pad(" " + name, 20) + what, () -> app.show(screen));
    }

    @Override
    public List<Action> actions() {
        return List.of(new Action("Add NEW Namespace", app::addNewNamespace),
                new Action("Start rsiod (Daemon screen)", () -> {
                    app.show(daemon);
                    daemon.start();
                }),
                new Action("Save (F3)", app::save));
    }

    @Override
    public String help() {
        return """
                crsio sets up this client for RSIO and runs rsiod. The lab's way:
                 1. Interfaces: add the client interfaces (F7 > Add interface ...).
                 2. F3 Save.
                 3. Add NEW Namespace, then F7 > Find NEW Namespace.
                 4. Enter the node name and node key (the server lists them in [clients]).
                 5. F7 > Find NEW Namespace Servers (also tests every path).
                 6. F3 Save; then Daemon > F7 > Start rsiod.""";
    }
}
