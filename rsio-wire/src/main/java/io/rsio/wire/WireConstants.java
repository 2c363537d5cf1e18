package io.rsio.wire;

/** Fixed numbers of the RSIO frame (docs/PROTOCOL.md §1). */
public final class WireConstants {
    public static final int MAGIC = 0x5253494F;
    public static final int VERSION = 1;
    public static final int HEADER_SIZE = 44;
    public static final int DIGEST_SIZE = 4;

    public static final int FLAG_FUA = 1;
    public static final int FLAG_NO_HOLE = 1 << 1;
    public static final int FLAG_REPLY = 1 << 15;
    public static final int KNOWN_FLAGS = FLAG_FUA | FLAG_NO_HOLE | FLAG_REPLY;

    /** Largest payload accepted before HELLO has agreed a limit. */
    public static final int PRE_HELLO_MAX_PAYLOAD = 4096;
    /** Largest max payload a HELLO may agree. */
    public static final int MAX_PAYLOAD_LIMIT = 16 << 20;
    /** Default max payload: 1 MiB of data per READ or WRITE. */
    public static final int DEFAULT_MAX_PAYLOAD = 1 << 20;

    public static final int FEATURE_HEADER_DIGEST = 1;
    public static final int FEATURE_DATA_DIGEST = 1 << 1;
    public static final int DEFAULT_FEATURES = FEATURE_HEADER_DIGEST | FEATURE_DATA_DIGEST;
    /**
     * The AUTH_PROOF reply carries the server's instance (its host's boot id), so a client can
     * tell a server that may have lost its volatile cache from one that merely reconnected.
     */
    public static final int FEATURE_SERVER_INSTANCE = 1 << 2;
    /**
     * AUTH_START carries the client's instance (random per rsiod start) and PING replies say how
     * many other instances are logged in under the same node name: two hosts sharing one
     * identity are seen by the server and by both of them.
     */
    public static final int FEATURE_CLIENT_INSTANCE = 1 << 3;
    /**
     * The server understands MANAGE (docs/PROTOCOL.md §3.6): a client sends it only where HELLO
     * agreed this bit, so a server of before volume management never sees an opcode it does not
     * know (which would close the connection).
     */
    public static final int FEATURE_MANAGE = 1 << 4;
    /** Every feature this implementation knows: what rsiod asks for and rssrv allows. */
    public static final int SUPPORTED_FEATURES = DEFAULT_FEATURES | FEATURE_SERVER_INSTANCE | FEATURE_CLIENT_INSTANCE
            | FEATURE_MANAGE;

    public static final int NONCE_SIZE = 32;
    public static final int PROOF_SIZE = 32;
    public static final int MAX_STRING_BYTES = 1024;

    public static final int OPEN_READ_ONLY = 1;
    public static final int VOLUME_READ_ONLY = 1;
    /**
     * The servers of this volume are gateways to shared storage that serve it one at a time
     * (docs/SCALE-OUT.md): every acknowledged write is already durable there, and a client sends
     * the volume's I/O to one server, moving only when that one has no ready path.
     */
    public static final int VOLUME_ONE_ACTIVE_SERVER = 2;

    public static final int QUERY_GEOMETRY = 1;

    private WireConstants() {}
}
