package io.rsio.crsio.screens;

import com.googlecode.lanterna.gui2.BorderLayout;
import com.googlecode.lanterna.gui2.Component;
import com.googlecode.lanterna.gui2.Label;
import com.googlecode.lanterna.gui2.Panel;
import com.googlecode.lanterna.gui2.table.Table;
import io.rsio.control.ControlClient;
import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.NamespaceRow;
import io.rsio.control.ControlRows.ServerRow;
import io.rsio.control.ControlRows.VolumeRow;
import io.rsio.crsio.Action;
import io.rsio.crsio.CrsioApp;
import io.rsio.crsio.Dialogs;
import io.rsio.crsio.Screen;
import io.rsio.crsio.Text;
import java.util.List;

/** What {@code rsconfig -q} shows: every volume of every namespace, with its NBD export. */
public final class VolumesScreen implements Screen {
    private final CrsioApp app;
    private final Panel panel = new Panel(new BorderLayout());
    private final Label header = new Label("");
    private final Label detail = new Label("");
    private final Table<String> table = new Table<>("Namespace", "Server", "Volume", "Size", "Block", "Device", "Paths",
            "RO");
    private List<VolumeRow> volumes = List.of();
    private boolean asking;
    private int ticks;

    VolumesScreen(CrsioApp app) {
        this.app = app;
        panel.addComponent(header, BorderLayout.Location.TOP);
        table.setVisibleRows(14);
        panel.addComponent(table, BorderLayout.Location.CENTER);
        panel.addComponent(detail, BorderLayout.Location.BOTTOM);
    }

    @Override
    public String name() {
        return "Volumes";
    }

    @Override
    public Component component() {
        return panel;
    }

    @Override
    public void shown() {
        fetch();
    }

    @Override
    public void tick() {
        if (++ticks >= 5) {
            ticks = 0;
            fetch();
        }
        showDetail();
    }

    private void fetch() {
        if (asking) {
            return;
        }
        asking = true;
        ControlClient client = new ControlClient(app.options().env().controlSocket());
        app.background(() -> client.call("query"), this::render, e -> {
            asking = false;
            header.setText(Text.cut(" " + CrsioApp.message(e), 79));
        });
    }

    private void render(ControlResponse r) {
        asking = false;
        if (!r.ok()) {
            header.setText(Text.cut(" rsiod: " + r.error(), 79));
            return;
        }
        List<NamespaceRow> namespaces = r.rows(NamespaceRow.class);
        List<ServerRow> servers = r.rows(ServerRow.class);
        volumes = r.rows(VolumeRow.class);
        int sel = table.getSelectedRow();
        table.getTableModel().clear();
        for (VolumeRow v : volumes) {
            String ns = namespaces.stream().filter(n -> n.index() == v.namespaceIndex()).map(NamespaceRow::name)
                    .findFirst().orElse("?");
            String srv = servers.stream().filter(s -> s.namespaceIndex() == v.namespaceIndex()
                    && s.index() == v.serverIndex()).map(s -> s.serverName()).findFirst().orElse("?");
            table.getTableModel().addRow(Text.cut(ns, 12), Text.cut(srv, 10), Text.cut(v.name(), 16),
                    Text.size(v.size()), Integer.toString(v.blockSize()), v.device(), Integer.toString(v.readyPaths()),
                    v.readOnly() ? "ro" : "rw");
        }
        if (volumes.isEmpty()) {
            table.getTableModel().addRow("-", "", "no volumes (yet)", "", "", "", "", "");
        }
        table.setSelectedRow(Math.max(0, Math.min(sel, table.getTableModel().getRowCount() - 1)));
        header.setText(" " + volumes.size() + " volume(s) in " + namespaces.size() + " namespace(s); refreshed every 5 s");
        showDetail();
    }

    private void showDetail() {
        int i = table.getSelectedRow();
        detail.setText(i >= 0 && i < volumes.size() ? Text.cut(" NBD: " + (volumes.get(i).nbdSocket().isEmpty() ? "-"
                : "nbd+unix:///" + volumes.get(i).name() + "?socket=" + volumes.get(i).nbdSocket()), 79) : "");
    }

    @Override
    public List<Action> actions() {
        return List.of(new Action("Refresh", this::fetch),
                new Action("Attach volume (/dev/av0/...)", this::attachDetach),
                new Action("Detach volume", this::attachDetach));
    }

    private void attachDetach() {
        Dialogs.message(app.gui(), "Attach / detach", Text.wrap("Device nodes under /dev/av0 come with RSIO's"
                + " block-device layer, which is not in this build. Every volume is already usable as an NBD export"
                + " (see the NBD line below the table): qemu, nbdcopy, nbdfuse and fio use it directly.", 64));
    }

    @Override
    public String help() {
        return """
                The volumes the servers offer this client, as rsconfig -q shows them: size,
                block size, the device directory the server suggests, and how many paths
                are ready. The line below the table is the selected volume's NBD export.""";
    }
}
