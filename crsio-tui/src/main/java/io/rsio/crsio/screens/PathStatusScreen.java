package io.rsio.crsio.screens;

import com.googlecode.lanterna.gui2.BorderLayout;
import com.googlecode.lanterna.gui2.Component;
import com.googlecode.lanterna.gui2.GridLayout;
import com.googlecode.lanterna.gui2.Label;
import com.googlecode.lanterna.gui2.Panel;
import com.googlecode.lanterna.gui2.table.Table;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import io.rsio.cli.InterfaceLines;
import io.rsio.control.ControlClient;
import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.InterfaceRow;
import io.rsio.control.ControlRows.PathRow;
import io.rsio.control.ControlRows.PathStatRow;
import io.rsio.control.ControlRows.VolumeStatRow;
import io.rsio.crsio.Action;
import io.rsio.crsio.ScreenHost;
import io.rsio.crsio.LiveHistory;
import io.rsio.crsio.LiveHistory.Sample;
import io.rsio.crsio.Problems;
import io.rsio.crsio.Screen;
import io.rsio.crsio.Sparkline;
import io.rsio.cli.Units;
import io.rsio.crsio.Text;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Every path (or, with {@code v}, every volume), live, from rsiod's {@code status} and
 * {@code stat} answers: a table that fits 80 columns, and for the selected row the last minute
 * as pictures: read and write MB/s and IOPS, RTT (volumes: ready paths), and a line of events
 * with state changes, failovers and errors in time. Refreshed every 1, 2 or 5 seconds (+ and -),
 * pausable (p) until the screen is left, with the time of the last answer and a STALE marker
 * while rsiod does not answer (the last table and pictures stay, so nothing jumps).
 */
public final class PathStatusScreen implements Screen {
    private static final int[] INTERVALS = {1, 2, 5};
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final int GRAPH = LiveHistory.SAMPLES;
    /** A headline, five pictures and the events line. */
    private static final int DETAIL_LINES = 7;

    private final ScreenHost app;
    private final Panel panel = new Panel(new BorderLayout());
    private final Label header = new Label("\n"); // two lines: the summary, then the problems
    private final Label detail = new Label("");
    private final Table<String> paths = new Table<>("If", "Rep", "Server", "State", "MB/s rd/wr", "IOPS rd/wr",
            "RTTus", "Err", "Fov");
    private final Table<String> volumes = new Table<>("Volume", "Paths", "MB/s rd/wr", "IOPS rd/wr", "Err",
            "Read", "Written");
    private final Panel tables = new Panel(new GridLayout(1).setLeftMarginSize(0).setRightMarginSize(0));
    private final LiveHistory history = new LiveHistory();
    private boolean volumeView;
    private int interval;
    private int ticks;
    private boolean paused;
    private boolean asking;
    private String updated = "never";
    private String stale = "";
    private List<PathRow> pathRows = List.of();
    /** Interfaces with no path at all: a row each after the paths, saying why. */
    private List<InterfaceRow> idle = List.of();
    private Map<String, PathStatRow> pathStats = Map.of();
    private List<VolumeStatRow> volumeRows = List.of();
    /** Full volumes and shared identities: a header line, and the selected row's detail. */
    private Problems problems = Problems.NONE;

    PathStatusScreen(ScreenHost app) {
        this.app = app;
        panel.addComponent(header, BorderLayout.Location.TOP);
        paths.setVisibleRows(9); // 80x24: title, header, 9 rows + heading, 7 picture lines, 2 status, key bar
        volumes.setVisibleRows(9);
        tables.addComponent(paths);
        panel.addComponent(tables, BorderLayout.Location.CENTER);
        panel.addComponent(detail, BorderLayout.Location.BOTTOM);
    }

    @Override
    public String name() {
        return volumeView ? "Path Status: volumes" : "Path Status";
    }

    @Override
    public Component component() {
        return panel;
    }

    @Override
    public void shown() {
        ticks = 0;
        paused = false; // a pause belongs to one look at the screen, not to the next visit
        fetch();
    }

    @Override
    public void tick() {
        if (!paused && ++ticks >= INTERVALS[interval]) {
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
        // status for states and reasons, stat for the rates and full volumes, query for the
        // servers that see another host under our identity: three small requests
        app.background(() -> merge(client.call("status"), client.call("stat"), client.call("query")), this::answered,
                e -> {
            asking = false;
            stale = ScreenHost.message(e);
            render();
        });
    }

    private static ControlResponse merge(ControlResponse status, ControlResponse... more) {
        if (!status.ok()) {
            return status;
        }
        List<Record> all = new ArrayList<>(status.rows());
        for (ControlResponse r : more) {
            if (r.ok()) {
                all.addAll(r.rows());
            }
        }
        return ControlResponse.ok(all);
    }

    private void answered(ControlResponse r) {
        asking = false;
        if (!r.ok()) {
            stale = r.error();
            render();
            return;
        }
        stale = "";
        updated = LocalTime.now().format(CLOCK);
        pathRows = r.rows(PathRow.class);
        idle = r.rows(InterfaceRow.class).stream().filter(i -> pathRows.stream()
                .noneMatch(p -> p.interfaceIndex() == i.index())).toList();
        pathStats = r.rows(PathStatRow.class).stream().collect(Collectors.toMap(
                s -> key(s.interfaceIndex(), s.repIndex()), s -> s, (a, b) -> a));
        volumeRows = r.rows(VolumeStatRow.class);
        problems = Problems.of(r, r);
        remember();
        render();
    }

    private static String key(int interfaceIndex, int repIndex) {
        return "path " + interfaceIndex + "/" + repIndex;
    }

    private static String key(VolumeStatRow v) {
        return "volume " + v.namespace() + ":" + v.name();
    }

    /** One sample per path and volume per answer: the pictures' minute. */
    private void remember() {
        long now = System.currentTimeMillis();
        List<String> keys = new ArrayList<>();
        for (PathRow p : pathRows) {
            String k = key(p.interfaceIndex(), p.repIndex());
            PathStatRow s = pathStats.get(k);
            keys.add(k);
            history.add(k, s == null ? new Sample(now, 0, 0, 0, 0, p.rttMicros(), 0, 0, p.state())
                    : new Sample(now, s.readBytesPerSecond(), s.writeBytesPerSecond(), s.readIops(), s.writeIops(),
                    p.rttMicros(), s.errors(), s.failovers(), p.state()));
        }
        for (VolumeStatRow v : volumeRows) {
            keys.add(key(v));
            history.add(key(v), new Sample(now, v.readBytesPerSecond(), v.writeBytesPerSecond(), v.readIops(),
                    v.writeIops(), v.readyPaths(), v.errors(), 0, v.readyPaths() + " path(s)"));
        }
        history.retain(keys);
    }

    private void render() {
        fillPaths();
        fillVolumes();
        long connected = pathRows.stream().filter(p -> p.state().equals("connected")).count();
        String mode = paused ? "PAUSED" : "every " + INTERVALS[interval] + " s";
        String head = " " + connected + "/" + pathRows.size() + " path(s) connected  " + volumeRows.size()
                + " volume(s)  updated " + updated + "  " + mode + "  p +/- v";
        header.setText((stale.isEmpty() ? Text.cut(head, 79) : Text.cut(" " + mode + "  STALE: " + stale, 79)) + "\n"
                + problems.summary(79));
        showDetail();
    }

    private void fillPaths() {
        int sel = paths.getSelectedRow();
        paths.getTableModel().clear();
        for (PathRow p : pathRows) {
            PathStatRow st = pathStats.get(key(p.interfaceIndex(), p.repIndex()));
            paths.getTableModel().addRow(Text.cut(st == null ? "if" + p.interfaceIndex() : st.interfaceName(), 5),
                    String.format("%03d", p.repIndex()), Text.cut(p.serverSection(), 12), Text.cut(p.state(), 11),
                    st == null ? "-" : pair(st.readBytesPerSecond() / 1e6, st.writeBytesPerSecond() / 1e6, "%.1f"),
                    st == null ? "-" : pair(st.readIops(), st.writeIops(), "%.0f"),
                    p.rttMicros() < 0 ? "-" : Long.toString(p.rttMicros()),
                    st == null ? "-" : Long.toString(st.errors()), st == null ? "-" : Long.toString(st.failovers()));
        }
        for (InterfaceRow i : idle) {
            paths.getTableModel().addRow(Text.cut(i.name(), 5), "-", "(none)", "no path", "", "", "", "", "");
        }
        if (pathRows.isEmpty() && idle.isEmpty()) {
            paths.getTableModel().addRow("-", "", "no paths", "", "", "", "", "", "");
        }
        paths.setSelectedRow(Math.max(0, Math.min(sel, paths.getTableModel().getRowCount() - 1)));
    }

    private void fillVolumes() {
        int sel = volumes.getSelectedRow();
        volumes.getTableModel().clear();
        for (VolumeStatRow v : volumeRows) {
            volumes.getTableModel().addRow(Text.cut(v.namespace() + ":" + v.name(), 20), Integer.toString(v.readyPaths()),
                    pair(v.readBytesPerSecond() / 1e6, v.writeBytesPerSecond() / 1e6, "%.1f"),
                    pair(v.readIops(), v.writeIops(), "%.0f"), v.errors() + (v.noSpace() ? " FULL" : ""),
                    Units.bytes(v.readBytes()),
                    Units.bytes(v.writeBytes()));
        }
        if (volumeRows.isEmpty()) {
            volumes.getTableModel().addRow("no volumes", "", "", "", "", "", "");
        }
        volumes.setSelectedRow(Math.max(0, Math.min(sel, volumes.getTableModel().getRowCount() - 1)));
    }

    private static String pair(double read, double write, String format) {
        return String.format(format + "/" + format, read, write);
    }

    /** The selected row's last minute: a headline and six picture lines, 79 columns at most. */
    private void showDetail() {
        String k;
        String headline;
        String problem = null;
        if (volumeView) {
            int i = volumes.getSelectedRow();
            if (i < 0 || i >= volumeRows.size()) {
                detail.setText(blank());
                return;
            }
            VolumeStatRow v = volumeRows.get(i);
            k = key(v);
            headline = " " + v.namespace() + ":" + v.name() + "  " + v.readyPaths() + " ready path(s), read "
                    + Units.bytes(v.readBytes()) + ", written " + Units.bytes(v.writeBytes());
            Problems.Full full = problems.full(v.namespace(), v.name());
            problem = full == null ? null : full.sentence();
        } else {
            int i = paths.getSelectedRow();
            if (i >= pathRows.size() && i - pathRows.size() < idle.size()) {
                InterfaceRow itf = idle.get(i - pathRows.size());
                detail.setText(Text.cut(" " + itf.name() + " " + itf.address() + ": " + InterfaceLines.noPathReason(itf),
                        79) + blank());
                return;
            }
            if (i < 0 || i >= pathRows.size()) {
                detail.setText(blank());
                return;
            }
            PathRow p = pathRows.get(i);
            k = key(p.interfaceIndex(), p.repIndex());
            String since = p.stateSinceMillis() > 0 ? " since " + CLOCK.format(Instant.ofEpochMilli(
                    p.stateSinceMillis()).atZone(ZoneId.systemDefault())) : "";
            headline = " " + p.serverSection() + " " + p.address() + "/" + p.port() + ": " + p.state() + since
                    + (p.reason() == null || p.reason().isEmpty() ? "" : "; " + p.reason());
            Problems.Shared shared = problems.shared(p.namespace(), p.serverId());
            problem = shared == null ? null : shared.sentence();
        }
        List<Sample> s = history.of(k);
        List<String> lines = new ArrayList<>();
        // What the admin must act on comes first, whole (wrapped), in place of the headline.
        lines.addAll(problem == null ? List.of(Text.cut(headline, 79)) : Problems.detailLines(problem));
        lines.add(graph("rd MB/s", s, x -> x.readBytesPerSecond() / 1e6, "%.1f"));
        lines.add(graph("wr MB/s", s, x -> x.writeBytesPerSecond() / 1e6, "%.1f"));
        lines.add(graph("rd IOPS", s, Sample::readIops, "%.0f"));
        lines.add(graph("wr IOPS", s, Sample::writeIops, "%.0f"));
        lines.add(volumeView ? graph("paths", s, x -> x.rttMicros(), "%.0f")
                : graph("RTT us", s, x -> Math.max(0, x.rttMicros()), "%.0f"));
        Sample last = s.isEmpty() ? null : s.getLast();
        lines.add(" " + Text.pad("events", 8) + LiveHistory.events(s, GRAPH) + " "
                + (last == null ? "" : "E" + last.errors() + (volumeView ? "" : " F" + last.failovers())));
        detail.setText(String.join("\n", lines.stream().map(l -> Text.cut(l, 79)).toList()));
    }

    private static String graph(String label, List<Sample> s, ToDoubleFunction<Sample> value, String format) {
        List<Double> v = LiveHistory.values(s, value);
        // The bars are scaled to the minute's maximum; the number is the latest value.
        String now = v.isEmpty() ? "-" : String.format(format, v.getLast());
        return " " + Text.pad(label, 8) + Sparkline.of(v, GRAPH) + " " + now;
    }

    private static String blank() {
        return "\n".repeat(DETAIL_LINES - 1);
    }

    private void togglePause() {
        paused = !paused;
        render();
    }

    private void faster(int step) {
        interval = Math.max(0, Math.min(INTERVALS.length - 1, interval + step));
        render();
    }

    private void toggleView() {
        volumeView = !volumeView;
        tables.removeAllComponents();
        tables.addComponent(volumeView ? volumes : paths);
        app.changed(); // the title names the view
        render();
    }

    @Override
    public boolean onKey(KeyStroke key) {
        if (key.getKeyType() != KeyType.Character) {
            return false; // arrows move in the table; they must not pause it
        }
        return switch (key.getCharacter()) {
            case 'p', ' ' -> {
                togglePause();
                yield true;
            }
            case '+' -> {
                faster(-1);
                yield true;
            }
            case '-' -> {
                faster(1);
                yield true;
            }
            case 'v' -> {
                toggleView();
                yield true;
            }
            default -> false;
        };
    }

    @Override
    public List<Action> actions() {
        return List.of(new Action(paused ? "Resume" : "Pause", this::togglePause),
                new Action(volumeView ? "Show paths (v)" : "Show volumes (v)", this::toggleView),
                new Action("Refresh now", this::fetch),
                new Action("Refresh faster", () -> faster(-1)),
                new Action("Refresh slower", () -> faster(1)));
    }

    @Override
    public String help() {
        return """
                One row per path: interface, rep, server, state, read/write MB/s
                and IOPS, round-trip time, errors, failovers. Below, the selected
                path's last minute: MB/s and IOPS each way, RTT, and events
                (| state change, F failover, E errors); its first line gives the
                time of the last state change and the reason. v: the same per
                volume. p pauses until you leave the screen; + and - change the
                interval. STALE: rsiod does not answer; the last answer stays.
                crsio keeps the minute from its own polls while the screen is open.
                A "!" line under the header names what needs you: NO SPACE (the
                server's storage for a volume is full, writes fail) and SHARED
                IDENTITY (another host logs in with this node name and key); the
                selected path or volume says it in full.""";
    }
}
