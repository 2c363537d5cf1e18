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
import io.rsio.crsio.ScreenHost;
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
    private final ScreenHost app;
    private final Panel panel = new Panel(new GridLayout(1));
    private final Table<String> configured = new Table<>("Name", "Address", "Port", "Device", "MTU", "Speed", "State");
    private final Table<String> detected = new Table<>("Device", "Address/prefix", "Broadcast", "MAC", "MTU", "Speed",
            "State");
    private List<LocalInterface> nics = List.of();

    InterfacesScreen(ScreenHost app) {
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
        ClientConfig.Interface selected = selected();
        a.add(Action.when(selected != null, "Edit interface" + (selected == null ? "" : " " + selected.name()),
                this::edit, "no interface selected"));
        a.add(Action.when(selected != null, "Remove interface" + (selected == null ? "" : " " + selected.name()),
                this::remove, "no interface selected"));
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

    private ClientConfig.Interface selected() {
        List<ClientConfig.Interface> list = app.editor().config().interfaces();
        int row = configured.getSelectedRow();
        return row >= 0 && row < list.size() ? list.get(row) : null;
    }

    private void add(String address) {
        String name = app.editor().nextInterfaceName();
        String[] warned = {null};
        Dialogs.form(app.gui(), "Add interface", "A client interface rsiod binds its paths to.",
                List.of(Dialogs.Field.of("Name", name), Dialogs.Field.of("Address", address),
                        Dialogs.Field.of("Port (empty: default)", "")), v -> {
                    String problem = check(v, warned);
                    if (problem != null) {
                        return problem;
                    }
                    try {
                        app.editor().addInterface(v.get(0), v.get(1), port(v.get(2)));
                        return null;
                    } catch (ConfigException e) {
                        return e.reason();
                    }
                }).ifPresent(v -> {
                    app.changed();
                    app.status("Interface " + v.get(0) + " " + v.get(1) + " added" + notHereNote(v.get(1))
                            + "; F3 saves");
                    fill();
                });
    }

    private void edit() {
        ClientConfig.Interface itf = selected();
        if (itf == null) {
            add("");
            return;
        }
        String own = app.editor().raw("interface", itf.name(), "port").orElse("");
        String[] warned = {null};
        Dialogs.form(app.gui(), "Edit interface " + itf.name(), null,
                List.of(Dialogs.Field.of("Name", itf.name()), Dialogs.Field.of("Address", itf.address()),
                        Dialogs.Field.of("Port (empty: default)", own)), v -> {
                    String problem = check(v, warned);
                    if (problem != null) {
                        return problem;
                    }
                    try {
                        app.editor().updateInterface(itf.name(), v.get(0), v.get(1), port(v.get(2)));
                        return null;
                    } catch (ConfigException e) {
                        return e.reason();
                    }
                }).ifPresent(v -> {
                    app.changed();
                    app.status("Interface " + v.get(0) + " changed" + notHereNote(v.get(1)) + "; F3 saves");
                    fill();
                });
    }

    private static int port(String text) {
        return text.isEmpty() ? 0 : ConfigValues.parsePort(text);
    }

    private static String notHereNote(String address) {
        return LocalInterfaces.byAddress(address).isPresent() ? ""
                : " (not an address of this host: rsiod cannot use it here)";
    }

    private void remove() {
        ClientConfig.Interface itf = selected();
        if (itf == null) {
            return;
        }
        String name = itf.name();
        if (Dialogs.confirm(app.gui(), "Remove interface", "Remove interface " + name + " (" + itf.address()
                + ") from " + app.options().configFile().getFileName() + "?\nrsiod closes the paths through it"
                + " at the next reload.", "Keep", "Remove")) {
            try {
                app.editor().removeInterface(name);
                app.changed();
                app.status("Removed interface " + name + " (" + itf.address() + "); F3 saves");
                fill();
            } catch (ConfigException e) {
                Dialogs.message(app.gui(), "Not removed", e.reason());
            }
        }
    }

    /**
     * The form's problem, or null. An address that is not on this host is refused once with a
     * warning (rsiod could not bind it here); OK again with the same address adds it anyway, for
     * a config prepared for another host or a NIC not up yet.
     */
    private static String check(List<String> v, String[] warned) {
        if (!ConfigValues.isName(v.get(0))) {
            return "Name " + ConfigValues.namePhrase(v.get(0));
        }
        String problem = FieldRow.addressAndPortProblem(v.get(1), v.get(2));
        if (problem != null) {
            return problem;
        }
        if (LocalInterfaces.byAddress(v.get(1)).isEmpty() && !v.get(1).equals(warned[0])) {
            warned[0] = v.get(1);
            return "Warning: " + v.get(1) + " is not an address of this host, so rsiod cannot open paths"
                    + " from it here. OK again adds it anyway.";
        }
        return null;
    }

    @Override
    public String help() {
        return """
                One [interface] per network interface rsiod should use (at most 8). rsiod
                opens a path from each interface to each server interface on the same
                link. Enter on a detected device adds its address; F7 has add, edit and
                remove.""";
    }
}
