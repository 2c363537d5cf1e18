package io.rsio.crsio.screens;

import com.googlecode.lanterna.gui2.Component;
import com.googlecode.lanterna.gui2.GridLayout;
import com.googlecode.lanterna.gui2.Label;
import com.googlecode.lanterna.gui2.Panel;
import com.googlecode.lanterna.gui2.table.Table;
import io.rsio.config.ClientConfig;
import io.rsio.config.ConfigException;
import io.rsio.config.ConfigValues;
import io.rsio.config.edit.ClientConfigEditor;
import io.rsio.crsio.Action;
import io.rsio.crsio.ScreenHost;
import io.rsio.crsio.Dialogs;
import io.rsio.crsio.Screen;
import io.rsio.crsio.Text;
import io.rsio.discovery.DiscoveryClient;
import io.rsio.discovery.FoundServer;
import io.rsio.discovery.PathProbe;
import io.rsio.wire.discovery.DiscoveryMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * One namespace: name, id, this client's node name and key, and its servers, with the seed's
 * auto-explorer in the F7 menu: "Find NEW Namespace" (who answers on the client interfaces'
 * networks) and "Find NEW Namespace Servers" (every interface of every server of the namespace,
 * one [server] section each, and a test of every path with the entered log-in data).
 *
 * <p>The form goes into the config as soon as its four fields are valid; until then a new
 * namespace is not in the file.
 */
public final class NamespaceScreen implements Screen, ScreenHost.Validating {
    static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);
    static final long PROBE_BYTES = 4 << 20;
    static final String KEY_HIDDEN = "its key there (hidden; F7 shows it)";
    static final String KEY_SHOWN = "its key there (shown)";

    private final ScreenHost app;
    private String committedName;
    private final Panel panel = new Panel(new GridLayout(1));
    private final Label state = new Label("");
    private final FieldRow name;
    private final FieldRow id;
    private final FieldRow node;
    private final FieldRow key;
    private final Table<String> servers = new Table<>("Server", "Address", "Port", "Found as", "Path test");
    private final List<ClientConfigEditor.ServerEntry> entries = new ArrayList<>();
    private final Map<String, String> foundAs = new LinkedHashMap<>();
    private final Map<String, String> tested = new LinkedHashMap<>();
    private List<String> seeds = List.of();
    private boolean keyShown;
    /** The "what changed" line of the last Find NEW Namespace Servers, until its results are shown. */
    private String changed = "";

    /** @param existing the namespace's name in the config, or null for a new one */
    public NamespaceScreen(ScreenHost app, String existing) {
        this.app = app;
        this.committedName = existing;
        panel.addComponent(state);
        Panel grid = new Panel(new GridLayout(3).setHorizontalSpacing(1));
        name = new FieldRow(grid, "Namespace", "name", "", 20, "name, as the servers call it");
        id = new FieldRow(grid, "Namespace id", "namespaceid", "", 20, "number");
        node = new FieldRow(grid, "Node name", "nodename", "", 20, "this client's name in [clients]");
        key = new FieldRow(grid, "Node key", "nodekey", "", 20, KEY_HIDDEN);
        key.box.setMask('*');
        panel.addComponent(grid);
        panel.addComponent(new Label(" Servers: one [server] per server interface"));
        servers.setVisibleRows(8);
        panel.addComponent(servers);
        panel.addComponent(new Label(" F7: Find NEW Namespace, Find NEW Namespace Servers, test paths"));
        ClientConfig.Namespace ns = existing == null ? null : app.editor().config().namespace(existing).orElse(null);
        if (ns != null) {
            name.set(ns.name());
            id.set(Integer.toString(ns.id()));
            node.set(ns.nodeName());
            key.set(ns.nodeKey());
            ns.servers().forEach(s -> entries.add(new ClientConfigEditor.ServerEntry(s.name(), s.address(),
                    explicitPort(s.port()))));
        }
        name.validate(v -> ConfigValues.isName(v) ? null : v.isEmpty() ? "required" : "letters, digits, _ . -",
                v -> commit());
        id.validate(v -> {
            try {
                ConfigValues.parseId(v);
                return null;
            } catch (IllegalArgumentException e) {
                return v.isEmpty() ? "required (Find NEW Namespace)" : "a number 0..2147483647";
            }
        }, v -> commit());
        node.validate(v -> ConfigValues.isName(v) ? null : v.isEmpty() ? "required" : "letters, digits, _ . -",
                v -> commit());
        key.validate(v -> v.isEmpty() ? "required" : v.chars().anyMatch(Character::isWhitespace) ? "no spaces"
                : null, v -> {
                    // A new key has not been refused yet: the warning belongs to the old one.
                    key.setNormalHint(keyShown ? KEY_SHOWN : KEY_HIDDEN);
                    app.keyAccepted(committedName == null ? name.text() : committedName);
                    commit();
                });
        fillServers();
        updateState();
    }

    private int explicitPort(int port) {
        return port == app.editor().config().defaults().port() ? 0 : port;
    }

    @Override
    public String name() {
        return committedName == null ? "Add NEW Namespace" : "Namespace " + committedName;
    }

    @Override
    public Component component() {
        return panel;
    }

    @Override
    public List<Action> actions() {
        // A fixed order: items that do not apply are greyed, never left out, so nothing moves
        // under an admin's cursor when the first server appears.
        List<Action> a = new ArrayList<>();
        a.add(new Action("Find NEW Namespace", () -> findNamespace(seeds)));
        a.add(new Action("Find NEW Namespace Servers", this::findServers));
        a.add(new Action("Find NEW Namespace at addresses (routed networks)", this::findAtAddresses));
        a.add(Action.when(!entries.isEmpty(), "Test paths", () -> testPaths(false), "no server yet"));
        a.add(new Action("Add server by hand", this::addServer));
        ClientConfigEditor.ServerEntry selected = selectedServer();
        a.add(Action.when(selected != null, "Remove server" + (selected == null ? "" : " " + selected.name()),
                this::removeServer, "no server selected"));
        a.add(new Action(keyShown ? "Hide node key" : "Show node key", this::toggleKey));
        a.add(Action.when(committedName != null, "Remove namespace" + (committedName == null ? "" : " "
                + committedName), this::removeNamespace, "this namespace is not in the file yet"));
        return a;
    }

    // ---- Find NEW Namespace ----

    private void findAtAddresses() {
        Dialogs.form(app.gui(), "Find NEW Namespace at addresses", "Server addresses to ask directly, separated by"
                        + " spaces (for servers behind a router).", List.of(Dialogs.Field.of("Addresses",
                        String.join(" ", seeds))), v -> {
                    for (String a : v.getFirst().split("\\s+")) {
                        if (!a.isEmpty()) {
                            try {
                                ConfigValues.parseAddress(a);
                            } catch (IllegalArgumentException e) {
                                return a + " " + e.getMessage();
                            }
                        }
                    }
                    return null;
                }).ifPresent(v -> {
                    seeds = Arrays.stream(v.getFirst().split("\\s+")).filter(s -> !s.isEmpty()).toList();
                    findNamespace(seeds);
                });
    }

    private DiscoveryClient.Targets targets(List<String> unicast) {
        ClientConfig c = app.editor().config();
        return new DiscoveryClient.Targets(c.interfaces().stream().map(ClientConfig.Interface::address).toList(),
                unicast, c.defaults().port());
    }

    private String where(List<String> unicast) {
        List<String> parts = new ArrayList<>();
        for (ClientConfig.Interface i : app.editor().config().interfaces()) {
            parts.add(i.name());
        }
        parts.addAll(unicast);
        return String.join(", ", parts) + " (port " + app.editor().config().defaults().port() + ")";
    }

    private void findNamespace(List<String> unicast) {
        if (app.editor().config().interfaces().isEmpty() && unicast.isEmpty()) {
            Dialogs.message(app.gui(), "Find NEW Namespace", "Add the client interfaces first (Interfaces screen),\n"
                    + "or F7 > Find NEW Namespace at addresses.");
            return;
        }
        DiscoveryClient.Targets t = targets(unicast);
        app.withWaiting("Find NEW Namespace", "Asking on " + where(unicast) + " ...",
                () -> new DiscoveryClient(app.options().discoveryWait()).discover(t, OptionalInt.empty()),
                this::namespacesFound);
    }

    private void namespacesFound(DiscoveryClient.Result r) {
        List<FoundServer> found = r.namespaces();
        if (found.isEmpty()) {
            Dialogs.message(app.gui(), "Find NEW Namespace", Text.wrap("No namespace answered. Servers with"
                    + " \"discovery = no\" and servers behind a router do not hear broadcasts: use F7 > Find NEW"
                    + " Namespace at addresses, or enter the namespace id by hand."
                    + (r.problems().isEmpty() ? "" : "\n" + String.join("\n", r.problems())), 64));
            return;
        }
        List<String> items = new ArrayList<>();
        for (FoundServer f : found) {
            long servers = r.servers().stream().filter(s -> s.namespaceId() == f.namespaceId()).count();
            boolean configured = app.editor().config().namespaces().stream().anyMatch(n -> n.id() == f.namespaceId());
            items.add(Text.pad(f.namespaceLabel(), 22) + Text.pad(servers + " server(s)", 12)
                    + (configured ? "configured" : "NEW"));
        }
        int i = Dialogs.pick(app.gui(), "Find NEW Namespace", "Namespaces that answered:", items);
        if (i < 0) {
            return;
        }
        FoundServer f = found.get(i);
        name.set(f.namespaceName());
        id.set(Integer.toString(f.namespaceId()));
        app.status("Namespace " + f.namespaceLabel() + ": enter node name and key, then F7 > Find NEW Namespace Servers");
        commit();
        app.gui().getGUIThread().invokeLater(() -> {
            if (node.text().isEmpty()) {
                app.gui().getActiveWindow().setFocusedInteractable(node.box);
            }
        });
    }

    // ---- Find NEW Namespace Servers ----

    private void findServers() {
        if (id.problem() != null) {
            Dialogs.message(app.gui(), "Find NEW Namespace Servers", "Find NEW Namespace first, or enter the"
                    + " namespace id.");
            return;
        }
        int namespaceId = Integer.parseInt(id.text());
        DiscoveryClient.Targets t = targets(seeds);
        Login login = login();
        List<ClientConfig.Interface> clientInterfaces = app.editor().config().interfaces();
        int defaultPort = app.editor().config().defaults().port();
        app.withWaiting("Find NEW Namespace Servers", "Asking for the servers of namespace id " + namespaceId
                + (login == null ? "" : ",\nthen testing every path") + " ...", () -> {
                    DiscoveryClient.Result r = new DiscoveryClient(app.options().discoveryWait())
                            .discover(t, OptionalInt.of(namespaceId));
                    List<Found> found = toEntries(r, defaultPort);
                    List<PathProbe.Result> probes = login == null ? List.of()
                            : probe(found.stream().map(Found::entry).toList(), clientInterfaces, namespaceId, login);
                    return new Servers(found, probes);
                }, this::serversFound);
    }

    private record Found(ClientConfigEditor.ServerEntry entry, String foundAs) {}

    private record Servers(List<Found> found, List<PathProbe.Result> probes) {}

    private record Login(String nodeName, String nodeKey) {
        @Override
        public String toString() {
            return "Login[" + nodeName + "]";
        }
    }

    private Login login() {
        return node.problem() == null && key.problem() == null ? new Login(node.text(), key.text()) : null;
    }

    /** One [server] per server interface, named SERVER-1, SERVER-2, ... as in the seed (big-9-1). */
    private static List<Found> toEntries(DiscoveryClient.Result r, int defaultPort) {
        List<Found> out = new ArrayList<>();
        for (FoundServer s : r.servers()) {
            int n = 1;
            for (DiscoveryMessage.ServerInterface i : s.interfaces()) {
                String name = s.serverName() + "-" + n++;
                out.add(new Found(new ClientConfigEditor.ServerEntry(name, i.address(),
                        i.port() == defaultPort ? 0 : i.port()), s.serverName() + " id " + s.serverId()));
            }
        }
        return out;
    }

    private void serversFound(Servers s) {
        if (s.found().isEmpty()) {
            Dialogs.message(app.gui(), "Find NEW Namespace Servers", Text.wrap("No server of namespace id " + id.text()
                    + " answered on " + where(seeds) + ". Add servers by hand (F7), or ask at addresses.", 64));
            return;
        }
        List<ClientConfigEditor.ServerEntry> before = List.copyOf(entries);
        entries.clear();
        foundAs.clear();
        for (Found f : s.found()) {
            entries.add(f.entry());
            foundAs.put(f.entry().name(), f.foundAs());
        }
        commit();
        changed = whatChanged(before, entries, s.probes());
        showProbes(s.probes(), s.found().size() + " server interface(s) found.\n" + changed);
    }

    private void testPaths(boolean quiet) {
        Login login = login();
        if (login == null || id.problem() != null) {
            Dialogs.message(app.gui(), "Test paths", "Enter the namespace id, node name and node key first.");
            return;
        }
        List<ClientConfigEditor.ServerEntry> list = List.copyOf(entries);
        List<ClientConfig.Interface> clientInterfaces = app.editor().config().interfaces();
        int namespaceId = Integer.parseInt(id.text());
        app.withWaiting("Test paths", "Testing every path ...", () -> probe(list, clientInterfaces, namespaceId, login),
                r -> showProbes(r, ""));
    }

    /** Every client interface × server interface of the same address family; blocking. */
    private List<PathProbe.Result> probe(List<ClientConfigEditor.ServerEntry> list,
                                         List<ClientConfig.Interface> clientInterfaces, int namespaceId, Login login) {
        PathProbe probe = new PathProbe(PROBE_TIMEOUT, PROBE_BYTES);
        int defaultPort = app.editor().config().defaults().port();
        List<PathProbe.Result> results = new ArrayList<>();
        List<String> sources = clientInterfaces.isEmpty() ? java.util.Collections.singletonList(null)
                : clientInterfaces.stream().map(ClientConfig.Interface::address).toList();
        for (ClientConfigEditor.ServerEntry e : list) {
            for (String source : sources) {
                if (source != null && source.contains(":") != e.address().contains(":")) {
                    continue;
                }
                results.add(probe.probe(new PathProbe.Target(source, e.address(), e.port() > 0 ? e.port() : defaultPort,
                        namespaceId, login.nodeName(), login.nodeKey())));
            }
        }
        return results;
    }

    private void showProbes(List<PathProbe.Result> results, String headline) {
        tested.clear();
        StringBuilder text = new StringBuilder(headline.isEmpty() ? "" : headline + "\n");
        for (ClientConfigEditor.ServerEntry e : entries) {
            List<PathProbe.Result> mine = results.stream()
                    .filter(r -> r.target().serverAddress().equals(e.address())).toList();
            if (mine.isEmpty()) {
                continue;
            }
            long ok = mine.stream().filter(r -> r.outcome() == PathProbe.Outcome.ACCEPTED).count();
            tested.put(e.name(), mine.size() == 1 ? summary(mine.getFirst()) : ok + "/" + mine.size() + " login ok");
            for (PathProbe.Result r : mine) {
                text.append(clientName(r.target().clientAddress())).append(" -> ").append(e.name()).append(' ')
                        .append(e.address()).append(": ").append(r.outcome().label());
                if (r.outcome() == PathProbe.Outcome.ACCEPTED) {
                    text.append(", RTT ").append(r.rttMicros()).append(" µs");
                    if (r.readBytes() > 0) {
                        text.append(String.format(", read %.0f MB/s", r.readMBps()));
                    }
                } else if (!why(r).isEmpty()) {
                    text.append(" (").append(why(r)).append(')');
                }
                text.append('\n');
            }
        }
        if (results.isEmpty()) {
            text.append("Paths not tested: enter node name and key, then F7 > Test paths.");
        }
        fillServers();
        String refusedBy = refusedBy(results);
        if (refusedBy != null) {
            // Said where the key is typed, on the status line and at the next save: one sentence each.
            key.setNormalHint("! refused by " + refusedBy);
            app.keyRefused(committedName == null ? name.text() : committedName, refusedBy);
            app.status("The node key was refused by server " + refusedBy + ": check node name and key against"
                    + " the server's [clients] before F3.");
        } else {
            if (!results.isEmpty()) {
                key.setNormalHint(keyShown ? KEY_SHOWN : KEY_HIDDEN);
                app.keyAccepted(committedName == null ? name.text() : committedName);
            }
            app.status((changed.isEmpty() ? entries.size() + " server interface(s)" : changed) + "; F3 saves");
        }
        changed = "";
        Dialogs.message(app.gui(), "Namespace servers", Text.wrap(text.toString().strip(), 70));
    }

    /**
     * "What changed: new big-9-2 127.0.0.2 (ok 120us 410MB/s); lost big-9-3 127.0.0.3; 1 as before",
     * comparing server interfaces by address, with the path test's RTT and read throughput.
     */
    static String whatChanged(List<ClientConfigEditor.ServerEntry> before, List<ClientConfigEditor.ServerEntry> after,
                              List<PathProbe.Result> probes) {
        List<String> parts = new ArrayList<>();
        int same = 0;
        for (ClientConfigEditor.ServerEntry e : after) {
            if (before.stream().anyMatch(b -> b.address().equals(e.address()))) {
                same++;
                continue;
            }
            List<PathProbe.Result> mine = probes.stream().filter(r -> r.target().serverAddress().equals(e.address()))
                    .toList();
            parts.add("new " + e.name() + " " + e.address() + (mine.isEmpty() ? "" : " (" + summary(best(mine)) + ")"));
        }
        for (ClientConfigEditor.ServerEntry b : before) {
            if (after.stream().noneMatch(e -> e.address().equals(b.address()))) {
                parts.add("lost " + b.name() + " " + b.address());
            }
        }
        if (parts.isEmpty()) {
            return "What changed: nothing, " + same + " server interface(s) as before";
        }
        return "What changed: " + String.join("; ", parts) + (same > 0 ? "; " + same + " as before" : "");
    }

    /** The accepted probe with the lowest RTT, else the first. */
    private static PathProbe.Result best(List<PathProbe.Result> results) {
        return results.stream().filter(r -> r.outcome() == PathProbe.Outcome.ACCEPTED)
                .min(java.util.Comparator.comparingLong(PathProbe.Result::rttMicros)).orElse(results.getFirst());
    }

    /** The servers that refused the log-in when no path accepted it; null when some path did, or none was tried. */
    private static String refusedBy(List<PathProbe.Result> results) {
        boolean anyAccepted = results.stream().anyMatch(r -> r.outcome() == PathProbe.Outcome.ACCEPTED);
        List<String> refusing = results.stream().filter(r -> r.outcome() == PathProbe.Outcome.REFUSED)
                .map(r -> r.serverName() == null || r.serverName().isEmpty() ? r.target().serverAddress()
                        : r.serverName()).distinct().toList();
        return anyAccepted || refusing.isEmpty() ? null : String.join(", ", refusing);
    }

    /** The probe's detail without the outcome's own words in front ("login refused: x" becomes "x"). */
    private static String why(PathProbe.Result r) {
        String label = r.outcome().label();
        String d = r.detail() == null ? "" : r.detail();
        return d.startsWith(label + ": ") ? d.substring(label.length() + 2) : d.equals(label) ? "" : d;
    }

    private String clientName(String address) {
        return app.editor().config().interfaces().stream().filter(i -> i.address().equals(address))
                .map(ClientConfig.Interface::name).findFirst().orElse(address == null ? "any" : address);
    }

    private static String summary(PathProbe.Result r) {
        return switch (r.outcome()) {
            case ACCEPTED -> "ok " + r.rttMicros() + "us" + (r.readBytes() > 0 ? String.format(" %.0fMB/s", r.readMBps()) : "");
            case REFUSED -> "login refused";
            case UNREACHABLE -> "unreachable";
            case FAILED -> "failed";
        };
    }

    // ---- servers by hand ----

    private void addServer() {
        String suggested = entries.isEmpty() ? "server-1" : nextName(entries.getLast().name());
        Dialogs.form(app.gui(), "Add server", "One server interface of this namespace.",
                List.of(Dialogs.Field.of("Name", suggested), Dialogs.Field.of("Address", ""),
                        Dialogs.Field.of("Port (empty: default)", "")), v -> {
                    if (!ConfigValues.isName(v.get(0))) {
                        return "Name " + ConfigValues.namePhrase(v.get(0));
                    }
                    if (entries.stream().anyMatch(e -> e.name().equals(v.get(0)))) {
                        return "there is already a server " + v.get(0);
                    }
                    return FieldRow.addressAndPortProblem(v.get(1), v.get(2));
                }).ifPresent(v -> {
                    entries.add(new ClientConfigEditor.ServerEntry(v.get(0), v.get(1),
                            v.get(2).isEmpty() ? 0 : Integer.parseInt(v.get(2))));
                    commit();
                });
    }

    private static String nextName(String last) {
        int dash = last.lastIndexOf('-');
        if (dash > 0) {
            try {
                return last.substring(0, dash + 1) + (Integer.parseInt(last.substring(dash + 1)) + 1);
            } catch (NumberFormatException ignored) {
                // fall through
            }
        }
        return last + "-2";
    }

    private ClientConfigEditor.ServerEntry selectedServer() {
        int row = servers.getSelectedRow();
        return row >= 0 && row < entries.size() ? entries.get(row) : null;
    }

    private void toggleKey() {
        keyShown = !keyShown;
        key.box.setMask(keyShown ? null : '*');
        key.setNormalHint(keyShown ? KEY_SHOWN : KEY_HIDDEN);
    }

    private void removeServer() {
        ClientConfigEditor.ServerEntry e = selectedServer();
        if (e == null) {
            return;
        }
        String where = committedName == null ? "this namespace" : "namespace " + committedName;
        if (!Dialogs.confirm(app.gui(), "Remove server", "Remove server " + e.name() + " (" + e.address() + ") from "
                + where + "?\nrsiod closes its paths at the next reload; F3 saves.", "Keep", "Remove")) {
            return;
        }
        entries.remove(e);
        commit();
        app.status("Removed server " + e.name() + " (" + e.address() + "); F3 saves");
    }

    private void removeNamespace() {
        if (Dialogs.confirm(app.gui(), "Remove namespace", "Remove namespace " + committedName + " and its "
                + entries.size() + " server(s) from " + app.options().configFile().getFileName() + "?", "Keep",
                "Remove")) {
            try {
                app.editor().removeNamespace(committedName);
                app.changed();
                app.showNamespaces();
            } catch (ConfigException e) {
                Dialogs.message(app.gui(), "Not removed", e.reason());
            }
        }
    }

    // ---- into the config ----

    /** Puts the form into the config when all four fields are valid. */
    private void commit() {
        if (name.problem() != null || id.problem() != null || node.problem() != null || key.problem() != null) {
            fillServers();
            updateState();
            return;
        }
        try {
            int nsId = Integer.parseInt(id.text());
            if (committedName == null) {
                app.editor().addNamespace(name.text(), nsId, node.text(), key.text());
            } else {
                app.editor().updateNamespace(committedName, name.text(), nsId, node.text(), key.text());
            }
            committedName = name.text();
            app.editor().setServers(committedName, entries);
            app.changed();
            app.status("");
        } catch (ConfigException e) {
            app.status("Not in the config yet: " + e.reason());
        }
        fillServers();
        updateState();
    }

    private void fillServers() {
        int sel = servers.getSelectedRow();
        servers.getTableModel().clear();
        int defaultPort = app.editor().config().defaults().port();
        for (ClientConfigEditor.ServerEntry e : entries) {
            servers.getTableModel().addRow(e.name(), e.address(), Integer.toString(e.port() > 0 ? e.port() : defaultPort),
                    foundAs.getOrDefault(e.name(), "-"), tested.getOrDefault(e.name(), "-"));
        }
        if (entries.isEmpty()) {
            servers.getTableModel().addRow("(none)", "F7 > Find NEW Namespace Servers", "", "", "");
        }
        servers.setSelectedRow(Math.max(0, Math.min(sel, servers.getTableModel().getRowCount() - 1)));
    }

    private void updateState() {
        state.setText(committedName == null ? " NEW namespace: not in the file until name, id, node name and key are set"
                : " [namespace " + committedName + "] with " + entries.size() + " [server] section(s)");
        app.changed();
    }

    @Override
    public String problem() {
        boolean blank = name.text().isEmpty() && id.text().isEmpty() && node.text().isEmpty() && key.text().isEmpty();
        if (committedName == null && blank) {
            return null; // an untouched new form: nothing to save from here
        }
        for (FieldRow f : List.of(name, id, node, key)) {
            if (f.problem() != null) {
                return "Namespace: " + f.key + " " + f.problem();
            }
        }
        return null;
    }

    @Override
    public String help() {
        return """
                The seed's steps for a new namespace:
                 F7 > Find NEW Namespace: asks on every client interface's network which
                      namespaces exist, and fills in name and id.
                 Enter node name and node key (Tab moves between fields).
                 F7 > Find NEW Namespace Servers: finds every interface of every server of
                      the namespace (one [server] each) and tests each path with your
                      node name and key: reachable, login, RTT, read speed.
                 F3 saves.""";
    }
}
