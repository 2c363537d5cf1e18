package io.rsio.wire.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

class NodeKeyAuthTest {
    private static final HexFormat HEX = HexFormat.of();
    static final String KEY = "0x00112233445566778899aabbccddeeff";

    /** Known answer computed with an independent HKDF (Python cryptography); also in PROTOCOL.md. */
    @Test
    void deriveKeyKnownAnswer() {
        assertEquals("71d28919a2f6cc838945f29b0b38f1eb8317faf68fb9b3de717a273681ab8b58",
                HEX.formatHex(NodeKeyAuth.deriveKey(KEY, 7, "node1")));
    }

    @Test
    void derivedKeysDifferPerNamespaceNodeAndKey() {
        byte[] base = NodeKeyAuth.deriveKey(KEY, 7, "node1");
        assertArrayEquals(base, NodeKeyAuth.deriveKey(KEY, 7, "node1"), "deterministic");
        assertNotEquals(HEX.formatHex(base), HEX.formatHex(NodeKeyAuth.deriveKey(KEY, 8, "node1")));
        assertNotEquals(HEX.formatHex(base), HEX.formatHex(NodeKeyAuth.deriveKey(KEY, 7, "node2")));
        assertNotEquals(HEX.formatHex(base), HEX.formatHex(NodeKeyAuth.deriveKey(KEY.toUpperCase(), 7, "node1")),
                "keys are used byte for byte");
        // The node name is length-prefixed, so the namespace bytes cannot slide into the name.
        assertNotEquals(HEX.formatHex(NodeKeyAuth.deriveKey(KEY, 0x0100, "a")),
                HEX.formatHex(NodeKeyAuth.deriveKey(KEY, 0x01, "\u0000a")));
        assertEquals(32, base.length);
    }

    @Test
    void deriveKeyRefusesWhatItCannotEncode() {
        assertThrows(IllegalArgumentException.class, () -> NodeKeyAuth.deriveKey("", 1, "n"));
        assertThrows(IllegalArgumentException.class, () -> NodeKeyAuth.deriveKey(KEY, 1, "n".repeat(1025)));
        assertThrows(IllegalArgumentException.class, () -> NodeKeyAuth.deriveKey("\uD800", 1, "n"));
    }

    @Test
    void generatedKeysHave128RandomBits() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            String key = NodeKeyAuth.generateKey();
            assertTrue(key.matches("0x[0-9a-f]{32}"), key);
            seen.add(key);
        }
        assertEquals(100, seen.size(), "no repeats");
    }

    @Test
    void noncesAreFreshAnd32Bytes() {
        byte[] a = NodeKeyAuth.newNonce();
        byte[] b = NodeKeyAuth.newNonce();
        assertEquals(32, a.length);
        assertFalse(java.util.Arrays.equals(a, b));
    }

    @Test
    void proofMatchesOnlyEqual32ByteProofs() {
        byte[] p = NodeKeyAuth.newNonce();
        assertTrue(NodeKeyAuth.proofMatches(p, p.clone()));
        byte[] q = p.clone();
        q[31] ^= 1;
        assertFalse(NodeKeyAuth.proofMatches(p, q));
        assertFalse(NodeKeyAuth.proofMatches(new byte[0], new byte[0]), "empty proofs never match");
        assertFalse(NodeKeyAuth.proofMatches(p, java.util.Arrays.copyOf(p, 31)));
        assertFalse(NodeKeyAuth.proofMatches(p, null));
        assertFalse(NodeKeyAuth.proofMatches(null, null));
    }

    @Test
    void addressTextIsCanonical() throws UnknownHostException {
        assertEquals("127.0.0.1", text("127.0.0.1"));
        assertEquals("::1", text("0:0:0:0:0:0:0:1"));
        assertEquals("2001:db8::1", text("2001:0DB8:0:0:0:0:0:1"));
        assertEquals("2001:db8:0:1:1:1:1:1", text("2001:db8:0:1:1:1:1:1"), "one zero group is not compressed");
        assertEquals("2001:db8::1:0:0:1", text("2001:db8:0:0:1:0:0:1"), "first of equal runs");
        assertEquals("2001:0:0:1::1", text("2001:0:0:1:0:0:0:1"), "longest run");
        assertEquals("::", text("::"));
        assertEquals("fe80::1", NodeKeyAuth.addressText(
                java.net.Inet6Address.getByAddress(null, InetAddress.getByName("fe80::1").getAddress(), 3)),
                "no zone");
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        mapped[12] = 127;
        mapped[15] = 1;
        assertEquals("127.0.0.1", NodeKeyAuth.addressText(java.net.Inet6Address.getByAddress(null, mapped, -1)));
    }

    private static String text(String literal) throws UnknownHostException {
        return NodeKeyAuth.addressText(InetAddress.getByName(literal)); // a literal: no lookup
    }
}
