package io.rsio.config;

import io.rsio.nativeio.fuse.FuseTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The client's configuration, {@code /etc/rscltcfg}: defaults, the client interfaces rsiod uses,
 * and per namespace the client's identity and the server interfaces to reach.
 *
 * <p>Values are validated and resolved: an interface or server without its own port or protocol
 * gets the namespace's, then the [defaults]'; a namespace's multipath settings are the
 * [defaults]' with its own overrides applied. See docs/CONFIG.md for the format.
 *
 * @param file       the file as named by the caller
 * @param defaults   the [defaults] section, with built-in defaults for what it leaves out
 * @param interfaces the client interfaces rsiod uses, in file order (0 to 8)
 * @param namespaces the namespaces, in file order (may be empty: a fresh config)
 */
public record ClientConfig(Path file, Defaults defaults, List<Interface> interfaces, List<Namespace> namespaces) {

    public ClientConfig {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(defaults, "defaults");
        interfaces = List.copyOf(interfaces);
        namespaces = List.copyOf(namespaces);
    }

    /** Reads and validates a client config file. */
    public static ClientConfig load(Path file) throws ConfigException {
        return parse(file, IniText.read(file));
    }

    /** Parses client config text; {@code nameForMessages} names the text in error messages. */
    public static ClientConfig parse(Path nameForMessages, String text) throws ConfigException {
        return ClientConfigParser.parse(nameForMessages, text);
    }

    /** The namespace with this name (names are case-sensitive). */
    public Optional<Namespace> namespace(String name) {
        return namespaces.stream().filter(n -> n.name().equals(name)).findFirst();
    }

    /**
     * {@code [defaults]}: what interfaces, namespaces and servers inherit, how rsiod makes
     * block devices ({@code attach}) and where it serves metrics ({@code metrics}; none when empty).
     */
    public record Defaults(String protocol, int port, MultipathSettings multipath, Attach attach,
                           Optional<MetricsAddress> metrics, FuseTransport.Setting fuseTransport) {
        /** The defaults of a config without a [defaults] section. */
        public static final Defaults BUILT_IN =
                new Defaults(ConfigDefaults.PROTOCOL, ConfigDefaults.PORT, MultipathSettings.BUILT_IN, Attach.AUTO);

        public Defaults {
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(multipath, "multipath");
            Objects.requireNonNull(attach, "attach");
            Objects.requireNonNull(metrics, "metrics");
            Objects.requireNonNull(fuseTransport, "fuseTransport");
        }

        /** With the FUSE transport chosen automatically. */
        public Defaults(String protocol, int port, MultipathSettings multipath, Attach attach,
                        Optional<MetricsAddress> metrics) {
            this(protocol, port, multipath, attach, metrics, FuseTransport.Setting.AUTO);
        }

        /** Without a metrics endpoint. */
        public Defaults(String protocol, int port, MultipathSettings multipath, Attach attach) {
            this(protocol, port, multipath, attach, Optional.empty());
        }

        /** With automatic choice of the attach method. */
        public Defaults(String protocol, int port, MultipathSettings multipath) {
            this(protocol, port, multipath, Attach.AUTO);
        }

        public Defaults withAttach(Attach other) {
            return new Defaults(protocol, port, multipath, other, metrics, fuseTransport);
        }

        public Defaults withMetrics(Optional<MetricsAddress> other) {
            return new Defaults(protocol, port, multipath, attach, other, fuseTransport);
        }

        public Defaults withFuseTransport(FuseTransport.Setting other) {
            return new Defaults(protocol, port, multipath, attach, metrics, other);
        }
    }

    /** {@code attach} in [defaults]: how rsiod turns volumes into block devices (docs/BLOCKDEV.md). */
    public enum Attach {
        /** The best method this host supports. */
        AUTO("auto"),
        /** A file in rsiod's FUSE filesystem with a loop device on it; nothing else. */
        FUSE_LOOP("fuse+loop"),
        /** No block devices: the NBD export only. */
        NBD_EXPORT("nbd-export");

        private final String text;

        Attach(String text) {
            this.text = text;
        }

        /** As written in the config file. */
        public String text() {
            return text;
        }

        /** The setting as written (case-insensitive); what else is written is refused with the choices. */
        public static Attach parse(String value) {
            String v = value.strip().toLowerCase(java.util.Locale.ROOT);
            for (Attach a : values()) {
                if (a.text.equals(v)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("must be auto, fuse+loop or nbd-export" + (v.equals("nbd")
                    ? " (kernel NBD is not in this version of rsiod)" : ", found " + ConfigValues.quote(value)));
        }
    }

    /**
     * {@code fuse_transport} in [defaults]: how the FUSE requests of the block devices reach
     * rsiod ({@code auto}, {@code uring} or {@code dev}; docs/BLOCKDEV.md).
     */
    public static FuseTransport.Setting parseFuseTransport(String value) {
        return switch (value.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "auto" -> FuseTransport.Setting.AUTO;
            case "uring", "io_uring" -> FuseTransport.Setting.URING;
            case "dev", "/dev/fuse" -> FuseTransport.Setting.DEV;
            default -> throw new IllegalArgumentException("must be auto, uring or dev, found " + ConfigValues.quote(value));
        };
    }

    /**
     * How rsiod spreads I/O over the paths of a namespace and reacts to failures.
     *
     * @param policy        {@code adaptive} (by measured load) or {@code roundrobin}
     * @param pingInterval  how often an idle path is pinged
     * @param pathTimeout   a path that does not answer for this long is failed
     * @param nopathTimeout how long I/O waits for a path when none is left, then fails with EIO
     * @param chunkSize     large requests are split into chunks of this many bytes across paths
     * @param reconnectMax  the longest wait between reconnect attempts of a failed path
     * @param dataDigest    whether the paths ask for CRC32C digests of the data (headers always
     *                      carry theirs)
     */
    public record MultipathSettings(String policy, Duration pingInterval, Duration pathTimeout,
                                    Duration nopathTimeout, int chunkSize, Duration reconnectMax,
                                    boolean dataDigest) {
        /** The settings when the config sets none. */
        public static final MultipathSettings BUILT_IN = new MultipathSettings(ConfigDefaults.POLICY,
                ConfigDefaults.PING_INTERVAL, ConfigDefaults.PATH_TIMEOUT, ConfigDefaults.NOPATH_TIMEOUT,
                ConfigDefaults.CHUNK_SIZE, ConfigDefaults.RECONNECT_MAX, ConfigDefaults.DATA_DIGEST);

        public MultipathSettings {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(pingInterval, "pingInterval");
            Objects.requireNonNull(pathTimeout, "pathTimeout");
            Objects.requireNonNull(nopathTimeout, "nopathTimeout");
            Objects.requireNonNull(reconnectMax, "reconnectMax");
        }
    }

    /** {@code [interface NAME]}: one client interface; port and protocol already resolved. */
    public record Interface(String name, String address, String protocol, int port) {
        public Interface {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(protocol, "protocol");
        }
    }

    /**
     * {@code [namespace NAME]} with the {@code [server]} sections below it.
     *
     * @param id       the namespace id (namespaceid)
     * @param nodeName this client's name in the namespace (the server's [clients] name)
     * @param nodeKey  this client's key (never shown by {@link #toString()})
     * @param servers  one entry per server interface, in file order
     * @param tls      transport security of this namespace's paths ({@link TlsSettings#OFF} by default)
     */
    public record Namespace(String name, int id, String nodeName, String nodeKey, MultipathSettings multipath,
                            List<Server> servers, TlsSettings tls) {
        public Namespace {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(nodeName, "nodeName");
            Objects.requireNonNull(nodeKey, "nodeKey");
            Objects.requireNonNull(multipath, "multipath");
            servers = List.copyOf(servers);
            Objects.requireNonNull(tls, "tls");
        }

        /** A namespace without TLS (the form before TLS settings existed). */
        public Namespace(String name, int id, String nodeName, String nodeKey, MultipathSettings multipath,
                         List<Server> servers) {
            this(name, id, nodeName, nodeKey, multipath, servers, TlsSettings.OFF);
        }

        /** Everything but the key: keys must never reach a log or a screen. */
        @Override
        public String toString() {
            return "Namespace[name=" + name + ", id=" + id + ", nodeName=" + nodeName + ", nodeKey=(hidden)"
                    + ", multipath=" + multipath + ", servers=" + servers + ", tls=" + tls + "]";
        }
    }

    /** {@code [server NAME]}: one server interface of the namespace above it; port and protocol resolved. */
    public record Server(String name, String address, String protocol, int port) {
        public Server {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(protocol, "protocol");
        }
    }
}
