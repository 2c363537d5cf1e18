package io.rsio.nativeio.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The attributes of a netlink message, by type (the NLA_F_NESTED and NLA_F_NET_BYTEORDER bits
 * stripped). Every attribute's length is checked against the bytes that hold it; a malformed
 * list is a {@link NetlinkException}.
 */
public final class NetlinkAttributes {
    private static final int TYPE_MASK = 0x3fff;
    private final ByteBuffer buf;
    private final Map<Integer, int[]> spans = new LinkedHashMap<>();

    private NetlinkAttributes(ByteBuffer buf) {
        this.buf = buf;
    }

    /** Parses {@code length} bytes of attributes starting at {@code offset}. */
    public static NetlinkAttributes parse(byte[] data, int offset, int length) throws NetlinkException {
        if (offset < 0 || length < 0 || offset + length > data.length) {
            throw new NetlinkException("attributes [" + offset + ", +" + length + ") outside " + data.length + " bytes");
        }
        NetlinkAttributes attrs = new NetlinkAttributes(ByteBuffer.wrap(data).order(ByteOrder.nativeOrder()));
        int at = offset;
        int end = offset + length;
        while (end - at >= NetlinkMessage.NLA_HDRLEN) {
            int len = Short.toUnsignedInt(attrs.buf.getShort(at));
            int type = Short.toUnsignedInt(attrs.buf.getShort(at + 2)) & TYPE_MASK;
            if (len < NetlinkMessage.NLA_HDRLEN || len > end - at) {
                throw new NetlinkException("attribute " + type + " says " + len + " bytes, " + (end - at) + " left");
            }
            attrs.spans.put(type, new int[] {at + NetlinkMessage.NLA_HDRLEN, len - NetlinkMessage.NLA_HDRLEN});
            at += (len + 3) & ~3;
        }
        return attrs;
    }

    public boolean has(int type) {
        return spans.containsKey(type);
    }

    public Optional<Integer> u16(int type) throws NetlinkException {
        return span(type, 2).map(s -> Short.toUnsignedInt(buf.getShort(s[0])));
    }

    public Optional<Integer> u32(int type) throws NetlinkException {
        return span(type, 4).map(s -> buf.getInt(s[0]));
    }

    public Optional<Long> u64(int type) throws NetlinkException {
        return span(type, 8).map(s -> buf.getLong(s[0]));
    }

    public Optional<String> string(int type) throws NetlinkException {
        Optional<int[]> span = span(type, 0);
        if (span.isEmpty()) {
            return Optional.empty();
        }
        int[] s = span.get();
        int len = s[1];
        while (len > 0 && buf.get(s[0] + len - 1) == 0) {
            len--;
        }
        return Optional.of(new String(buf.array(), s[0], len, StandardCharsets.UTF_8));
    }

    public Optional<NetlinkAttributes> nested(int type) throws NetlinkException {
        Optional<int[]> span = span(type, 0);
        return span.isEmpty() ? Optional.empty() : Optional.of(parse(buf.array(), span.get()[0], span.get()[1]));
    }

    private Optional<int[]> span(int type, int minLength) throws NetlinkException {
        int[] s = spans.get(type);
        if (s == null) {
            return Optional.empty();
        }
        if (s[1] < minLength) {
            throw new NetlinkException("attribute " + type + " has " + s[1] + " bytes, needs " + minLength);
        }
        return Optional.of(s);
    }
}
