package io.rsio.crsio.screens;

import com.googlecode.lanterna.gui2.Component;
import com.googlecode.lanterna.gui2.GridLayout;
import com.googlecode.lanterna.gui2.Label;
import com.googlecode.lanterna.gui2.Panel;
import io.rsio.config.ClientConfig;
import io.rsio.config.ConfigException;
import io.rsio.config.ConfigValues;
import io.rsio.config.MetricsAddress;
import io.rsio.crsio.Action;
import io.rsio.crsio.ScreenHost;
import io.rsio.crsio.Screen;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * [defaults]: protocol, port, the multipath settings, the attach method, metrics and the FUSE
 * transport; an empty field means the built-in default.
 */
public final class DefaultsScreen implements Screen, ScreenHost.Validating {
    private final ScreenHost app;
    private final Panel panel = new Panel(new GridLayout(1));
    private final List<FieldRow> rows = new ArrayList<>();
    private boolean loading;

    DefaultsScreen(ScreenHost app) {
        this.app = app;
        panel.addComponent(new Label(" [defaults]: what interfaces and namespaces inherit. Empty = built-in default."));
        Panel grid = new Panel(new GridLayout(3).setHorizontalSpacing(1));
        row(grid, "Protocol", "protocol", "tcp (the only one so far)", v -> ConfigValues.parseProtocol(v));
        row(grid, "Port", "port", "5000; TCP for RSIO, UDP for discovery", ConfigValues::parsePort);
        row(grid, "Policy", "policy", "adaptive or roundrobin", ConfigValues::parsePolicy);
        row(grid, "Ping interval", "ping_interval", "1s: how often an idle path is checked", ConfigValues::parseDuration);
        row(grid, "Path timeout", "path_timeout", "5s: silent this long = path down", ConfigValues::parseDuration);
        row(grid, "No-path timeout", "nopath_timeout", "60s: I/O waits for a path, then EIO",
                ConfigValues::parseDuration);
        row(grid, "Chunk size", "chunk_size", "256K: pieces spread over the paths", ConfigValues::parseSize);
        row(grid, "Reconnect max", "reconnect_max", "10s: longest wait between retries", ConfigValues::parseDuration);
        row(grid, "Data digest", "data_digest", "yes: CRC32C of data; no under TLS",
                ConfigValues::parseYesNo);
        row(grid, "Attach", "attach", "auto; or fuse+loop, nbd-export (none)", ClientConfig.Attach::parse);
        row(grid, "Metrics", "metrics", "no; PORT (loopback) or ADDR:PORT", MetricsAddress::parse);
        row(grid, "FUSE transport", "fuse_transport", "auto; or uring, dev (/dev/fuse)", ClientConfig::parseFuseTransport);
        panel.addComponent(grid);
        panel.addComponent(new Label(" Changes are checked as you type and kept when valid; F3 saves the file."));
    }

    private void row(Panel grid, String label, String key, String hint, Function<String, Object> parse) {
        FieldRow row = new FieldRow(grid, label, key, "", 12, hint);
        row.validate(text -> {
            if (text.isEmpty()) {
                return null;
            }
            try {
                parse.apply(text);
            } catch (IllegalArgumentException e) {
                return e.getMessage();
            }
            return null;
        }, text -> {
            if (loading) {
                return;
            }
            try {
                app.editor().setDefault(key, text);
                app.changed();
                app.status("");
            } catch (ConfigException e) {
                row.hint.setText("! " + e.reason());
            }
        });
        rows.add(row);
    }

    @Override
    public String name() {
        return "Defaults";
    }

    @Override
    public Component component() {
        return panel;
    }

    @Override
    public void shown() {
        loading = true;
        for (FieldRow r : rows) {
            r.set(app.editor().raw("defaults", "", r.key).orElse(""));
        }
        loading = false;
    }

    @Override
    public String problem() {
        for (FieldRow r : rows) {
            if (r.problem() != null) {
                return "Defaults: " + r.key + " " + r.problem();
            }
        }
        return null;
    }

    @Override
    public List<Action> actions() {
        return List.of(new Action("Clear every field (built-in defaults)", () -> rows.forEach(r -> r.set(""))),
                new Action("Back to the menu", () -> app.showMenu()));
    }

    @Override
    public String help() {
        return """
                The [defaults] section. Every interface, namespace and server takes port and
                protocol from here unless it sets its own; namespaces take the multipath
                settings. Attach is how rsconfig -a makes block devices (rsiod reads it at
                start). Leave a field empty for the built-in default. See docs/CONFIG.md.""";
    }
}
