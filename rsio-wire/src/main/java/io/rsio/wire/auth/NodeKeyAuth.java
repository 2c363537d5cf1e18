package io.rsio.wire.auth;

import io.rsio.wire.WireConstants;
import io.rsio.wire.codec.WireString;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The node-key mathematics of docs/PROTOCOL.md §3.3: key derivation, nonces, constant-time
 * proof comparison and key generation. The proofs themselves are built from an
 * {@link AuthTranscript}.
 *
 * <p>Keys are plain byte arrays so callers can wipe them; nothing here logs or prints a key.
 */
public final class NodeKeyAuth {
    /** Size of a derived key K and of an HMAC-SHA256 proof. */
    public static final int KEY_SIZE = 32;
    private static final byte[] SALT = "rsio node key v1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();

    private NodeKeyAuth() {}

    /**
     * K = HKDF-SHA256(salt "rsio node key v1", ikm UTF-8(node key), info u32 namespace id ‖
     * string node name, 32 bytes). The node key is used byte for byte as configured: no case
     * folding or trimming, so {@code 0xAB…} and {@code 0xab…} are different keys.
     *
     * @throws IllegalArgumentException for an empty or malformed key, or a node name that is
     *     not a valid wire string (over 1024 UTF-8 bytes)
     */
    public static byte[] deriveKey(String nodeKey, int namespaceId, String nodeName) {
        if (nodeKey.isEmpty()) {
            throw new IllegalArgumentException("empty node key");
        }
        byte[] name = WireString.encode(nodeName);
        byte[] info = ByteBuffer.allocate(4 + 2 + name.length)
                .putInt(namespaceId)
                .putShort((short) name.length)
                .put(name)
                .array();
        byte[] ikm = strictUtf8(nodeKey);
        byte[] prk = Hkdf.extract(SALT, ikm);
        try {
            return Hkdf.expand(prk, info, KEY_SIZE);
        } finally {
            Arrays.fill(prk, (byte) 0);
            Arrays.fill(ikm, (byte) 0);
        }
    }

    /** A fresh 32-byte nonce from SecureRandom. */
    public static byte[] newNonce() {
        byte[] nonce = new byte[WireConstants.NONCE_SIZE];
        RANDOM.nextBytes(nonce);
        return nonce;
    }

    /**
     * Whether a received proof equals the expected one, in time independent of where they
     * differ. Anything that is not a 32-byte proof never matches (two empty arrays would
     * otherwise compare equal).
     */
    public static boolean proofMatches(byte[] expected, byte[] actual) {
        if (expected == null || actual == null
                || expected.length != WireConstants.PROOF_SIZE || actual.length != WireConstants.PROOF_SIZE) {
            return false;
        }
        return MessageDigest.isEqual(expected, actual);
    }

    /** A new node key: {@code 0x} and 32 lowercase hex digits, 128 bits from SecureRandom. */
    public static String generateKey() {
        byte[] bits = new byte[16];
        RANDOM.nextBytes(bits);
        return "0x" + HexFormat.of().formatHex(bits);
    }

    /**
     * The text of an address as the transcript carries it, so both ends write the same bytes:
     * IPv4 dotted decimal; IPv6 in RFC 5952 form (lowercase, no leading zeros, the longest run
     * of two or more zero groups as {@code ::}, the first such run on a tie) without a zone;
     * an IPv4-mapped IPv6 address as its IPv4 form.
     */
    public static String addressText(InetAddress address) {
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        if (!(address instanceof Inet6Address) || b.length != 16) {
            throw new IllegalArgumentException("not an IP address: " + address);
        }
        if (isIpv4Mapped(b)) {
            return (b[12] & 0xff) + "." + (b[13] & 0xff) + "." + (b[14] & 0xff) + "." + (b[15] & 0xff);
        }
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (b[2 * i] & 0xff) << 8 | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not compressed (RFC 5952 §4.2.2)
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder text = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                text.append("::");
                i += bestLength - 1;
                continue;
            }
            if (!text.isEmpty() && text.charAt(text.length() - 1) != ':') {
                text.append(':');
            }
            text.append(Integer.toHexString(groups[i]));
        }
        return text.toString();
    }

    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    private static byte[] strictUtf8(String text) {
        try {
            ByteBuffer encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(text));
            byte[] bytes = new byte[encoded.remaining()];
            encoded.get(bytes);
            return bytes;
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("node key is not well-formed Unicode");
        }
    }
}
