package io.rsio.crsio.screens;

import com.googlecode.lanterna.gui2.Component;
import com.googlecode.lanterna.gui2.GridLayout;
import com.googlecode.lanterna.gui2.Label;
import com.googlecode.lanterna.gui2.Panel;
import com.googlecode.lanterna.gui2.table.Table;
import io.rsio.config.ClientConfig;
import io.rsio.config.ConfigException;
import io.rsio.config.ConfigValues;
import io.rsio.crsio.Action;
import io.rsio.crsio.CrsioApp;
import io.rsio.crsio.Dialogs;
import io.rsio.crsio.Screen;
import io.rsio.discovery.LinkFacts;
import io.rsio.discovery.LocalInterface;
import io.rsio.discovery.LocalInterfaces;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The client interfaces rsiod uses ([interface] sections), with what this host says of each,
 * and the detected network devices to add from.
 */
public final class InterfacesScreen implements Screen {
    private final CrsioApp app;
    private final Panel panel = new Panel(new GridLayout(1));
    private final Table<String> configured = new Table<>("Name", "Address", "Port", "Device", "MTU", "Speed", "State");
    private final Table<String> detected = new Table<>("Device", "Address/prefix", "Broadcast", "MAC", "MTU", "Speed",
            "State");
    private List<LocalInterface> nics = List.of();

    InterfacesScreen(CrsioApp app) {
        this.app = app;
        panel.addComponent(new Label(" Client interfaces rsiod uses (Enter edits):"));
        configured.setVisibleRows(8);
        configured.setSelectAction(this::edit);
        panel.addComponent(configured);
        panel.addComponent(new Label(" Detected on this host (Enter adds):"));
        detected.setVisibleRows(6);
        detected.setSelectAction(() -> addDetected(detected.getSelectedRow()));
        panel.addComponent(detected);
    }

    @Override
    public String name() {
        return "Interfaces";
    }

    @Override
    public Component component() {
        return panel;
    }

    @Override
    public void shown() {
        nics = LocalInterfaces.list();
        fill();
    }

    private void fill() {
        int sel = configured.getSelectedRow();
        configured.getTableModel().clear();
        for (ClientConfig.Interface i : app.editor().config().interfaces()) {
            Optional<LocalInterface> local = LocalInterfaces.byAddress(i.address());
            LinkFacts f = local.map(LocalInterface::facts).orElse(LinkFacts.UNKNOWN);
            configured.getTableModel().addRow(i.name(), i.address(), Integer.toString(i.port()),
                    local.map(LocalInterface::device).orElse("(not here)"), f.mtu() > 0 ? Integer.toString(f.mtu()) : "-",
                    f.speedText(), f.state());
        }
        if (configured.getTableModel().getRowCount() == 0) {
            configured.getTableModel().addRow("(none)", "F7 > Add interface", "", "", "", "", "");
        }
        configured.setSelectedRow(Math.max(0, Math.min(sel, configured.getTableModel().getRowCount() - 1)));
        detected.getTableModel().clear();
        for (LocalInterface n : nics) {
            detected.getTableModel().addRow(n.device(), n.cidr(), n.broadcast().orElse("-"),
                    n.facts().mac().isEmpty() ? "-" : n.facts().mac(),
                    n.facts().mtu() > 0 ? Integer.toString(n.facts().mtu()) : "-", n.facts().speedText(),
                    n.facts().state());
        }
    }

    @Override
    public List<Action> actions() {
        List<Action> a = new ArrayList<>();
        a.add(new Action("Add interface from detected NIC", this::pickDetected));
        a.add(new Action("Add interface by hand", () -> add("")));
        if (!app.editor().config().interfaces().isEmpty()) {
            a.add(new Action("Edit interface", this::edit));
            a.add(new Action("Remove interface", this::remove));
        }
        a.add(new Action("Rescan detected NICs", this::shown));
        return a;
    }

    private void pickDetected() {
        if (nics.isEmpty()) {
            Dialogs.message(app.gui(), "Interfaces", "No network device with an address is up.");
            return;
        }
        List<String> items = nics.stream().map(n -> n.device() + "  " + n.cidr() + "  " + n.facts().speedText() + "  "
                + n.facts().state()).toList();
        int i = Dialogs.pick(app.gui(), "Detected NICs", "Add which address as a client interface?", items);
        if (i >= 0) {
            addDetected(i);
        }
    }

    private void addDetected(int index) {
        if (index >= 0 && index < nics.size()) {
            add(nics.get(index).address());
        }
    }

    private void add(String address) {
        String name = app.editor().nextInterfaceName();
        Dialogs.form(app.gui(), "Add interface", "A client interface rsiod binds its paths to.",
                List.of(Dialogs.Field.of("Name", name), Dialogs.Field.of("Address", address)), v -> {
                    String problem = check(v);
                    if (problem != null) {
                        return problem;
                    }
                    try {
                        app.editor().addInterface(v.get(0), v.get(1));
                        return null;
                    } catch (ConfigException e) {
                        return e.reason();
                    }
                }).ifPresent(v -> {
                    app.changed();
                    app.status("Interface " + v.get(0) + " " + v.get(1) + " added; F3 saves");
                    fill();
                });
    }

    private void edit() {
        List<ClientConfig.Interface> list = app.editor().config().interfaces();
        int row = configured.getSelectedRow();
        if (row < 0 || row >= list.size()) {
            add("");
            return;
        }
        ClientConfig.Interface itf = list.get(row);
        Dialogs.form(app.gui(), "Edit interface " + itf.name(), null,
                List.of(Dialogs.Field.of("Name", itf.name()), Dialogs.Field.of("Address", itf.address())), v -> {
                    String problem = check(v);
                    if (problem != null) {
                        return problem;
                    }
                    try {
                        app.editor().updateInterface(itf.name(), v.get(0), v.get(1));
                        return null;
                    } catch (ConfigException e) {
                        return e.reason();
                    }
                }).ifPresent(v -> {
                    app.changed();
                    fill();
                });
    }

    private void remove() {
        List<ClientConfig.Interface> list = app.editor().config().interfaces();
        int row = configured.getSelectedRow();
        if (row < 0 || row >= list.size()) {
            return;
        }
        String name = list.get(row).name();
        if (Dialogs.choice(app.gui(), "Remove interface", "Remove interface " + name + " (" + list.get(row).address()
                + ")?", "Remove", "Cancel") == 0) {
            try {
                app.editor().removeInterface(name);
                app.changed();
                fill();
            } catch (ConfigException e) {
                Dialogs.message(app.gui(), "Not removed", e.reason());
            }
        }
    }

    private static String check(List<String> v) {
        if (!ConfigValues.isName(v.get(0))) {
            return "Name " + ConfigValues.namePhrase(v.get(0));
        }
        try {
            ConfigValues.parseAddress(v.get(1));
        } catch (IllegalArgumentException e) {
            return "Address " + e.getMessage();
        }
        return null;
    }

    @Override
    public String help() {
        return """
                One [interface] per network interface rsiod should use (at most 8). rsiod opens
                a path from each interface to each server interface on the same link.
                Enter on a detected device adds its address; F7 has add, edit and remove.""";
    }
}
