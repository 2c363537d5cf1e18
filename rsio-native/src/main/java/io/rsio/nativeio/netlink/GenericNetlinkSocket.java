package io.rsio.nativeio.netlink;

import io.rsio.nativeio.LinuxErrno;
import io.rsio.nativeio.NativeException;
import io.rsio.nativeio.Syscalls;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.OptionalInt;

/**
 * A NETLINK_GENERIC socket for request/acknowledge exchanges with the kernel: one request at a
 * time, answered by its data messages and an acknowledgement or an error. Not thread safe.
 */
public final class GenericNetlinkSocket implements AutoCloseable {
    static final int NETLINK_GENERIC = 16;
    static final int CTRL_CMD_GETFAMILY = 3;
    static final int CTRL_ATTR_FAMILY_ID = 1;
    static final int CTRL_ATTR_FAMILY_NAME = 2;
    private static final String WHAT = "netlink";

    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment receive = arena.allocate(NetlinkMessage.MAX_MESSAGE, 8);
    private int seq = 1;

    private GenericNetlinkSocket(int fd) {
        this.fd = fd;
    }

    public static GenericNetlinkSocket open() throws IOException {
        int fd = Syscalls.socket(Syscalls.AF_NETLINK, Syscalls.SOCK_RAW, NETLINK_GENERIC, WHAT);
        try (Arena a = Arena.ofConfined()) {
            // struct sockaddr_nl {u16 family, u16 pad, u32 pid (0: the kernel picks), u32 groups}
            MemorySegment addr = a.allocate(12, 4);
            addr.set(ValueLayout.JAVA_SHORT, 0, (short) Syscalls.AF_NETLINK);
            Syscalls.bind(fd, addr, 12, WHAT);
            return new GenericNetlinkSocket(fd);
        } catch (IOException | RuntimeException e) {
            Syscalls.close(fd, java.nio.file.Path.of(WHAT));
            throw e;
        }
    }

    /** The next sequence number, for building a request. */
    public int nextSeq() {
        return seq++;
    }

    /** The id of a generic netlink family ("nbd"), or empty when the kernel has none by that name. */
    public OptionalInt familyId(String name) throws IOException {
        NetlinkMessage request = new NetlinkMessage(NetlinkMessage.GENL_ID_CTRL, nextSeq(), CTRL_CMD_GETFAMILY, 1)
                .string(CTRL_ATTR_FAMILY_NAME, name);
        try {
            for (NetlinkReply r : exchange(request.toBytes(), "CTRL_CMD_GETFAMILY " + name)) {
                if (r.attributes() != null && r.attributes().has(CTRL_ATTR_FAMILY_ID)) {
                    return OptionalInt.of(r.attributes().u16(CTRL_ATTR_FAMILY_ID).orElseThrow());
                }
            }
            throw new NetlinkException("CTRL_CMD_GETFAMILY " + name + ": no family id in the answer");
        } catch (NetlinkException e) {
            if (e.errno() == LinuxErrno.ENOENT) {
                return OptionalInt.empty();
            }
            throw e;
        }
    }

    /**
     * Sends one request (built with NLM_F_ACK) and collects the answer up to its
     * acknowledgement; the kernel's error becomes a {@link NetlinkException} naming {@code what}.
     */
    public List<NetlinkReply> exchange(byte[] request, String what) throws IOException {
        int requestSeq = java.nio.ByteBuffer.wrap(request).order(java.nio.ByteOrder.nativeOrder()).getInt(8);
        try (Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(request.length, 8);
            MemorySegment.copy(request, 0, out, ValueLayout.JAVA_BYTE, 0, request.length);
            Syscalls.send(fd, out, WHAT);
        }
        List<NetlinkReply> answer = new java.util.ArrayList<>();
        for (int datagrams = 0; datagrams < 64; datagrams++) {
            long n;
            try {
                n = Syscalls.recv(fd, receive, WHAT);
            } catch (NativeException e) {
                throw new NetlinkException(what + ": " + e.getMessage(), e.errno());
            }
            byte[] data = receive.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
            for (NetlinkReply r : NetlinkReply.parse(data, (int) n)) {
                if (r.seq() != requestSeq) {
                    continue; // a late answer to an earlier request
                }
                if (r.isError()) {
                    throw r.failure(what);
                }
                if (r.isAck() || r.type() == NetlinkMessage.NLMSG_DONE) {
                    return answer;
                }
                answer.add(r);
            }
        }
        throw new NetlinkException(what + ": no acknowledgement after 64 datagrams");
    }

    @Override
    public void close() throws IOException {
        Syscalls.close(fd, java.nio.file.Path.of(WHAT));
        arena.close();
    }
}
