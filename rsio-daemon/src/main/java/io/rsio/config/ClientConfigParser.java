package io.rsio.config;

import io.rsio.nativeio.fuse.FuseTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Turns rscltcfg text into a {@link ClientConfig}, or the first problem as a {@link ConfigException}. */
final class ClientConfigParser {

    private static final String FILE_KIND = "rscltcfg";
    private static final List<String> KINDS = List.of("defaults", "interface", "namespace", "server");
    private static final List<String> MULTIPATH_KEYS =
            List.of("policy", "ping_interval", "path_timeout", "nopath_timeout", "chunk_size", "reconnect_max",
                    "data_digest");
    private static final List<String> DEFAULTS_KEYS =
            Stream.of(Stream.of("protocol", "port"), MULTIPATH_KEYS.stream(), Stream.of("attach", "metrics", "fuse_transport"))
                    .flatMap(k -> k).toList();
    private static final List<String> INTERFACE_KEYS = List.of("address", "port", "protocol");
    private static final List<String> NAMESPACE_KEYS = Stream.of(
            Stream.of("namespaceid", "nodename", "nodekey", "protocol", "port"), MULTIPATH_KEYS.stream(),
            TlsSettings.CLIENT_KEYS.stream()).flatMap(k -> k).toList();
    private static final List<String> SERVER_KEYS = List.of("address", "port", "protocol");

    /** A [namespace] section and the [server] sections that follow it. */
    private record Group(IniText.Section namespace, List<IniText.Section> servers) {
    }

    private final Path file;
    private IniText.Section defaultsSection;
    private final List<IniText.Section> interfaceSections = new ArrayList<>();
    private final List<Group> groups = new ArrayList<>();

    private ClientConfigParser(Path file) {
        this.file = file;
    }

    static ClientConfig parse(Path file, String text) throws ConfigException {
        ClientConfigParser p = new ClientConfigParser(file);
        p.sort(IniText.parse(file, text));
        ClientConfig.Defaults defaults = p.defaults();
        List<ClientConfig.Interface> interfaces = p.interfaces(defaults);
        List<ClientConfig.Namespace> namespaces = p.namespaces(defaults);
        return new ClientConfig(file, defaults, interfaces, namespaces);
    }

    /** Checks the section structure; a [server] belongs to the nearest [namespace] above it. */
    private void sort(List<IniText.Section> sections) throws ConfigException {
        Sections.Names interfaceNames = new Sections.Names(file, "[interface]");
        Sections.Names namespaceNames = new Sections.Names(file, "[namespace]");
        Sections.Names serverNames = null;
        Group current = null;
        for (IniText.Section s : sections) {
            switch (s.kind()) {
                case "defaults" -> {
                    Sections.requireNoName(file, s);
                    if (defaultsSection != null) {
                        throw new ConfigException(file, s.line(), "second [defaults] section (the first is on line "
                                + defaultsSection.line() + ")");
                    }
                    defaultsSection = s;
                }
                case "interface" -> {
                    interfaceNames.add(Sections.requireName(file, s, "[interface if0]"), s.line());
                    if (interfaceSections.size() == ConfigDefaults.MAX_INTERFACES) {
                        throw new ConfigException(file, s.line(), "too many [interface] sections: a client uses at most "
                                + ConfigDefaults.MAX_INTERFACES + " interfaces");
                    }
                    interfaceSections.add(s);
                }
                case "namespace" -> {
                    namespaceNames.add(Sections.requireName(file, s, "[namespace osl]"), s.line());
                    current = new Group(s, new ArrayList<>());
                    groups.add(current);
                    serverNames = new Sections.Names(file, "[server] in " + s.label() + ":");
                }
                case "server" -> {
                    String name = Sections.requireName(file, s, "[server big-9-1]");
                    if (current == null) {
                        throw new ConfigException(file, s.line(), s.label() + " is not inside a namespace: each [server]"
                                + " belongs to the [namespace] above it, and there is none");
                    }
                    serverNames.add(name, s.line());
                    current.servers().add(s);
                }
                default -> throw Sections.unknownKind(file, s, FILE_KIND, KINDS);
            }
        }
    }

    private ClientConfig.Defaults defaults() throws ConfigException {
        if (defaultsSection == null) {
            return ClientConfig.Defaults.BUILT_IN;
        }
        SectionReader r = new SectionReader(file, defaultsSection, DEFAULTS_KEYS);
        return new ClientConfig.Defaults(
                r.get("protocol", ConfigValues::parseProtocol, ConfigDefaults.PROTOCOL),
                r.get("port", ConfigValues::parsePort, ConfigDefaults.PORT),
                multipath(r, ClientConfig.MultipathSettings.BUILT_IN),
                r.get("attach", ClientConfig.Attach::parse, ClientConfig.Attach.AUTO),
                r.get("metrics", MetricsAddress::parse).flatMap(m -> m),
                r.get("fuse_transport", ClientConfig::parseFuseTransport, FuseTransport.Setting.AUTO));
    }

    private List<ClientConfig.Interface> interfaces(ClientConfig.Defaults defaults) throws ConfigException {
        List<ClientConfig.Interface> interfaces = new ArrayList<>();
        Map<String, IniText.Section> addresses = new HashMap<>();
        for (IniText.Section s : interfaceSections) {
            SectionReader r = new SectionReader(file, s, INTERFACE_KEYS);
            ClientConfig.Interface i = new ClientConfig.Interface(s.name(),
                    r.require("address", ConfigValues::parseAddress),
                    r.get("protocol", ConfigValues::parseProtocol, defaults.protocol()),
                    r.get("port", ConfigValues::parsePort, defaults.port()));
            IniText.Section earlier = addresses.putIfAbsent(i.address(), s);
            if (earlier != null) {
                throw r.error("address", "address " + i.address() + " is already used by " + earlier.label()
                        + " on line " + earlier.line());
            }
            interfaces.add(i);
        }
        return interfaces;
    }

    private List<ClientConfig.Namespace> namespaces(ClientConfig.Defaults defaults) throws ConfigException {
        List<ClientConfig.Namespace> namespaces = new ArrayList<>();
        Map<Integer, IniText.Section> ids = new HashMap<>();
        for (Group g : groups) {
            IniText.Section s = g.namespace();
            SectionReader r = new SectionReader(file, s, NAMESPACE_KEYS);
            int id = r.require("namespaceid", ConfigValues::parseId);
            IniText.Section earlier = ids.putIfAbsent(id, s);
            if (earlier != null) {
                throw r.error("namespaceid", "namespaceid " + id + " is already used by " + earlier.label()
                        + " on line " + earlier.line());
            }
            String nodeName = r.require("nodename", ClientConfigParser::parseNodeName);
            String nodeKey = r.requireRaw("nodekey");
            Sections.checkKey(file, r.line("nodekey"), nodeKey, "nodekey",
                    "the server lists it in a [clients] line \"name key\"");
            String protocol = r.get("protocol", ConfigValues::parseProtocol, defaults.protocol());
            int port = r.get("port", ConfigValues::parsePort, defaults.port());
            ClientConfig.MultipathSettings multipath = multipath(r, defaults.multipath());
            TlsSettings tls = TlsSettings.client(r);
            namespaces.add(new ClientConfig.Namespace(s.name(), id, nodeName, nodeKey, multipath,
                    servers(g, protocol, port), tls));
        }
        return namespaces;
    }

    private List<ClientConfig.Server> servers(Group g, String protocol, int port) throws ConfigException {
        List<ClientConfig.Server> servers = new ArrayList<>();
        Map<String, IniText.Section> endpoints = new HashMap<>();
        for (IniText.Section s : g.servers()) {
            SectionReader r = new SectionReader(file, s, SERVER_KEYS);
            ClientConfig.Server server = new ClientConfig.Server(s.name(),
                    r.require("address", ConfigValues::parseAddress),
                    r.get("protocol", ConfigValues::parseProtocol, protocol),
                    r.get("port", ConfigValues::parsePort, port));
            IniText.Section earlier = endpoints.putIfAbsent(
                    server.protocol() + " " + server.address() + " " + server.port(), s);
            if (earlier != null) {
                throw r.error("address", "address " + server.address() + " port " + server.port()
                        + " is already used by " + earlier.label() + " on line " + earlier.line());
            }
            servers.add(server);
        }
        return servers;
    }

    /** The section's multipath keys applied over {@code base}. */
    private static ClientConfig.MultipathSettings multipath(SectionReader r, ClientConfig.MultipathSettings base)
            throws ConfigException {
        String policy = r.get("policy", ConfigValues::parsePolicy, base.policy());
        Duration ping = r.get("ping_interval",
                ConfigValues.durationBetween(ConfigDefaults.MIN_PING_INTERVAL, ConfigDefaults.MAX_PING_INTERVAL), base.pingInterval());
        Duration pathTimeout = r.get("path_timeout",
                ConfigValues.durationBetween(ConfigDefaults.MIN_PATH_TIMEOUT, ConfigDefaults.MAX_PATH_TIMEOUT), base.pathTimeout());
        Duration nopathTimeout = r.get("nopath_timeout",
                ConfigValues.durationBetween(Duration.ZERO, ConfigDefaults.MAX_NOPATH_TIMEOUT), base.nopathTimeout());
        int chunkSize = r.get("chunk_size", ClientConfigParser::parseChunkSize, base.chunkSize());
        Duration reconnectMax = r.get("reconnect_max",
                ConfigValues.durationBetween(ConfigDefaults.MIN_RECONNECT_MAX, ConfigDefaults.MAX_RECONNECT_MAX), base.reconnectMax());
        boolean dataDigest = r.get("data_digest", ConfigValues::parseYesNo, base.dataDigest());
        if (pathTimeout.compareTo(ping) <= 0) {
            // A path must get at least one ping answer before it can time out.
            String key = r.has("path_timeout") ? "path_timeout" : "ping_interval";
            throw r.error(key, "path_timeout (" + ConfigValues.formatDuration(pathTimeout)
                    + ") must be longer than ping_interval (" + ConfigValues.formatDuration(ping) + ")");
        }
        return new ClientConfig.MultipathSettings(policy, ping, pathTimeout, nopathTimeout, chunkSize, reconnectMax,
                dataDigest);
    }

    private static int parseChunkSize(String value) {
        long n = ConfigValues.parseSize(value);
        if (n < ConfigDefaults.MIN_CHUNK_SIZE || n > ConfigDefaults.MAX_CHUNK_SIZE || n % ConfigDefaults.MIN_CHUNK_SIZE != 0) {
            throw new IllegalArgumentException("must be a size from 4K to 16M in steps of 4K, found "
                    + ConfigValues.quote(value));
        }
        return (int) n;
    }

    private static String parseNodeName(String value) {
        String v = value.strip();
        if (!ConfigValues.isName(v)) {
            throw new IllegalArgumentException(ConfigValues.namePhrase(value));
        }
        return v;
    }
}
