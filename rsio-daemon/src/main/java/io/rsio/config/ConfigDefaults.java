package io.rsio.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The defaults and limits of the RSIO config files, in one place so docs, parsers and crsio agree. */
public final class ConfigDefaults {

    /** Where rssrv looks for its config unless given {@code -c FILE}. */
    public static final Path SERVER_CONFIG = Path.of("/etc/dvsc/rssrvcfg");
    /** Where rsiod, rsconfig and crsio look for the client config unless given {@code -c FILE}. */
    public static final Path CLIENT_CONFIG = Path.of("/etc/rscltcfg");

    /** Transport protocols the product speaks. */
    public static final List<String> PROTOCOLS = List.of("tcp");
    public static final String PROTOCOL = "tcp";
    /** The port of the seed's examples, used when no section sets one. */
    public static final int PORT = 5000;

    /** Multipath policies. */
    public static final List<String> POLICIES = List.of("adaptive", "roundrobin");
    public static final String POLICY = "adaptive";
    public static final Duration PING_INTERVAL = Duration.ofSeconds(1);
    public static final Duration PATH_TIMEOUT = Duration.ofSeconds(5);
    public static final Duration NOPATH_TIMEOUT = Duration.ofSeconds(60);
    public static final int CHUNK_SIZE = 256 * 1024;
    public static final Duration RECONNECT_MAX = Duration.ofSeconds(10);
    /** CRC32C of the data on every path unless a namespace turns it off (data_digest). */
    public static final boolean DATA_DIGEST = true;

    /** Device directory the server suggests for a volume ({@code /dev/av0/NAME}). */
    public static final String DEVICE = "av0";
    /** Allowed volume block sizes. */
    public static final List<Integer> BLOCK_SIZES = List.of(512, 4096);
    public static final int BLOCK_SIZE = 512;
    /**
     * How long an RBD gateway waits for the Ceph cluster before it gives a request up to another
     * gateway ({@code ceph_op_timeout}, docs/SCALE-OUT.md "Cut off from the cluster").
     */
    public static final java.time.Duration CEPH_OP_TIMEOUT = java.time.Duration.ofSeconds(5);
    public static final java.time.Duration MIN_CEPH_OP_TIMEOUT = java.time.Duration.ofSeconds(1);
    public static final java.time.Duration MAX_CEPH_OP_TIMEOUT = java.time.Duration.ofMinutes(10);

    /** Interfaces per machine (the seed's limit). */
    public static final int MAX_INTERFACES = 8;

    // Bounds of the multipath settings: wide enough for any sane setting, narrow enough that a
    // typo such as "5000" meaning milliseconds (83 minutes as seconds) is caught.
    public static final Duration MIN_PING_INTERVAL = Duration.ofMillis(10);
    public static final Duration MAX_PING_INTERVAL = Duration.ofMinutes(10);
    public static final Duration MIN_PATH_TIMEOUT = Duration.ofMillis(20);
    public static final Duration MAX_PATH_TIMEOUT = Duration.ofHours(1);
    public static final Duration MAX_NOPATH_TIMEOUT = Duration.ofHours(24);
    public static final Duration MIN_RECONNECT_MAX = Duration.ofMillis(100);
    public static final Duration MAX_RECONNECT_MAX = Duration.ofHours(1);
    /** Chunk sizes: 4 KiB to 16 MiB (the protocol's largest payload), a multiple of 4 KiB. */
    public static final int MIN_CHUNK_SIZE = 4096;
    public static final int MAX_CHUNK_SIZE = 16 * 1024 * 1024;

    private ConfigDefaults() {
    }
}
