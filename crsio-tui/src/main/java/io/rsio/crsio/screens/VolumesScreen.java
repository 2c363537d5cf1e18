package io.rsio.crsio.screens;

import com.googlecode.lanterna.gui2.BorderLayout;
import com.googlecode.lanterna.gui2.Component;
import com.googlecode.lanterna.gui2.Label;
import com.googlecode.lanterna.gui2.Panel;
import com.googlecode.lanterna.gui2.table.Table;
import io.rsio.cli.DeviceLines;
import io.rsio.control.ControlClient;
import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.BlockLayerRow;
import io.rsio.control.ControlRows.DeviceRow;
import io.rsio.control.ControlRows.LocalRow;
import io.rsio.control.ControlRows.NamespaceRow;
import io.rsio.control.ControlRows.ServerRow;
import io.rsio.control.ControlRows.VolumeRow;
import io.rsio.crsio.Action;
import io.rsio.crsio.ScreenHost;
import io.rsio.crsio.Dialogs;
import io.rsio.crsio.Problems;
import io.rsio.crsio.Screen;
import io.rsio.cli.Units;
import io.rsio.crsio.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What {@code rsconfig -q} and {@code rsconfig -l} show together: every volume of every
 * namespace, whether it is attached as a block device, and for the selected volume its
 * {@code c:}/{@code b:} paths, attach method and NBD export. F7 attaches and detaches through
 * rsiod's control socket ({@code attach}/{@code detach}, docs/CONTROL.md), off the GUI thread;
 * a refused detach shows rsiod's reason and offers to force it.
 */
public final class VolumesScreen implements Screen {
    private static final int DETAIL_LINES = 5;
    private final ScreenHost app;
    private final Panel panel = new Panel(new BorderLayout());
    private final Label header = new Label("\n"); // two lines: the summary, then the problems
    private final Label detail = new Label("\n".repeat(DETAIL_LINES - 1));
    private final Table<String> table = new Table<>("Namespace", "Server", "Volume", "Size", "Blk", "Paths", "RW",
            "Attached");
    private List<Entry> entries = List.of();
    /** Full volumes and shared identities: a header line, the RW column and the selected volume's detail. */
    private Problems problems = Problems.NONE;
    private BlockLayerRow layer;
    private boolean asking;
    private boolean working;
    private int ticks;

    /** One row of the table: a volume as one server offers it, and its local device if attached. */
    record Entry(String namespace, String server, VolumeRow volume, LocalRow local) {
        String selector() {
            return namespace + ":" + volume.name();
        }
    }

    /** What {@code query}, {@code local} and {@code stat} answered, taken together. */
    record Snapshot(ControlResponse query, ControlResponse local, ControlResponse stat) {}

    VolumesScreen(ScreenHost app) {
        this.app = app;
        panel.addComponent(header, BorderLayout.Location.TOP);
        table.setVisibleRows(11);
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

    private ControlClient client() {
        return new ControlClient(app.options().env().controlSocket());
    }

    private void fetch() {
        if (asking) {
            return;
        }
        asking = true;
        ControlClient client = client();
        // stat only for the volumes whose server is out of space
        app.background(() -> new Snapshot(client.call("query"), client.call("local"), client.call("stat")),
                this::render, e -> {
            asking = false;
            header.setText(Text.cut(" " + ScreenHost.message(e), 79) + "\n");
        });
    }

    private void render(Snapshot s) {
        asking = false;
        ControlResponse r = s.query();
        if (!r.ok()) {
            header.setText(Text.cut(" rsiod: " + r.error(), 79) + "\n");
            return;
        }
        List<NamespaceRow> namespaces = r.rows(NamespaceRow.class);
        List<ServerRow> servers = r.rows(ServerRow.class);
        Map<String, LocalRow> attached = s.local().ok() ? s.local().rows(LocalRow.class).stream()
                .collect(Collectors.toMap(l -> l.namespace() + ":" + l.name(), Function.identity(), (a, b) -> a))
                : Map.of();
        layer = s.local().ok() ? s.local().rows(BlockLayerRow.class).stream().findFirst().orElse(null) : null;
        problems = Problems.of(r, s.stat());
        List<Entry> list = new ArrayList<>();
        for (VolumeRow v : r.rows(VolumeRow.class)) {
            String ns = namespaces.stream().filter(n -> n.index() == v.namespaceIndex()).map(NamespaceRow::name)
                    .findFirst().orElse("?");
            String srv = servers.stream().filter(x -> x.namespaceIndex() == v.namespaceIndex()
                    && x.index() == v.serverIndex()).map(ServerRow::serverName).findFirst().orElse("?");
            list.add(new Entry(ns, srv, v, attached.get(ns + ":" + v.name())));
        }
        entries = List.copyOf(list);
        int sel = table.getSelectedRow();
        table.getTableModel().clear();
        for (Entry e : entries) {
            VolumeRow v = e.volume();
            table.getTableModel().addRow(Text.cut(e.namespace(), 10), Text.cut(e.server(), 9),
                    Text.cut(v.name(), 16), Units.bytes(v.size()), Integer.toString(v.blockSize()),
                    Integer.toString(v.readyPaths()), v.readOnly() ? "ro"
                            : problems.full(e.namespace(), v.name()) != null ? "full" : "rw",
                    e.local() == null ? "-" : e.local().state());
        }
        if (entries.isEmpty()) {
            table.getTableModel().addRow("-", "", "no volumes (yet)", "", "", "", "", "");
        }
        table.setSelectedRow(Math.max(0, Math.min(sel, table.getTableModel().getRowCount() - 1)));
        long devices = entries.stream().filter(e -> e.local() != null).map(Entry::selector).distinct().count();
        header.setText(Text.cut(" " + entries.size() + " volume(s) in " + namespaces.size() + " namespace(s), "
                + devices + " attached" + (layer == null ? "" : layer.method().equals("nbd-export")
                ? "; no block devices here: " + layer.reason() : " (" + layer.method() + ")"), 79) + "\n"
                + problems.summary(79));
        showDetail();
    }

    private Entry selected() {
        int i = table.getSelectedRow();
        return i >= 0 && i < entries.size() ? entries.get(i) : null;
    }

    /** The selected volume as {@code rsconfig -lvv} shows it, and its NBD export. */
    private void showDetail() {
        Entry e = selected();
        if (e == null) {
            detail.setText("\n".repeat(DETAIL_LINES - 1));
            return;
        }
        VolumeRow v = e.volume();
        LocalRow l = e.local();
        List<String> lines = new ArrayList<>();
        if (l == null) {
            lines.add(" " + e.selector() + "@" + DeviceLines.deviceIndex(v.device())
                    + "  not attached (F7 attaches it under " + v.device() + "/)");
        } else {
            // The seed's c: line; when a long device directory would cut it, the counts move up.
            String counts = String.format("%13d blocks, %2d server(s)", l.size() / l.blockSize(), l.servers());
            String seedLine = String.format("    c: %-20s %s", l.charPath(), counts);
            boolean fits = seedLine.length() <= 79;
            lines.add(" " + e.selector() + "@" + DeviceLines.deviceIndex(l.deviceDir()) + "  " + l.state()
                    + (fits ? "" : ", " + counts.strip()));
            lines.add(fits ? seedLine : "    c: " + l.charPath());
            lines.add("    b: " + l.blockPath());
            lines.add("    m: " + l.method() + " " + l.device() + (l.directIo() ? " (direct I/O)" : "")
                    + (l.readOnly() ? " read-only" : ""));
        }
        // What the admin must act on, whole, right under the volume's first line.
        List<String> problemLines = new ArrayList<>();
        Problems.Full full = problems.full(e.namespace(), v.name());
        if (full != null) {
            problemLines.addAll(Problems.detailLines(full.sentence()));
        }
        Problems.Shared shared = problems.shared(e.namespace(), e.server());
        if (shared != null) {
            problemLines.addAll(Problems.detailLines(shared.sentence()));
        }
        lines.addAll(1, problemLines);
        lines.add(" NBD: " + (v.nbdSocket().isEmpty() ? "-" : "nbd+unix:///" + v.name() + "?socket=" + v.nbdSocket()));
        while (lines.size() < DETAIL_LINES) {
            lines.add(1, ""); // a fixed height: the layout does not move, the NBD line stays last
        }
        detail.setText(String.join("\n", lines.stream().map(s -> Text.cut(s, 79)).toList()));
    }

    @Override
    public List<Action> actions() {
        List<Action> actions = new ArrayList<>();
        Entry e = selected();
        if (e != null) {
            if (e.local() == null) {
                actions.add(new Action("Attach " + e.selector() + " (" + e.volume().device() + "/" + e.volume().name()
                        + ")", () -> run("Attaching " + e.selector(), "attach", e.selector())));
            } else {
                actions.add(new Action("Detach " + e.selector() + " (" + e.local().blockPath() + ")", () -> {
                    if (Dialogs.confirm(app.gui(), "Detach", "Detach " + e.selector() + "? " + e.local().blockPath()
                            + " goes away;\nrsiod refuses while it is mounted or open.", "Keep attached", "Detach")) {
                        run("Detaching " + e.selector(), "detach", e.selector());
                    }
                }));
            }
        } else {
            actions.add(Action.unavailable("Attach or detach the selected volume", "no volume selected"));
        }
        actions.add(new Action("Attach all volumes", () -> run("Attaching every volume", "attach")));
        List<String> attached = entries.stream().filter(x -> x.local() != null).map(x -> x.local().blockPath())
                .distinct().toList();
        actions.add(Action.when(!attached.isEmpty(), "Detach all volumes", () -> {
            if (Dialogs.confirm(app.gui(), "Detach all", "Detach every attached device?\n  "
                    + String.join("\n  ", attached) + "\nrsiod refuses those mounted or open.", "Keep attached",
                    "Detach all")) {
                run("Detaching every device", "detach");
            }
        }, "no device is attached"));
        actions.add(new Action("Refresh", this::fetch));
        return actions;
    }

    /** Sends {@code words} to rsiod in the background; the screen keeps drawing meanwhile. */
    private void run(String doing, String... words) {
        run(doing, List.<String[]>of(words));
    }

    /**
     * Sends the requests one after another in one background job (the control socket takes one
     * device selector per request) and shows their rows together; the first refusal of a whole
     * request ends it.
     */
    private void run(String doing, List<String[]> requests) {
        if (working) {
            app.status("Still busy with the previous attach or detach");
            return;
        }
        working = true;
        app.status(doing + "...");
        ControlClient client = client();
        String[] words = requests.getFirst();
        app.background(() -> {
            List<DeviceRow> rows = new ArrayList<>();
            for (String[] request : requests) {
                ControlResponse r = client.call(request);
                if (!r.ok()) {
                    return r;
                }
                rows.addAll(r.rows(DeviceRow.class));
            }
            return ControlResponse.ok(rows);
        }, r -> {
            working = false;
            done(words, r);
        }, ex -> {
            working = false;
            app.status(doing + " failed");
            Dialogs.message(app.gui(), "rsiod", Text.wrap(ScreenHost.message(ex), 64));
        });
    }

    private void done(String[] words, ControlResponse r) {
        fetch();
        if (!r.ok()) {
            app.status(words[0] + ": " + r.error());
            Dialogs.message(app.gui(), words[0].equals("attach") ? "Not attached" : "Not detached",
                    Text.wrap(r.error(), 64));
            return;
        }
        List<DeviceRow> rows = r.rows(DeviceRow.class);
        List<String> lines = rows.stream().map(DeviceLines::outcome).toList();
        List<DeviceRow> refused = rows.stream().filter(d -> d.action().equals("refused")).toList();
        List<DeviceRow> failed = rows.stream().filter(d -> d.action().equals("failed")).toList();
        app.status(rows.isEmpty() ? "Nothing to " + words[0] : String.join("; ", lines));
        if (!refused.isEmpty()) {
            int c = Dialogs.choice(app.gui(), "Not detached", Text.wrap(String.join("\n", refused.stream()
                    .map(DeviceLines::outcome).toList()) + "\n\nDetach by force unmounts it lazily; programs"
                    + " still using it get I/O errors.", 66), "Keep attached", "Detach by force");
            if (c == 1) {
                run("Detaching " + refused.size() + " device(s) by force", refused.stream()
                        .map(d -> new String[] {"detach", "-f", d.namespace() + ":" + d.name()}).toList());
            }
        } else if (!failed.isEmpty()) {
            Dialogs.message(app.gui(), words[0].equals("attach") ? "Not attached" : "Not detached",
                    Text.wrap(String.join("\n", failed.stream().map(DeviceLines::outcome).toList()), 66));
        }
    }

    @Override
    public String help() {
        return """
                The volumes the servers offer this client (rsconfig -q) and the ones
                attached as block devices here (rsconfig -l): b: is the block device
                (mkfs, mount), c: the raw path. F7 attaches or detaches the selected
                volume, or all of them; a device that is mounted or open is not detached
                unless you force it. The last line is the selected volume's NBD export.
                RW "full": the server has no space left for the volume and writes fail
                with ENOSPC until space is freed there. A "!" line under the header and
                the selected volume's detail also name a server that sees another host
                logged in with this node name and key (give each host its own).""";
    }
}
