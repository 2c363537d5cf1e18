package io.rsio.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;

/**
 * The server's configuration, {@code /etc/dvsc/rssrvcfg}: one namespace, one server, its
 * interfaces, the clients allowed to log in and the volumes it serves.
 *
 * <p>Values are validated and resolved: an interface's port and protocol are filled in from the
 * namespace when the interface does not set them, a relative volume path is resolved against the
 * config file's directory. See docs/CONFIG.md for the format.
 *
 * @param file       the file as named by the caller
 * @param namespace  the namespace this server belongs to
 * @param server     this server's identity
 * @param interfaces the interfaces to listen on, in file order (1 to 8)
 * @param clients    the clients allowed to log in, in file order (may be empty)
 * @param volumes    the volumes served, in file order (may be empty)
 * @param pools      the pools clients may create volumes in (docs/VOLUMES.md; may be empty)
 */
public record ServerConfig(Path file, Namespace namespace, Server server, List<Interface> interfaces,
                           List<Client> clients, List<Volume> volumes, List<Pool> pools) {

    public ServerConfig {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(server, "server");
        interfaces = List.copyOf(interfaces);
        clients = List.copyOf(clients);
        volumes = List.copyOf(volumes);
        pools = List.copyOf(pools);
    }

    /** A configuration without pools. */
    public ServerConfig(Path file, Namespace namespace, Server server, List<Interface> interfaces,
                        List<Client> clients, List<Volume> volumes) {
        this(file, namespace, server, interfaces, clients, volumes, List.of());
    }

    /** Reads and validates a server config file. */
    public static ServerConfig load(Path file) throws ConfigException {
        return parse(file, IniText.read(file));
    }

    /**
     * Parses server config text. {@code nameForMessages} names the text in error messages and is
     * the base for relative volume paths.
     */
    public static ServerConfig parse(Path nameForMessages, String text) throws ConfigException {
        return ServerConfigParser.parse(nameForMessages, text);
    }

    /** The client with this name (names are case-sensitive). */
    public Optional<Client> client(String name) {
        return clients.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    /** The volume with this name (names are case-sensitive). */
    public Optional<Volume> volume(String name) {
        return volumes.stream().filter(v -> v.name().equals(name)).findFirst();
    }

    /** {@code [namespace NAME]}: the namespace id, its default protocol and port, and its TLS settings. */
    public record Namespace(String name, int id, String protocol, int port, TlsSettings tls) {
        public Namespace {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(protocol, "protocol");
            Objects.requireNonNull(tls, "tls");
        }

        /** A namespace without TLS (the form before TLS settings existed). */
        public Namespace(String name, int id, String protocol, int port) {
            this(name, id, protocol, port, TlsSettings.OFF);
        }
    }

    /**
     * {@code [server NAME]}: this server's id, whether it answers discovery broadcasts, how many
     * connections one source address may hold before they have logged in, how long a
     * connection may take to log in, and how long the event loops poll after work before they
     * sleep ({@code busy_poll}; zero: never), and where it serves metrics ({@code metrics}; none
     * when empty).
     */
    public record Server(String name, int id, boolean discovery, int maxPendingLogins, java.time.Duration loginTimeout,
                         java.time.Duration busyPoll, Optional<MetricsAddress> metrics) {
        public static final int DEFAULT_MAX_PENDING_LOGINS = 16;
        public static final java.time.Duration DEFAULT_LOGIN_TIMEOUT = java.time.Duration.ofSeconds(10);
        public static final java.time.Duration MAX_BUSY_POLL = java.time.Duration.ofMillis(10);

        public Server {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(loginTimeout, "loginTimeout");
            Objects.requireNonNull(busyPoll, "busyPoll");
            Objects.requireNonNull(metrics, "metrics");
        }

        /** Without a metrics endpoint. */
        public Server(String name, int id, boolean discovery, int maxPendingLogins, java.time.Duration loginTimeout,
                      java.time.Duration busyPoll) {
            this(name, id, discovery, maxPendingLogins, loginTimeout, busyPoll, Optional.empty());
        }

        /** With the default login limits and no busy polling. */
        public Server(String name, int id, boolean discovery) {
            this(name, id, discovery, DEFAULT_MAX_PENDING_LOGINS, DEFAULT_LOGIN_TIMEOUT, java.time.Duration.ZERO);
        }
    }

    /** {@code [interface NAME]}: one address to listen on; port and protocol already resolved. */
    public record Interface(String name, String address, String protocol, int port) {
        public Interface {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(protocol, "protocol");
        }
    }

    /** One {@code [clients]} line: a client's node name and its key. */
    public record Client(String name, String key) {
        public Client {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(key, "key");
        }

        /** Shows the name only: keys must never reach a log or a screen. */
        @Override
        public String toString() {
            return "Client[name=" + name + ", key=(hidden)]";
        }
    }

    /**
     * {@code [volume NAME]}: a file or block device, or an RBD image, served as a volume.
     *
     * @param path      absolute path of the file or block device; null for an RBD volume
     * @param size      size in bytes, if configured (rssrv requires it to create a missing file)
     * @param device    the device directory the server suggests to clients, e.g. {@code av0}
     * @param access    the clients allowed to use it; empty means every client in [clients]
     * @param blockSize 512 or 4096
     * @param id        an explicit volume identity; when empty rssrv derives a stable one
     * @param rbd       the RBD image holding the volume (docs/SCALE-OUT.md), instead of a path
     */
    public record Volume(String name, Path path, OptionalLong size, String device, List<String> access,
                         int blockSize, boolean readOnly, Optional<UUID> id, Optional<RbdImage> rbd) {
        public Volume {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(rbd, "rbd");
            if ((path == null) == rbd.isEmpty()) {
                throw new IllegalArgumentException("volume " + name + ": either a path or an RBD image");
            }
            Objects.requireNonNull(size, "size");
            Objects.requireNonNull(device, "device");
            access = List.copyOf(access);
            Objects.requireNonNull(id, "id");
        }

        /** A volume in a file or on a block device. */
        public Volume(String name, Path path, OptionalLong size, String device, List<String> access,
                      int blockSize, boolean readOnly, Optional<UUID> id) {
            this(name, path, size, device, access, blockSize, readOnly, id, Optional.empty());
        }

        /** Where the bytes live, for messages: the path, or {@code rbd:POOL/IMAGE}. */
        public String source() {
            return rbd.isPresent() ? "rbd:" + rbd.get().pool() + "/" + rbd.get().image() : path.toString();
        }

        /** Whether the named client may use this volume. */
        public boolean allows(String clientName) {
            return access.isEmpty() || access.contains(clientName);
        }
    }

    /**
     * An RBD image in a Ceph cluster ({@code rbd = POOL/IMAGE}), and how rssrv connects to it.
     *
     * @param cephConf the cluster's ceph.conf ({@code ceph_conf}, default /etc/ceph/ceph.conf)
     * @param user     the Ceph user, e.g. {@code client.rsio} ({@code ceph_user})
     * @param keyring  the user's keyring ({@code ceph_keyring}); empty: what ceph.conf says
     * @param opTimeout how long the gateway waits for the cluster before giving a request up to
     *                 another gateway ({@code ceph_op_timeout}, whole seconds)
     */
    public record RbdImage(String pool, String image, Path cephConf, String user, Optional<Path> keyring,
                           java.time.Duration opTimeout) {
        public RbdImage {
            Objects.requireNonNull(pool, "pool");
            Objects.requireNonNull(image, "image");
            Objects.requireNonNull(cephConf, "cephConf");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(keyring, "keyring");
            Objects.requireNonNull(opTimeout, "opTimeout");
        }

        /** With the default {@code ceph_op_timeout}. */
        public RbdImage(String pool, String image, Path cephConf, String user, Optional<Path> keyring) {
            this(pool, image, cephConf, user, keyring, ConfigDefaults.CEPH_OP_TIMEOUT);
        }
    }

    /**
     * The Ceph pool of an RBD-backed {@code [pool]} ({@code rbd_pool}) and how rssrv connects to
     * it, as for an RBD {@code [volume]}.
     */
    public record CephPool(String pool, Path cephConf, String user, Optional<Path> keyring,
                           java.time.Duration opTimeout) {
        public CephPool {
            Objects.requireNonNull(pool, "pool");
            Objects.requireNonNull(cephConf, "cephConf");
            Objects.requireNonNull(user, "user");
            Objects.requireNonNull(keyring, "keyring");
            Objects.requireNonNull(opTimeout, "opTimeout");
        }

        /** Image {@code image} of this pool, with this pool's connection settings. */
        public RbdImage image(String image) {
            return new RbdImage(pool, image, cephConf, user, keyring, opTimeout);
        }

        /** {@code rbd:POOL}, for messages. */
        public String describe() {
            return "rbd:" + pool;
        }
    }

    /** What a client may do in a pool; each is a key of {@code [pool]} listing the clients that hold it. */
    public enum PoolRight {
        CREATE, GROW, SNAPSHOT, DELETE, THROTTLE, PAUSE, COPY;

        /** The rssrvcfg key, and the word refusals name. */
        public String key() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * {@code [pool NAME]}: a directory of volumes created at run time, or with {@code type = rbd} a
     * Ceph pool whose RBD images they are (docs/VOLUMES.md).
     *
     * @param directory absolute path of the pool's directory
     * @param quota     the most bytes the pool's volumes may provision together, if limited
     * @param device    the device directory suggested for its volumes
     * @param blockSize the block size of its volumes, 512 or 4096
     * @param access    the clients that may use its volumes; empty means every client
     * @param rights    per right, the clients holding it; a right nobody is given is held by none
     * @param rbd       for {@code type = rbd}: the Ceph pool its volumes are RBD images in (then
     *                  {@code directory} is null; docs/VOLUMES.md, "RBD pools")
     */
    public record Pool(String name, Path directory, OptionalLong quota, String device, int blockSize,
                       List<String> access, java.util.Map<PoolRight, List<String>> rights, Optional<CephPool> rbd) {
        public Pool {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(rbd, "rbd");
            if ((directory == null) == rbd.isEmpty()) {
                throw new IllegalArgumentException("pool " + name + ": either a directory or an RBD pool");
            }
            Objects.requireNonNull(quota, "quota");
            Objects.requireNonNull(device, "device");
            access = List.copyOf(access);
            rights = java.util.Map.copyOf(rights);
        }

        /** Whether the named client may use the pool's volumes. */
        public boolean allows(String clientName) {
            return access.isEmpty() || access.contains(clientName);
        }

        /** Whether the named client holds {@code right} here; nobody holds a right the file does not give. */
        public boolean grants(String clientName, PoolRight right) {
            return rights.getOrDefault(right, List.of()).contains(clientName);
        }
    }
}
