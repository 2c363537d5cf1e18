package io.rsio.nativeio.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Builds one generic netlink request (netlink(7), genetlink): a 16-byte {@code nlmsghdr}
 * {u32 len, u16 type, u16 flags, u32 seq, u32 pid}, a 4-byte {@code genlmsghdr} {u8 cmd, u8
 * version, u16 reserved}, then attributes {@code nlattr} {u16 len, u16 type, payload padded to
 * 4 bytes}, nested ones flagged NLA_F_NESTED. Host byte order throughout.
 */
public final class NetlinkMessage {
    public static final int NLMSG_HDRLEN = 16;
    public static final int GENL_HDRLEN = 4;
    public static final int NLA_HDRLEN = 4;
    public static final int NLM_F_REQUEST = 0x1;
    public static final int NLM_F_ACK = 0x4;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int NLA_F_NESTED = 1 << 15;
    /** The generic netlink controller's fixed family id (GENL_ID_CTRL). */
    public static final int GENL_ID_CTRL = 0x10;
    static final int MAX_MESSAGE = 64 << 10;

    private final ByteBuffer buf = ByteBuffer.allocate(MAX_MESSAGE).order(ByteOrder.nativeOrder());
    private final Deque<Integer> nested = new ArrayDeque<>();

    /** A request to {@code familyId} for command {@code cmd}, asking for an acknowledgement. */
    public NetlinkMessage(int familyId, int seq, int cmd, int version) {
        buf.putInt(0).putShort((short) familyId).putShort((short) (NLM_F_REQUEST | NLM_F_ACK)).putInt(seq).putInt(0);
        buf.put((byte) cmd).put((byte) version).putShort((short) 0);
    }

    public NetlinkMessage u8(int type, int value) {
        header(type, 1).put((byte) value);
        return pad();
    }

    public NetlinkMessage u16(int type, int value) {
        header(type, 2).putShort((short) value);
        return pad();
    }

    public NetlinkMessage u32(int type, int value) {
        header(type, 4).putInt(value);
        return pad();
    }

    public NetlinkMessage u64(int type, long value) {
        header(type, 8).putLong(value);
        return pad();
    }

    /** A NUL-terminated string attribute (NLA_NUL_STRING / NLA_STRING). */
    public NetlinkMessage string(int type, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        header(type, bytes.length + 1).put(bytes).put((byte) 0);
        return pad();
    }

    /** Opens a nested attribute; close it with {@link #end()}. */
    public NetlinkMessage begin(int type) {
        nested.push(buf.position());
        buf.putShort((short) 0).putShort((short) (type | NLA_F_NESTED));
        return this;
    }

    public NetlinkMessage end() {
        if (nested.isEmpty()) {
            throw new IllegalStateException("no nested attribute open");
        }
        int start = nested.pop();
        buf.putShort(start, (short) (buf.position() - start));
        return this;
    }

    /** The finished message, its length field set. */
    public byte[] toBytes() {
        if (!nested.isEmpty()) {
            throw new IllegalStateException(nested.size() + " nested attribute(s) not closed");
        }
        buf.putInt(0, buf.position());
        byte[] out = new byte[buf.position()];
        buf.get(0, out);
        return out;
    }

    private ByteBuffer header(int type, int payload) {
        buf.putShort((short) (NLA_HDRLEN + payload)).putShort((short) type);
        return buf;
    }

    private NetlinkMessage pad() {
        while (buf.position() % 4 != 0) {
            buf.put((byte) 0);
        }
        return this;
    }
}
