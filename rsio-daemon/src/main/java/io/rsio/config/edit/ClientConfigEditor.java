package io.rsio.config.edit;

import io.rsio.config.ClientConfig;
import io.rsio.config.ConfigException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Edits {@code /etc/rscltcfg} as crsio does: every change is tried on a copy of the document and
 * kept only if the daemons' own parser ({@link ClientConfig#parse}) accepts the result, so the
 * editor can never hold a file rsiod would refuse. A refused change throws the parser's
 * {@link ConfigException}, whose {@link ConfigException#reason()} makes a field message.
 *
 * <p>Layout follows the seed: {@code [defaults]} first, then the {@code [interface]} sections,
 * then each {@code [namespace]} followed by one {@code [server]} section per server interface.
 * Lines the administrator wrote by hand (comments included) are kept.
 */
public final class ClientConfigEditor {
    /** One server interface of a namespace: a {@code [server NAME]} section. {@code port} 0 inherits. */
    public record ServerEntry(String name, String address, int port) {
        public ServerEntry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(address, "address");
        }
    }

    private final Path file;
    private ConfigDocument document;
    private ClientConfig config;
    /** The text as loaded or last saved: "dirty" compares with it, so an edit undone by hand is no change. */
    private String savedText;

    private ClientConfigEditor(Path file, ConfigDocument document, ClientConfig config) {
        this.file = file;
        this.document = document;
        this.config = config;
        this.savedText = document.text();
    }

    /** Starts from file text; invalid text is refused with the parser's file:line message. */
    public static ClientConfigEditor of(Path file, String text) throws ConfigException {
        return new ClientConfigEditor(file, ConfigDocument.parse(text), ClientConfig.parse(file, text));
    }

    /** What a new file holds before the administrator adds anything: the seed's [defaults]. */
    public static String freshText() {
        return "[defaults]\n" + ConfigDocument.entry("protocol", "tcp") + "\n" + ConfigDocument.entry("port", "5000")
                + "\n";
    }

    public Path file() {
        return file;
    }

    /** The current text, as it would be saved. */
    public String text() {
        return document.text();
    }

    /** The current content, parsed and resolved. */
    public ClientConfig config() {
        return config;
    }

    /** Whether there are changes since load or the last {@link #markSaved()}. */
    public boolean dirty() {
        return !document.text().equals(savedText);
    }

    public void markSaved() {
        savedText = document.text();
    }

    /** Replaces everything with new text (after a reload from disk); clears the dirty mark. */
    public void reset(String text) throws ConfigException {
        ClientConfig parsed = ClientConfig.parse(file, text);
        document = ConfigDocument.parse(text);
        config = parsed;
        savedText = document.text();
    }

    /** The value written in a section, e.g. {@code raw("defaults", "", "port")}; empty when not set. */
    public Optional<String> raw(String kind, String name, String key) {
        return document.find(kind, name).isPresent() ? document.get(kind, name, key) : Optional.empty();
    }

    // ---- [defaults] ----

    /** Sets a [defaults] key, or removes it when {@code value} is null or blank (the built-in default applies). */
    public void setDefault(String key, String value) throws ConfigException {
        change(d -> {
            if (d.find("defaults", "").isEmpty()) {
                if (value == null || value.isBlank()) {
                    return;
                }
                d.insertSection(0, "defaults", "", List.of());
            }
            if (value == null || value.isBlank()) {
                d.remove("defaults", "", key);
            } else {
                d.set("defaults", "", key, value.strip());
            }
        });
    }

    // ---- [interface] ----

    /** The next free interface name: if0, if1, ... */
    public String nextInterfaceName() {
        for (int i = 0; ; i++) {
            String name = "if" + i;
            if (document.find("interface", name).isEmpty()) {
                return name;
            }
        }
    }

    /** Adds {@code [interface NAME]} after the last interface (or after [defaults], or at the top). */
    public void addInterface(String name, String address) throws ConfigException {
        addInterface(name, address, 0);
    }

    /** As {@link #addInterface(String, String)}, with its own {@code port} (0: the default port). */
    public void addInterface(String name, String address, int port) throws ConfigException {
        change(d -> {
            requireAbsent(d, "interface", name);
            List<ConfigDocument.Section> interfaces = d.sections("interface");
            int at;
            List<ConfigDocument.Section> namespaces = d.sections("namespace");
            if (!interfaces.isEmpty()) {
                at = d.after(interfaces.getLast());
            } else if (!namespaces.isEmpty()) {
                at = d.before(namespaces.getFirst()); // interfaces before namespaces, as in the seed
            } else if (d.find("defaults", "").isPresent()) {
                at = d.after(d.find("defaults", "").get());
            } else {
                List<ConfigDocument.Section> all = d.sections();
                at = all.isEmpty() ? d.end() : d.before(all.getFirst());
            }
            List<String[]> entries = new ArrayList<>();
            entries.add(new String[] {"address", address.strip()});
            if (port > 0) {
                entries.add(new String[] {"port", Integer.toString(port)});
            }
            d.insertSection(at, "interface", name, entries);
        });
    }

    /** Changes an interface's name and address. */
    public void updateInterface(String name, String newName, String address) throws ConfigException {
        change(d -> {
            d.set("interface", name, "address", address.strip());
            if (!newName.equals(name)) {
                requireAbsent(d, "interface", newName);
                d.rename("interface", name, newName);
            }
        });
    }

    /** Changes an interface's name, address and port (0: the default port, the key is removed). */
    public void updateInterface(String name, String newName, String address, int port) throws ConfigException {
        change(d -> {
            d.set("interface", name, "address", address.strip());
            if (port > 0) {
                d.set("interface", name, "port", Integer.toString(port));
            } else {
                d.remove("interface", name, "port");
            }
            if (!newName.equals(name)) {
                requireAbsent(d, "interface", newName);
                d.rename("interface", name, newName);
            }
        });
    }

    public void removeInterface(String name) throws ConfigException {
        change(d -> d.removeSection("interface", name));
    }

    // ---- [namespace] and its [server]s ----

    /** Adds a namespace at the end of the file (its servers follow it). */
    public void addNamespace(String name, int id, String nodeName, String nodeKey) throws ConfigException {
        change(d -> {
            requireAbsent(d, "namespace", name);
            d.insertSection(d.end(), "namespace", name, List.of(new String[] {"namespaceid", Integer.toString(id)},
                    new String[] {"nodename", nodeName.strip()}, new String[] {"nodekey", nodeKey.strip()}));
        });
    }

    /** Changes a namespace's name, id and log-in data; its servers stay with it. */
    public void updateNamespace(String name, String newName, int id, String nodeName, String nodeKey)
            throws ConfigException {
        change(d -> {
            d.set("namespace", name, "namespaceid", Integer.toString(id));
            d.set("namespace", name, "nodename", nodeName.strip());
            d.set("namespace", name, "nodekey", nodeKey.strip());
            if (!newName.equals(name)) {
                requireAbsent(d, "namespace", newName);
                d.rename("namespace", name, newName);
            }
        });
    }

    /** Removes a namespace with all its [server] sections. */
    public void removeNamespace(String name) throws ConfigException {
        change(d -> {
            for (ConfigDocument.Section s : servers(d, name).reversed()) {
                d.removeSection("server", s.name());
            }
            d.removeSection("namespace", name);
        });
    }

    /**
     * Makes the namespace's [server] sections exactly {@code servers}: sections of the same name
     * are updated in place (keeping their comments), new ones are added after the namespace's
     * last server, and sections not listed are removed.
     */
    public void setServers(String namespace, List<ServerEntry> servers) throws ConfigException {
        change(d -> {
            if (d.find("namespace", namespace).isEmpty()) {
                throw new IllegalArgumentException("no namespace " + namespace);
            }
            List<String> keep = servers.stream().map(ServerEntry::name).toList();
            for (ConfigDocument.Section s : servers(d, namespace).reversed()) {
                if (!keep.contains(s.name())) {
                    removeServerSection(d, namespace, s.name());
                }
            }
            for (ServerEntry e : servers) {
                Optional<ConfigDocument.Section> existing = serverSection(d, namespace, e.name());
                if (existing.isPresent()) {
                    setInSection(d, existing.get(), "address", e.address());
                    if (e.port() > 0) {
                        setInSection(d, existing.get(), "port", Integer.toString(e.port()));
                    }
                } else {
                    List<ConfigDocument.Section> current = servers(d, namespace);
                    ConfigDocument.Section last = current.isEmpty() ? d.find("namespace", namespace).get()
                            : current.getLast();
                    List<String[]> entries = new ArrayList<>();
                    entries.add(new String[] {"address", e.address()});
                    if (e.port() > 0) {
                        entries.add(new String[] {"port", Integer.toString(e.port())});
                    }
                    d.insertSection(d.after(last), "server", e.name(), entries);
                }
            }
        });
    }

    /** The names of the namespace's [server] sections, in file order. */
    public List<String> serverNames(String namespace) {
        return servers(document, namespace).stream().map(ConfigDocument.Section::name).toList();
    }

    // ---- machinery ----

    /** An edit of the document that may refuse with IllegalArgumentException. */
    @FunctionalInterface
    private interface Edit extends Consumer<ConfigDocument> {
    }

    private void change(Edit edit) throws ConfigException {
        ConfigDocument trial = document.copy();
        try {
            edit.accept(trial);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(file, 0, e.getMessage());
        }
        String text = trial.text();
        ClientConfig parsed = ClientConfig.parse(file, text);
        document = trial;
        config = parsed;
    }

    private static void requireAbsent(ConfigDocument d, String kind, String name) {
        if (d.find(kind, name).isPresent()) {
            throw new IllegalArgumentException("there is already an [" + kind + " " + name + "]");
        }
    }

    /** The [server] sections between the namespace's header and the next [namespace]. */
    private static List<ConfigDocument.Section> servers(ConfigDocument d, String namespace) {
        List<ConfigDocument.Section> out = new ArrayList<>();
        boolean inside = false;
        for (ConfigDocument.Section s : d.sections()) {
            if (s.kind().equals("namespace")) {
                inside = s.name().equals(namespace);
            } else if (inside && s.kind().equals("server")) {
                out.add(s);
            }
        }
        return out;
    }

    private static Optional<ConfigDocument.Section> serverSection(ConfigDocument d, String namespace, String name) {
        return servers(d, namespace).stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /**
     * Server names are unique per namespace only, so two namespaces may both have
     * {@code [server big-9-1]}: edit by position, not by {@link ConfigDocument#find}.
     */
    private static void setInSection(ConfigDocument d, ConfigDocument.Section s, String key, String value) {
        d.setAt(s, key, value);
    }

    private static void removeServerSection(ConfigDocument d, String namespace, String name) {
        serverSection(d, namespace, name).ifPresent(d::removeSection);
    }
}
