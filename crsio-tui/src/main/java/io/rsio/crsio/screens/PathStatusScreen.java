package io.rsio.crsio.screens;

import com.googlecode.lanterna.gui2.BorderLayout;
import com.googlecode.lanterna.gui2.Component;
import com.googlecode.lanterna.gui2.Label;
import com.googlecode.lanterna.gui2.Panel;
import com.googlecode.lanterna.gui2.table.Table;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import io.rsio.control.ControlClient;
import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.InterfaceRow;
import io.rsio.control.ControlRows.PathRow;
import io.rsio.crsio.Action;
import io.rsio.crsio.CrsioApp;
import io.rsio.crsio.Screen;
import io.rsio.crsio.Text;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Every path, live, from rsiod's {@code status} answer: refreshed every 1, 2 or 5 seconds
 * (+ and -), pausable (p), with the time of the last answer and a STALE marker while rsiod does
 * not answer (the last table stays, so nothing jumps).
 */
public final class PathStatusScreen implements Screen {
    private static final int[] INTERVALS = {1, 2, 5};
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final CrsioApp app;
    private final Panel panel = new Panel(new BorderLayout());
    private final Label header = new Label("");
    private final Label reason = new Label("");
    private final Table<String> table = new Table<>("If", "Rep", "Address/port", "State", "tx/rx", "rdMB/s",
            "wrMB/s", "rdIOPS", "wrIOPS", "RTTus", "InFl", "Err", "Fov");
    private int interval;
    private int ticks;
    private boolean paused;
    private boolean asking;
    private String updated = "never";
    private String stale = "";
    private List<PathRow> rows = List.of();

    PathStatusScreen(CrsioApp app) {
        this.app = app;
        panel.addComponent(header, BorderLayout.Location.TOP);
        table.setVisibleRows(14);
        panel.addComponent(table, BorderLayout.Location.CENTER);
        panel.addComponent(reason, BorderLayout.Location.BOTTOM);
    }

    @Override
    public String name() {
        return "Path Status";
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
        showReason();
    }

    private void fetch() {
        if (asking) {
            return;
        }
        asking = true;
        ControlClient client = new ControlClient(app.options().env().controlSocket());
        // status for states and reasons, stat for the per-path rates: two small requests
        app.background(() -> merge(client.call("status"), client.call("stat")), this::answered, e -> {
            asking = false;
            stale = CrsioApp.message(e);
            render(null);
        });
    }

    private static ControlResponse merge(ControlResponse status, ControlResponse stat) {
        if (!status.ok()) {
            return status;
        }
        List<Record> all = new java.util.ArrayList<>(status.rows());
        if (stat.ok()) {
            all.addAll(stat.rows());
        }
        return ControlResponse.ok(all);
    }

    private void answered(ControlResponse r) {
        asking = false;
        if (!r.ok()) {
            stale = r.error();
            render(null);
            return;
        }
        stale = "";
        updated = LocalTime.now().format(CLOCK);
        render(r);
    }

    private void render(ControlResponse r) {
        if (r != null) {
            Map<Integer, String> names = r.rows(InterfaceRow.class).stream()
                    .collect(Collectors.toMap(InterfaceRow::index, InterfaceRow::name, (a, b) -> a));
            rows = r.rows(PathRow.class);
            int sel = table.getSelectedRow();
            table.getTableModel().clear();
            Map<String, io.rsio.control.ControlRows.PathStatRow> stats = r.rows(
                    io.rsio.control.ControlRows.PathStatRow.class).stream().collect(Collectors.toMap(
                    s -> s.interfaceIndex() + "/" + s.repIndex(), s -> s, (a, b) -> a));
            for (PathRow p : rows) {
                var st = stats.get(p.interfaceIndex() + "/" + p.repIndex());
                table.getTableModel().addRow(names.getOrDefault(p.interfaceIndex(), "if?"), String.format("%03d", p.repIndex()),
                        Text.cut(p.address() + "/" + p.port(), 21), p.state(), p.tx() + "/" + p.rx(),
                        st == null ? "-" : String.format("%.1f", st.readBytesPerSecond() / 1e6),
                        st == null ? "-" : String.format("%.1f", st.writeBytesPerSecond() / 1e6),
                        st == null ? "-" : String.format("%.0f", st.readIops()),
                        st == null ? "-" : String.format("%.0f", st.writeIops()),
                        p.rttMicros() < 0 ? "-" : Long.toString(p.rttMicros()), Integer.toString(p.inFlight()),
                        st == null ? "-" : Long.toString(st.errors()), st == null ? "-" : Long.toString(st.failovers()));
            }
            if (rows.isEmpty()) {
                table.getTableModel().addRow("-", "", "no paths: no namespace or no interface configured", "", "", "",
                        "", "", "", "", "", "", "");
            }
            table.setSelectedRow(Math.max(0, Math.min(sel, table.getTableModel().getRowCount() - 1)));
        }
        long connected = rows.stream().filter(p -> p.state().equals("connected")).count();
        String mode = paused ? "PAUSED" : "every " + INTERVALS[interval] + " s";
        String head = " " + connected + "/" + rows.size() + " path(s) connected   updated " + updated + "   " + mode
                + "   p: pause  +/-: interval";
        header.setText(stale.isEmpty() ? head : Text.cut(" " + mode + "  STALE: " + stale, 79));
        showReason();
    }

    private void showReason() {
        int i = table.getSelectedRow();
        reason.setText(i >= 0 && i < rows.size() ? Text.cut(" " + rows.get(i).serverName() + ": " + rows.get(i).reason(),
                79) : "");
    }

    private void togglePause() {
        paused = !paused;
        render(null);
    }

    private void faster(int step) {
        interval = Math.max(0, Math.min(INTERVALS.length - 1, interval + step));
        render(null);
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
            default -> false;
        };
    }

    @Override
    public List<Action> actions() {
        return List.of(new Action(paused ? "Resume" : "Pause", this::togglePause),
                new Action("Refresh now", this::fetch),
                new Action("Refresh faster", () -> faster(-1)),
                new Action("Refresh slower", () -> faster(1)));
    }

    @Override
    public String help() {
        return """
                One row per path: client interface, server interface (rep), state, tx/rx,
                read and write MB/s and IOPS, round-trip time, requests in flight, errors
                and failovers; the line below the table says why for the selected path.
                p pauses (until you leave the screen), + and - change the interval. STALE
                means rsiod does not answer; the table then shows its last answer.""";
    }
}
