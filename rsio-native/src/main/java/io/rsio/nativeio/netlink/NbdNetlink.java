package io.rsio.nativeio.netlink;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The kernel NBD driver's generic netlink interface ({@code linux/nbd-netlink.h}, family
 * "nbd", version 1): CONNECT hands the kernel one or more connected sockets and the export's
 * size, block size and flags and gets a device index (/dev/nbdN); RECONFIGURE changes the size
 * (online growth) or replaces sockets; DISCONNECT ends it. The kernel skips the NBD handshake
 * and understands simple replies only. Only where {@code nbd.ko} is loaded; not on the
 * machine this was written on, so only the encoding is tested here (see docs/BLOCKDEV.md).
 */
public final class NbdNetlink {
    public static final String FAMILY = "nbd";
    public static final int VERSION = 1;
    public static final int CMD_CONNECT = 1;
    public static final int CMD_DISCONNECT = 2;
    public static final int CMD_RECONFIGURE = 3;
    public static final int ATTR_INDEX = 1;
    public static final int ATTR_SIZE_BYTES = 2;
    public static final int ATTR_BLOCK_SIZE_BYTES = 3;
    public static final int ATTR_TIMEOUT = 4;
    public static final int ATTR_SERVER_FLAGS = 5;
    public static final int ATTR_CLIENT_FLAGS = 6;
    public static final int ATTR_SOCKETS = 7;
    public static final int ATTR_DEAD_CONN_TIMEOUT = 8;
    public static final int ATTR_BACKEND_IDENTIFIER = 10;
    public static final int SOCK_ITEM = 1;
    public static final int SOCK_FD = 1;

    /**
     * What CONNECT asks for.
     *
     * @param index the device number wanted, or -1 for the first free one
     * @param serverFlags the NBD transmission flags (HAS_FLAGS, SEND_FLUSH, SEND_TRIM, …)
     * @param timeoutSeconds a request unanswered this long fails (0: the kernel's default)
     * @param deadConnTimeoutSeconds how long I/O waits for a RECONFIGURE after the sockets died
     * @param socketFds connected stream sockets, one per kernel queue
     * @param backend a label the kernel keeps (NBD_ATTR_BACKEND_IDENTIFIER), e.g. "rsio:osl:oracle"
     */
    public record Connect(int index, long sizeBytes, long blockSize, long serverFlags, long timeoutSeconds,
                          long deadConnTimeoutSeconds, int[] socketFds, String backend) {
        public Connect {
            Objects.requireNonNull(backend, "backend");
            if (socketFds.length == 0) {
                throw new IllegalArgumentException("CONNECT needs at least one socket");
            }
            if (sizeBytes <= 0 || blockSize < 512 || blockSize > 4096 || Long.bitCount(blockSize) != 1) {
                throw new IllegalArgumentException("bad size " + sizeBytes + " or block size " + blockSize);
            }
            socketFds = socketFds.clone();
        }
    }

    private final GenericNetlinkSocket socket;
    private final int family;

    private NbdNetlink(GenericNetlinkSocket socket, int family) {
        this.socket = socket;
        this.family = family;
    }

    /** True when the nbd module is loaded (it registers the netlink family). */
    public static boolean moduleLoaded() {
        return Files.exists(Path.of("/sys/module/nbd"));
    }

    /** Resolves the "nbd" family; empty when the kernel has no NBD driver. */
    public static java.util.Optional<NbdNetlink> open(GenericNetlinkSocket socket) throws IOException {
        OptionalInt id = socket.familyId(FAMILY);
        return id.isPresent() ? java.util.Optional.of(new NbdNetlink(socket, id.getAsInt())) : java.util.Optional.empty();
    }

    static byte[] encodeConnect(int familyId, int seq, Connect c) {
        NetlinkMessage m = new NetlinkMessage(familyId, seq, CMD_CONNECT, VERSION);
        if (c.index() >= 0) {
            m.u32(ATTR_INDEX, c.index());
        }
        m.u64(ATTR_SIZE_BYTES, c.sizeBytes()).u64(ATTR_BLOCK_SIZE_BYTES, c.blockSize())
                .u64(ATTR_SERVER_FLAGS, c.serverFlags());
        if (c.timeoutSeconds() > 0) {
            m.u64(ATTR_TIMEOUT, c.timeoutSeconds());
        }
        if (c.deadConnTimeoutSeconds() > 0) {
            m.u64(ATTR_DEAD_CONN_TIMEOUT, c.deadConnTimeoutSeconds());
        }
        m.begin(ATTR_SOCKETS);
        for (int fd : c.socketFds()) {
            m.begin(SOCK_ITEM).u32(SOCK_FD, fd).end();
        }
        m.end();
        if (!c.backend().isEmpty()) {
            m.string(ATTR_BACKEND_IDENTIFIER, c.backend());
        }
        return m.toBytes();
    }

    static byte[] encodeDisconnect(int familyId, int seq, int index) {
        return new NetlinkMessage(familyId, seq, CMD_DISCONNECT, VERSION).u32(ATTR_INDEX, index).toBytes();
    }

    static byte[] encodeResize(int familyId, int seq, int index, long sizeBytes) {
        return new NetlinkMessage(familyId, seq, CMD_RECONFIGURE, VERSION).u32(ATTR_INDEX, index)
                .u64(ATTR_SIZE_BYTES, sizeBytes).toBytes();
    }

    /** CONNECT; returns the device index the kernel chose (/dev/nbdN). */
    public int connect(Connect c) throws IOException {
        for (NetlinkReply r : socket.exchange(encodeConnect(family, socket.nextSeq(), c), "NBD_CMD_CONNECT")) {
            if (r.attributes() != null && r.attributes().has(ATTR_INDEX)) {
                return r.attributes().u32(ATTR_INDEX).orElseThrow();
            }
        }
        if (c.index() >= 0) {
            return c.index();
        }
        throw new NetlinkException("NBD_CMD_CONNECT: the kernel answered without a device index");
    }

    public void disconnect(int index) throws IOException {
        socket.exchange(encodeDisconnect(family, socket.nextSeq(), index), "NBD_CMD_DISCONNECT nbd" + index);
    }

    /** Online growth: the device takes the new size. */
    public void resize(int index, long sizeBytes) throws IOException {
        socket.exchange(encodeResize(family, socket.nextSeq(), index, sizeBytes), "NBD_CMD_RECONFIGURE nbd" + index);
    }
}
