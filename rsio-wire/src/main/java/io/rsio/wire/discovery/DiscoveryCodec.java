package io.rsio.wire.discovery;

import java.net.InetAddress;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Bytes of the discovery datagrams (docs/PROTOCOL.md §6) and back. Plain byte arrays, no Netty,
 * so a blocking UDP client and the server's event loop share it.
 *
 * <p>Anti-amplification: a DISCOVER is padded to at least {@link #MIN_REQUEST_SIZE} bytes, and
 * {@link #encodeAnnounce} refuses to produce more bytes than the DISCOVER it answers. A forged
 * source address therefore never makes a server send more than it received.
 */
public final class DiscoveryCodec {
    /** "RSID": the first four bytes of every discovery datagram. */
    public static final int MAGIC = 0x52534944;
    public static final int VERSION = 1;
    public static final int TYPE_DISCOVER = 1;
    public static final int TYPE_ANNOUNCE = 2;
    /** DISCOVER flag: only servers of the namespace id in the request answer. */
    public static final int FLAG_NAMESPACE = 1;
    /** Smallest DISCOVER: the largest ANNOUNCE a valid server config yields fits in it. */
    public static final int MIN_REQUEST_SIZE = 1200;
    /** Largest datagram: fits a 1500-byte Ethernet MTU under IPv4 and UDP headers. */
    public static final int MAX_DATAGRAM_SIZE = 1472;
    public static final int MAX_INTERFACES = 8;
    /** Longest text field in bytes (u8 length prefix). */
    public static final int MAX_TEXT_BYTES = 255;
    static final int HEADER_SIZE = 8;
    static final int DISCOVER_FIXED = HEADER_SIZE + 8 + 4;

    private DiscoveryCodec() {}

    /** A DISCOVER of {@code d.size()} bytes: header, nonce, namespace id, zero padding. */
    public static byte[] encodeDiscover(DiscoveryMessage.Discover d) {
        ByteBuffer b = ByteBuffer.allocate(d.size());
        header(b, TYPE_DISCOVER, d.namespaceId().isPresent() ? FLAG_NAMESPACE : 0);
        b.putLong(d.nonce());
        b.putInt(d.namespaceId().orElse(0));
        return b.array(); // the rest is already zero
    }

    /**
     * An ANNOUNCE of at most {@code limit} bytes (the size of the DISCOVER it answers).
     *
     * @throws IllegalArgumentException when it would be larger than {@code limit}, or a text field
     *     is not sendable (over 255 UTF-8 bytes, malformed)
     */
    public static byte[] encodeAnnounce(DiscoveryMessage.Announce a, int limit) {
        // More than any ANNOUNCE of 255-byte texts and 8 interfaces needs.
        ByteBuffer b = ByteBuffer.allocate(8192);
        header(b, TYPE_ANNOUNCE, 0);
        b.putLong(a.nonce());
        b.putInt(a.namespaceId());
        text(b, a.namespaceName());
        b.putInt(a.serverId());
        text(b, a.serverName());
        b.put((byte) a.interfaces().size());
        for (DiscoveryMessage.ServerInterface i : a.interfaces()) {
            text(b, i.address());
            b.putShort((short) i.port());
            text(b, i.protocol());
            b.putInt(i.mtu());
            b.putInt(i.speedMbps());
            if (b.position() > Math.min(limit, MAX_DATAGRAM_SIZE)) {
                break; // already too big: reported below
            }
        }
        if (b.position() > Math.min(limit, MAX_DATAGRAM_SIZE)) {
            throw new IllegalArgumentException("ANNOUNCE would be larger than " + Math.min(limit, MAX_DATAGRAM_SIZE)
                    + " bytes");
        }
        byte[] out = new byte[b.position()];
        b.flip().get(out);
        return out;
    }

    /**
     * Decodes one datagram of {@code length} bytes from {@code data}. Every field is checked against
     * the bytes that are there before it is read; nothing is allocated beyond the datagram's size.
     */
    public static DiscoveryMessage decode(byte[] data, int length) throws DiscoveryFormatException {
        if (length < HEADER_SIZE || length > data.length) {
            throw new DiscoveryFormatException("datagram of " + length + " bytes is too short for a header");
        }
        if (length > MAX_DATAGRAM_SIZE) {
            throw new DiscoveryFormatException("datagram of " + length + " bytes is larger than " + MAX_DATAGRAM_SIZE);
        }
        ByteBuffer b = ByteBuffer.wrap(data, 0, length);
        if (b.getInt() != MAGIC) {
            throw new DiscoveryFormatException("bad magic");
        }
        int version = b.get() & 0xff;
        if (version != VERSION) {
            throw new DiscoveryFormatException("unknown version " + version);
        }
        int type = b.get() & 0xff;
        int flags = b.getShort() & 0xffff;
        try {
            return switch (type) {
                case TYPE_DISCOVER -> discover(b, flags, length);
                case TYPE_ANNOUNCE -> announce(b, flags);
                default -> throw new DiscoveryFormatException("unknown type " + type);
            };
        } catch (BufferUnderflowException e) {
            throw new DiscoveryFormatException("datagram ends inside a field");
        }
    }

    private static DiscoveryMessage.Discover discover(ByteBuffer b, int flags, int length)
            throws DiscoveryFormatException {
        if ((flags & ~FLAG_NAMESPACE) != 0) {
            throw new DiscoveryFormatException("unknown DISCOVER flags 0x" + Integer.toHexString(flags));
        }
        if (length < MIN_REQUEST_SIZE) {
            // An unpadded request could make an ANNOUNCE larger than itself: not answered.
            throw new DiscoveryFormatException("DISCOVER of " + length + " bytes is shorter than " + MIN_REQUEST_SIZE);
        }
        long nonce = b.getLong();
        int namespaceId = b.getInt();
        if ((flags & FLAG_NAMESPACE) == 0 && namespaceId != 0) {
            throw new DiscoveryFormatException("namespace id without the namespace flag");
        }
        if (namespaceId < 0) {
            throw new DiscoveryFormatException("namespace id " + Integer.toUnsignedString(namespaceId) + " too large");
        }
        while (b.hasRemaining()) {
            if (b.get() != 0) {
                throw new DiscoveryFormatException("DISCOVER padding is not zero");
            }
        }
        return new DiscoveryMessage.Discover(nonce,
                (flags & FLAG_NAMESPACE) != 0 ? OptionalInt.of(namespaceId) : OptionalInt.empty(), length);
    }

    private static DiscoveryMessage.Announce announce(ByteBuffer b, int flags) throws DiscoveryFormatException {
        if (flags != 0) {
            throw new DiscoveryFormatException("unknown ANNOUNCE flags 0x" + Integer.toHexString(flags));
        }
        long nonce = b.getLong();
        int namespaceId = nonNegative(b.getInt(), "namespace id");
        String namespaceName = readText(b, "namespace name");
        int serverId = nonNegative(b.getInt(), "server id");
        String serverName = readText(b, "server name");
        int count = b.get() & 0xff;
        if (count < 1 || count > MAX_INTERFACES) {
            throw new DiscoveryFormatException("interface count " + count + " outside 1.." + MAX_INTERFACES);
        }
        List<DiscoveryMessage.ServerInterface> interfaces = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String address = readText(b, "address");
            if (!isIpLiteral(address)) {
                throw new DiscoveryFormatException("interface " + i + ": address is not an IP literal");
            }
            int port = b.getShort() & 0xffff;
            if (port == 0) {
                throw new DiscoveryFormatException("interface " + i + ": port 0");
            }
            String protocol = readText(b, "protocol");
            int mtu = nonNegative(b.getInt(), "mtu");
            int speed = nonNegative(b.getInt(), "link speed");
            interfaces.add(new DiscoveryMessage.ServerInterface(address, port, protocol, mtu, speed));
        }
        if (b.hasRemaining()) {
            throw new DiscoveryFormatException(b.remaining() + " bytes left over after the ANNOUNCE");
        }
        return new DiscoveryMessage.Announce(nonce, namespaceName, namespaceId, serverName, serverId, interfaces);
    }

    private static int nonNegative(int value, String field) throws DiscoveryFormatException {
        if (value < 0) {
            throw new DiscoveryFormatException(field + " " + Integer.toUnsignedString(value) + " too large");
        }
        return value;
    }

    /** An IPv4 or IPv6 literal (an IPv6 zone after '%' is allowed); never resolves a name. */
    static boolean isIpLiteral(String s) {
        if (s.isEmpty()) {
            return false;
        }
        int percent = s.indexOf('%');
        String host = percent >= 0 && s.indexOf(':') >= 0 ? s.substring(0, percent) : s;
        try {
            InetAddress.ofLiteral(host);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static void header(ByteBuffer b, int type, int flags) {
        b.putInt(MAGIC).put((byte) VERSION).put((byte) type).putShort((short) flags);
    }

    private static void text(ByteBuffer b, String value) {
        byte[] bytes;
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(value));
            bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("text is not well-formed Unicode", e);
        }
        if (bytes.length > MAX_TEXT_BYTES) {
            throw new IllegalArgumentException("text of " + bytes.length + " bytes exceeds " + MAX_TEXT_BYTES);
        }
        b.put((byte) bytes.length).put(bytes);
    }

    private static String readText(ByteBuffer b, String field) throws DiscoveryFormatException {
        int size = b.get() & 0xff;
        if (size > b.remaining()) {
            throw new DiscoveryFormatException(field + " of " + size + " bytes runs past the datagram");
        }
        ByteBuffer slice = b.slice(b.position(), size);
        b.position(b.position() + size);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(slice).toString();
        } catch (CharacterCodingException e) {
            throw new DiscoveryFormatException(field + " is not UTF-8");
        }
    }
}
