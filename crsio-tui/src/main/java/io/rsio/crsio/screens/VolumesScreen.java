package io.rsio.crsio.screens;

import com.googlecode.lanterna.gui2.BorderLayout;
import com.googlecode.lanterna.gui2.Component;
import com.googlecode.lanterna.gui2.GridLayout;
import com.googlecode.lanterna.gui2.Label;
import com.googlecode.lanterna.gui2.Panel;
import com.googlecode.lanterna.gui2.table.Table;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import io.rsio.cli.ServerStatFormatter;
import io.rsio.cli.DeviceLines;
import io.rsio.control.ControlClient;
import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.BlockLayerRow;
import io.rsio.control.ControlRows.DeviceRow;
import io.rsio.control.ControlRows.LocalRow;
import io.rsio.control.ControlRows.NamespaceRow;
import io.rsio.control.ControlRows.ServerRow;
import io.rsio.control.ControlRows.ServerVolumeStatRow;
import io.rsio.control.ControlRows.VolumeUsageRow;
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
 * What {@code rsconfig -qvv}, {@code rsconfig -l} and {@code rsconfig -m vstat} show together:
 * every volume of every namespace with its provisioned and allocated size, whether it is
 * attached as a block device, and for the selected volume its {@code c:}/{@code b:} paths,
 * attach method, pool, I/O state, limits and NBD export. F7 attaches and detaches through
 * rsiod's control socket ({@code attach}/{@code detach}, docs/CONTROL.md), off the GUI thread;
 * a refused detach shows rsiod's reason and offers to force it. The management operations
 * (create, grow, snapshot, copy, backup, delete, throttle, pause, resume) are
 * {@link VolumeOperations}.
 */
public final class VolumesScreen implements Screen {
    private static final int DETAIL_LINES = 7;
    private final ScreenHost app;
    private final Panel panel = new Panel(new BorderLayout());
    private final Label header = new Label("\n"); // two lines: the summary, then the problems
    private final Label detail = new Label("\n".repeat(DETAIL_LINES - 1));
    private final Table<String> table = new Table<>("Namespace", "Server", "Volume", "Size", "Alloc", "Paths", "RW",
            "Attached") {
        @Override
        public Result handleKeyStroke(KeyStroke key) {
            Result r = super.handleKeyStroke(key);
            showDetail(); // the detail follows the selection at once, not at the next refresh
            return r;
        }
    };
    private final Label keys = new Label(VolumeOperations.KEYS);
    private final VolumeOperations operations;
    private List<Entry> entries = List.of();
    private List<String> namespaces = List.of();
    /** Full volumes and shared identities: a header line, the RW column and the selected volume's detail. */
    private Problems problems = Problems.NONE;
    private BlockLayerRow layer;
    private boolean asking;
    private boolean working;
    private int ticks;

    /**
     * One row of the table: a volume as one server offers it, its local device if attached, its
     * space as {@code rsconfig -qvv} shows it and its state on that server as {@code rsconfig -m
     * vstat} does (each null when rsiod or the server did not say).
     */
    record Entry(String namespace, String server, VolumeRow volume, LocalRow local, VolumeUsageRow usage,
                 ServerVolumeStatRow stats) {
        String selector() {
            return namespace + ":" + volume.name();
        }
    }

    /**
     * What {@code query}, {@code local}, {@code stat}, {@code volume usage} and {@code volume
     * stats -} answered, taken together.
     */
    record Snapshot(ControlResponse query, ControlResponse local, ControlResponse stat, ControlResponse usage,
                    ControlResponse volumeStats) {}

    VolumesScreen(ScreenHost app) {
        this.app = app;
        panel.addComponent(header, BorderLayout.Location.TOP);
        table.setVisibleRows(9);
        panel.addComponent(table, BorderLayout.Location.CENTER);
        Panel bottom = new Panel(new GridLayout(1).setLeftMarginSize(0).setRightMarginSize(0).setVerticalSpacing(0));
        bottom.addComponent(detail);
        bottom.addComponent(keys);
        panel.addComponent(bottom, BorderLayout.Location.BOTTOM);
        operations = new VolumeOperations(app, this::client, this::fetch);
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
        app.background(() -> new Snapshot(client.call("query"), client.call("local"), client.call("stat"),
                        client.call("volume", "usage"), client.call("volume", "stats", "-")),
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
        this.namespaces = namespaces.stream().map(NamespaceRow::name).toList();
        List<VolumeUsageRow> usage = s.usage().ok() ? s.usage().rows(VolumeUsageRow.class) : List.of();
        List<ServerVolumeStatRow> stats = s.volumeStats().ok() ? s.volumeStats().rows(ServerVolumeStatRow.class)
                : List.of();
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
            // usage comes from one server of the namespace: the volume's space is the same on each
            VolumeUsageRow space = usage.stream().filter(u -> u.namespace().equals(ns) && u.name().equals(v.name()))
                    .findFirst().orElse(null);
            ServerVolumeStatRow state = stats.stream().filter(x -> x.namespace().equals(ns) && x.server().equals(srv)
                    && x.name().equals(v.name())).findFirst().orElse(null);
            list.add(new Entry(ns, srv, v, attached.get(ns + ":" + v.name()), space, state));
        }
        entries = List.copyOf(list);
        int sel = table.getSelectedRow();
        table.getTableModel().clear();
        for (Entry e : entries) {
            VolumeRow v = e.volume();
            table.getTableModel().addRow(Text.cut(e.namespace(), 9), Text.cut(e.server(), 9),
                    Text.cut(v.name(), 15), Units.bytes(v.size()),
                    e.usage() == null ? "?" : Units.bytes(e.usage().allocated()),
                    Integer.toString(v.readyPaths()), e.stats() != null && e.stats().paused() ? "paused"
                            : v.readOnly() ? "ro" : problems.full(e.namespace(), v.name()) != null ? "full" : "rw",
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
        lines.add(spaceLine(e));
        // limits for several clients do not fit one line: the rest goes on under it, indented
        lines.addAll((" " + Text.wrap(ioLine(e).strip(), 77).replace("\n", "\n      ")).lines().toList());
        lines.add(" NBD: " + (v.nbdSocket().isEmpty() ? "-" : "nbd+unix:///" + v.name() + "?socket=" + v.nbdSocket()));
        while (lines.size() < DETAIL_LINES) {
            lines.add(lines.size() - 1, ""); // a fixed height: the layout does not move, the NBD line stays last
        }
        detail.setText(String.join("\n", lines.stream().map(s -> Text.cut(s, 79)).toList()));
    }

    /**
     * The space and I/O state: {@code rsconfig -qvv}'s allocated of provisioned (du of the
     * server's file against the size), how, where, and {@code rsconfig -m vstat}'s limits.
     */
    private static String spaceLine(Entry e) {
        VolumeUsageRow u = e.usage();
        StringBuilder b = new StringBuilder(" space: ");
        if (u == null) {
            b.append(Units.bytes(e.volume().size())).append(", allocated not known");
        } else {
            b.append("allocated ").append(Units.bytes(u.allocated())).append(" of ")
                    .append(Units.bytes(u.provisioned()))
                    .append(u.provisioned() > 0 ? " (" + u.allocated() * 100 / u.provisioned() + " %)" : "")
                    .append(u.pool().isEmpty() ? ", rssrvcfg [volume]" : (u.thick() ? ", thick" : ", thin")
                            + ", pool " + u.pool())
                    .append(u.origin().isEmpty() ? "" : ", snapshot of " + u.origin());
        }
        return b.toString();
    }

    /** The volume's I/O on its server: paused or running, and its limits ({@code rsconfig -m vstat}). */
    private static String ioLine(Entry e) {
        ServerVolumeStatRow s = e.stats();
        String blocks = e.volume().blockSize() + " B blocks";
        return s == null ? " I/O: " + blocks + ", state not known (the server keeps no statistics for it)"
                : " I/O: " + blocks + ", " + (s.paused() ? "PAUSED (R resumes)" : "running") + ", limits: "
                + ServerStatFormatter.limits(s.limits());
    }

    @Override
    public boolean onKey(KeyStroke key) {
        return key.getKeyType() == KeyType.Character && !key.isCtrlDown() && !key.isAltDown()
                && operations.key(key.getCharacter(), context());
    }

    private VolumeOperations.Context context() {
        List<String> pools = entries.stream().filter(x -> x.usage() != null && !x.usage().pool().isEmpty())
                .map(x -> x.usage().pool()).distinct().sorted().toList();
        return new VolumeOperations.Context(selected(), namespaces, pools, entries);
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
        actions.addAll(operations.actions(context()));
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
                The volumes the servers offer (rsconfig -q): size and allocated space
                (rsconfig -qvv), ready paths, rw/ro/full/paused, attached here (-l).
                Below: the selected volume's devices (b: block, c: raw), its pool,
                I/O state and limits (rsconfig -m vstat), and its NBD export.
                F7 attaches or detaches. The capital letters are rsconfig's options:
                C create, G grow, S snapshot, K copy to a new volume, B backup to
                a file in the pool, D delete (asks; Keep is focused), T throttle,
                P pause, R resume. The server checks the rights of its
                [pool]; a refusal shows its reason. Work over a second gets a
                progress window; Esc sends it to the background.
                "full": the server has no space left for the volume. A "!" line
                names full volumes and another host using this node name and key.""";
    }
}
