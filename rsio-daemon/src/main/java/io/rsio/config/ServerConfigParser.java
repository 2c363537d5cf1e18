package io.rsio.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/** Turns rssrvcfg text into a {@link ServerConfig}, or the first problem as a {@link ConfigException}. */
final class ServerConfigParser {

    private static final String FILE_KIND = "rssrvcfg";
    private static final List<String> KINDS = List.of("namespace", "server", "interface", "clients", "volume", "pool");
    private static final List<String> NAMESPACE_KEYS = java.util.stream.Stream.concat(
            java.util.stream.Stream.of("namespaceid", "protocol", "port"), TlsSettings.SERVER_KEYS.stream()).toList();
    private static final List<String> SERVER_KEYS =
            List.of("serverid", "discovery", "max_pending_logins", "login_timeout", "busy_poll", "metrics");
    private static final List<String> INTERFACE_KEYS = List.of("address", "port", "protocol");
    private static final List<String> VOLUME_KEYS =
            List.of("path", "size", "device", "access", "blocksize", "readonly", "id", "rbd", "ceph_conf", "ceph_user",
                    "ceph_keyring", "ceph_op_timeout");

    private final Path file;
    private IniText.Section namespaceSection;
    private IniText.Section serverSection;
    private IniText.Section clientsSection;
    private final List<IniText.Section> interfaceSections = new ArrayList<>();
    private final List<IniText.Section> volumeSections = new ArrayList<>();
    private final List<IniText.Section> poolSections = new ArrayList<>();

    private ServerConfigParser(Path file) {
        this.file = file;
    }

    static ServerConfig parse(Path file, String text) throws ConfigException {
        ServerConfigParser p = new ServerConfigParser(file);
        p.sort(IniText.parse(file, text));
        ServerConfig.Namespace namespace = p.namespace();
        ServerConfig.Server server = p.server();
        List<ServerConfig.Client> clients = p.clients();
        List<ServerConfig.Interface> interfaces = p.interfaces(namespace);
        List<ServerConfig.Volume> volumes = p.volumes(clients);
        List<ServerConfig.Pool> pools = PoolConfigParser.pools(file, p.poolSections, clients);
        return new ServerConfig(file, namespace, server, interfaces, clients, volumes, pools);
    }

    /** Checks the section structure and files each section under its kind. */
    private void sort(List<IniText.Section> sections) throws ConfigException {
        Sections.Names interfaceNames = new Sections.Names(file, "[interface]");
        Sections.Names volumeNames = new Sections.Names(file, "[volume]");
        Sections.Names poolNames = new Sections.Names(file, "[pool]");
        for (IniText.Section s : sections) {
            switch (s.kind()) {
                case "namespace" -> {
                    Sections.requireName(file, s, "[namespace osl]");
                    namespaceSection = single(s, namespaceSection, "namespace");
                }
                case "server" -> {
                    Sections.requireName(file, s, "[server big-9]");
                    serverSection = single(s, serverSection, "server");
                }
                case "interface" -> {
                    interfaceNames.add(Sections.requireName(file, s, "[interface if0]"), s.line());
                    if (interfaceSections.size() == ConfigDefaults.MAX_INTERFACES) {
                        throw new ConfigException(file, s.line(), "too many [interface] sections: a server uses at most "
                                + ConfigDefaults.MAX_INTERFACES + " interfaces");
                    }
                    interfaceSections.add(s);
                }
                case "clients" -> {
                    Sections.requireNoName(file, s);
                    if (clientsSection != null) {
                        throw new ConfigException(file, s.line(), "second [clients] section (the first is on line "
                                + clientsSection.line() + "); list every client in one");
                    }
                    clientsSection = s;
                }
                case "volume" -> {
                    volumeNames.add(Sections.requireName(file, s, "[volume oracle]"), s.line());
                    volumeSections.add(s);
                }
                case "pool" -> {
                    poolNames.add(Sections.requireName(file, s, "[pool fast]"), s.line());
                    poolSections.add(s);
                }
                default -> throw Sections.unknownKind(file, s, FILE_KIND, KINDS);
            }
        }
        if (namespaceSection == null) {
            throw new ConfigException(file, 0, "no [namespace NAME] section; " + FILE_KIND + " needs exactly one");
        }
        if (serverSection == null) {
            throw new ConfigException(file, 0, "no [server NAME] section; " + FILE_KIND + " needs exactly one");
        }
        if (interfaceSections.isEmpty()) {
            throw new ConfigException(file, 0, "no [interface NAME] section; " + FILE_KIND
                    + " needs one per server interface to listen on");
        }
    }

    private IniText.Section single(IniText.Section s, IniText.Section earlier, String kind) throws ConfigException {
        if (earlier != null) {
            throw new ConfigException(file, s.line(), "second [" + kind + "] section " + ConfigValues.quote(s.label())
                    + "; " + FILE_KIND + " holds exactly one (" + earlier.label() + " is on line " + earlier.line() + ")");
        }
        return s;
    }

    private ServerConfig.Namespace namespace() throws ConfigException {
        SectionReader r = new SectionReader(file, namespaceSection, NAMESPACE_KEYS);
        Path absolute = file.toAbsolutePath();
        Path base = absolute.getParent() != null ? absolute.getParent() : absolute;
        return new ServerConfig.Namespace(namespaceSection.name(),
                r.require("namespaceid", ConfigValues::parseId),
                r.get("protocol", ConfigValues::parseProtocol, ConfigDefaults.PROTOCOL),
                r.get("port", ConfigValues::parsePort, ConfigDefaults.PORT),
                TlsSettings.server(r, base));
    }

    private ServerConfig.Server server() throws ConfigException {
        SectionReader r = new SectionReader(file, serverSection, SERVER_KEYS);
        return new ServerConfig.Server(serverSection.name(),
                r.require("serverid", ConfigValues::parseId),
                r.get("discovery", ConfigValues::parseYesNo, true),
                r.get("max_pending_logins", v -> ConfigValues.parseInt(v, 1, 4096),
                        ServerConfig.Server.DEFAULT_MAX_PENDING_LOGINS),
                r.get("login_timeout", ConfigValues.durationBetween(java.time.Duration.ofSeconds(1),
                        java.time.Duration.ofMinutes(5)), ServerConfig.Server.DEFAULT_LOGIN_TIMEOUT),
                r.get("busy_poll", ServerConfigParser::parseBusyPoll, java.time.Duration.ZERO),
                r.get("metrics", MetricsAddress::parse).flatMap(m -> m));
    }

    /** {@code [clients]} lines are "name key" (ini4j sees a key-less option), "name = key" is accepted too. */
    private List<ServerConfig.Client> clients() throws ConfigException {
        List<ServerConfig.Client> clients = new ArrayList<>();
        if (clientsSection == null) {
            return clients;
        }
        Sections.Names names = new Sections.Names(file, "client");
        for (IniText.Entry e : clientsSection.entries()) {
            String text = e.text();
            String name = IniText.firstWord(text);
            String key = text.substring(name.length()).strip();
            if (!key.isEmpty() && (key.charAt(0) == '=' || key.charAt(0) == ':')) {
                key = key.substring(1).strip();
            }
            if (key.isEmpty()) {
                // Nothing after the name, so the line holds no key and may be quoted.
                throw new ConfigException(file, e.line(), "[clients] line must be \"name key\", found "
                        + ConfigValues.quote(text));
            }
            if (!ConfigValues.isName(name)) {
                throw new ConfigException(file, e.line(), "client name " + ConfigValues.namePhrase(name));
            }
            Sections.checkKey(file, e.line(), key, "key of client " + ConfigValues.quote(name),
                    "a [clients] line is \"name key\"");
            names.add(name, e.line());
            clients.add(new ServerConfig.Client(name, key));
        }
        return clients;
    }

    private List<ServerConfig.Interface> interfaces(ServerConfig.Namespace namespace) throws ConfigException {
        List<ServerConfig.Interface> interfaces = new ArrayList<>();
        Map<String, IniText.Section> endpoints = new HashMap<>();
        for (IniText.Section s : interfaceSections) {
            SectionReader r = new SectionReader(file, s, INTERFACE_KEYS);
            ServerConfig.Interface i = new ServerConfig.Interface(s.name(),
                    r.require("address", ConfigValues::parseAddress),
                    r.get("protocol", ConfigValues::parseProtocol, namespace.protocol()),
                    r.get("port", ConfigValues::parsePort, namespace.port()));
            IniText.Section earlier = endpoints.putIfAbsent(i.protocol() + " " + i.address() + " " + i.port(), s);
            if (earlier != null) {
                throw r.error("address", "address " + i.address() + " port " + i.port() + " is already used by "
                        + earlier.label() + " on line " + earlier.line());
            }
            interfaces.add(i);
        }
        return interfaces;
    }

    private List<ServerConfig.Volume> volumes(List<ServerConfig.Client> clients) throws ConfigException {
        Path absolute = file.toAbsolutePath();
        Path base = absolute.getParent() != null ? absolute.getParent() : absolute; // "/" has no parent
        List<String> clientNames = clients.stream().map(ServerConfig.Client::name).toList();
        List<ServerConfig.Volume> volumes = new ArrayList<>();
        Map<Path, IniText.Section> paths = new HashMap<>();
        Map<UUID, IniText.Section> ids = new HashMap<>();
        Map<String, IniText.Section> rbdImages = new HashMap<>();
        for (IniText.Section s : volumeSections) {
            SectionReader r = new SectionReader(file, s, VOLUME_KEYS);
            Optional<ServerConfig.RbdImage> rbd = RbdSettings.read(r, base);
            Path path = rbd.isPresent() ? null : path(r, base);
            int blockSize = r.get("blocksize", ServerConfigParser::parseBlockSize, ConfigDefaults.BLOCK_SIZE);
            OptionalLong size = OptionalLong.empty();
            Optional<Long> configured = r.get("size", ConfigValues::parseSize);
            if (configured.isPresent()) {
                long bytes = configured.get();
                if (bytes == 0 || bytes % blockSize != 0) {
                    throw r.error("size", "size must be a positive multiple of the block size " + blockSize
                            + ", found " + ConfigValues.quote(r.raw("size").orElseThrow()));
                }
                size = OptionalLong.of(bytes);
            }
            String device = r.get("device", ServerConfigParser::parseDevice, ConfigDefaults.DEVICE);
            List<String> access = access(r, clientNames);
            boolean readOnly = r.get("readonly", ConfigValues::parseYesNo, false);
            Optional<UUID> id = r.get("id", ConfigValues::parseUuid);

            IniText.Section earlier = rbd.isPresent() ? rbdImages.putIfAbsent(rbd.get().pool() + "/"
                    + rbd.get().image(), s) : paths.putIfAbsent(path, s);
            if (earlier != null) {
                String key = rbd.isPresent() ? "rbd" : "path";
                throw r.error(key, key + " " + (rbd.isPresent() ? rbd.get().pool() + "/" + rbd.get().image() : path)
                        + " is already served by " + earlier.label() + " on line " + earlier.line());
            }
            if (id.isPresent() && (earlier = ids.putIfAbsent(id.get(), s)) != null) {
                throw r.error("id", "id " + id.get() + " is already used by " + earlier.label()
                        + " on line " + earlier.line());
            }
            volumes.add(new ServerConfig.Volume(s.name(), path, size, device, access, blockSize, readOnly, id, rbd));
        }
        return volumes;
    }

    private static Path path(SectionReader r, Path base) throws ConfigException {
        return path(r, base, "a file or block device");
    }

    /** The required {@code path} key resolved against {@code base}; {@code what} it must name. */
    static Path path(SectionReader r, Path base, String what) throws ConfigException {
        String raw = r.requireRaw("path");
        if (raw.isEmpty()) {
            throw r.error("path", "path must name " + what + ", found \"\"");
        }
        try {
            return base.resolve(Path.of(raw)).normalize();
        } catch (InvalidPathException e) {
            throw r.error("path", "path is not a valid file name, found " + ConfigValues.quote(raw));
        }
    }

    /** Like durationBetween(0, MAX_BUSY_POLL), with the message naming what 0 means. */
    private static java.time.Duration parseBusyPoll(String value) {
        java.time.Duration d = ConfigValues.parseDuration(value);
        if (d.compareTo(ServerConfig.Server.MAX_BUSY_POLL) > 0) {
            throw new IllegalArgumentException("must be from 0 (off) to "
                    + ConfigValues.formatDuration(ServerConfig.Server.MAX_BUSY_POLL) + ", found " + ConfigValues.quote(value));
        }
        return d;
    }

    private static int parseBlockSize(String value) {
        String v = value.strip();
        for (int allowed : ConfigDefaults.BLOCK_SIZES) {
            if (v.equals(Integer.toString(allowed))) {
                return allowed;
            }
        }
        throw new IllegalArgumentException("must be 512 or 4096, found " + ConfigValues.quote(value));
    }

    static String parseDevice(String value) {
        String v = value.strip();
        if (!ConfigValues.isName(v)) {
            throw new IllegalArgumentException("must be a directory name such as av0 (no \"/\"); it "
                    + ConfigValues.namePhrase(value));
        }
        return v;
    }

    /** Comma- or space-separated client names, each listed in [clients]; absent means every client. */
    private static List<String> access(SectionReader r, List<String> clientNames) throws ConfigException {
        Optional<String> raw = r.raw("access");
        if (raw.isEmpty()) {
            return List.of();
        }
        String v = raw.get().strip();
        if (v.isEmpty()) {
            throw r.error("access", "access must list at least one client name (leave it out to allow every client)");
        }
        Set<String> names = new LinkedHashSet<>();
        for (String name : v.split("[,\\s]+")) {
            if (name.isEmpty()) {
                continue;
            }
            if (!clientNames.contains(name)) {
                throw r.error("access", "access names " + ConfigValues.quote(name) + ", which is not a client in [clients]"
                        + (clientNames.isEmpty() ? " (there are none)" : " (clients: " + String.join(", ", clientNames) + ")"));
            }
            if (!names.add(name)) {
                throw r.error("access", "access names " + ConfigValues.quote(name) + " twice");
            }
        }
        if (names.isEmpty()) {
            throw r.error("access", "access must list at least one client name (leave it out to allow every client)");
        }
        return List.copyOf(names);
    }
}
