package io.rsio.wire.auth;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The mutual proof of PROTOCOL.md §3.3, as the client and the server each compute it. */
class AuthTranscriptTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final byte[] NC = range(0);
    private static final byte[] NS = range(32);

    private static AuthTranscript transcript() {
        return new AuthTranscript(1, 7, "node1", 42, "srv-a", NC, NS, "127.0.0.1", "127.0.0.2", 3);
    }

    private static byte[] key() {
        return NodeKeyAuth.deriveKey(NodeKeyAuthTest.KEY, 7, "node1");
    }

    /** Known answers computed with an independent implementation; also in PROTOCOL.md. */
    @Test
    void knownAnswer() {
        assertEquals("5253494f2d415554482d7631" + "0001" + "00000007" + "0005" + "6e6f646531" + "0000002a"
                + "0005" + "7372762d61" + HEX.formatHex(NC) + HEX.formatHex(NS)
                + "0009" + "3132372e302e302e31" + "0009" + "3132372e302e302e32" + "00000003",
                HEX.formatHex(transcript().encode()));
        assertEquals("5d1c62c6fcb7213e70fd6aacc7bac1e68c48411d31a536d15bbf35a288aa1ad9",
                HEX.formatHex(transcript().clientProof(key())));
        assertEquals("5ffd6bc36f5364ed3f749cfde8286ad2c71378628e5133bd96f9e5a7824284d4",
                HEX.formatHex(transcript().serverProof(key())));
    }

    /** Over TLS the proofs also cover the exporter value E (here bytes 40..5f); computed independently. */
    @Test
    void knownAnswerWithTlsExporter() {
        byte[] exporter = new byte[32];
        for (int i = 0; i < 32; i++) {
            exporter[i] = (byte) (0x40 + i);
        }
        AuthTranscript t = transcript();
        assertEquals("1704b9cbc6fa8b969cf9b39dbd8e4bf43aba790ba7880f0b060f572a3ede4560",
                java.util.HexFormat.of().formatHex(t.clientProof(key(), exporter)));
        assertEquals("5e1eee4ee6775702295dbe988c17e72446dd7317fa2bd0a7bf345605971de4c0",
                java.util.HexFormat.of().formatHex(t.serverProof(key(), exporter)));
        byte[] other = exporter.clone();
        other[31] ^= 1;
        assertFalse(java.util.Arrays.equals(t.clientProof(key(), exporter), t.clientProof(key(), other)));
        assertFalse(java.util.Arrays.equals(t.clientProof(key()), t.clientProof(key(), exporter)));
        assertThrows(IllegalArgumentException.class, () -> t.clientProof(key(), new byte[31]));
    }

    @Test
    void bothSidesAgreeWithTheSameKey() {
        // Each side builds the transcript and derives the key on its own.
        AuthTranscript atClient = transcript();
        AuthTranscript atServer = new AuthTranscript(1, 7, "node1", 42, "srv-a", NC.clone(), NS.clone(),
                "127.0.0.1", "127.0.0.2", 3);
        byte[] clientKey = NodeKeyAuth.deriveKey(NodeKeyAuthTest.KEY, 7, "node1");
        byte[] serverKey = NodeKeyAuth.deriveKey(NodeKeyAuthTest.KEY, 7, "node1");
        assertTrue(NodeKeyAuth.proofMatches(atServer.clientProof(serverKey), atClient.clientProof(clientKey)));
        assertTrue(NodeKeyAuth.proofMatches(atClient.serverProof(clientKey), atServer.serverProof(serverKey)));
    }

    @Test
    void aDifferentKeyFails() {
        byte[] wrong = NodeKeyAuth.deriveKey(NodeKeyAuth.generateKey(), 7, "node1");
        assertFalse(NodeKeyAuth.proofMatches(transcript().clientProof(key()), transcript().clientProof(wrong)));
        assertFalse(NodeKeyAuth.proofMatches(transcript().serverProof(key()), transcript().serverProof(wrong)));
    }

    /** A server cannot answer a client's proof by reflecting it, nor the other way round. */
    @Test
    void labelsStopReflection() {
        assertFalse(NodeKeyAuth.proofMatches(transcript().serverProof(key()), transcript().clientProof(key())));
    }

    @Test
    void everyFieldIsBound() {
        byte[] reference = transcript().clientProof(key());
        Map<String, AuthTranscript> changed = new LinkedHashMap<>();
        changed.put("version", new AuthTranscript(2, 7, "node1", 42, "srv-a", NC, NS, "127.0.0.1", "127.0.0.2", 3));
        changed.put("namespace", new AuthTranscript(1, 8, "node1", 42, "srv-a", NC, NS, "127.0.0.1", "127.0.0.2", 3));
        changed.put("node", new AuthTranscript(1, 7, "node2", 42, "srv-a", NC, NS, "127.0.0.1", "127.0.0.2", 3));
        changed.put("server id", new AuthTranscript(1, 7, "node1", 43, "srv-a", NC, NS, "127.0.0.1", "127.0.0.2", 3));
        changed.put("server name", new AuthTranscript(1, 7, "node1", 42, "srv-b", NC, NS, "127.0.0.1", "127.0.0.2", 3));
        changed.put("client nonce (replay)", new AuthTranscript(1, 7, "node1", 42, "srv-a", NodeKeyAuth.newNonce(), NS,
                "127.0.0.1", "127.0.0.2", 3));
        changed.put("server nonce (replay)", new AuthTranscript(1, 7, "node1", 42, "srv-a", NC, NodeKeyAuth.newNonce(),
                "127.0.0.1", "127.0.0.2", 3));
        changed.put("client address (splicing)",
                new AuthTranscript(1, 7, "node1", 42, "srv-a", NC, NS, "127.0.0.3", "127.0.0.2", 3));
        changed.put("server address (splicing)",
                new AuthTranscript(1, 7, "node1", 42, "srv-a", NC, NS, "127.0.0.1", "127.0.0.9", 3));
        changed.put("swapped addresses", new AuthTranscript(1, 7, "node1", 42, "srv-a", NC, NS, "127.0.0.2", "127.0.0.1", 3));
        changed.put("swapped nonces", new AuthTranscript(1, 7, "node1", 42, "srv-a", NS, NC, "127.0.0.1", "127.0.0.2", 3));
        changed.put("features (downgrade)",
                new AuthTranscript(1, 7, "node1", 42, "srv-a", NC, NS, "127.0.0.1", "127.0.0.2", 0));
        changed.forEach((what, t) -> assertFalse(NodeKeyAuth.proofMatches(reference, t.clientProof(key())), what));
    }

    @Test
    void fieldsCannotBeChangedAfterConstruction() {
        byte[] nonce = range(0);
        AuthTranscript t = new AuthTranscript(1, 7, "n", 1, "s", nonce, NS, "a", "b", 0);
        byte[] before = t.clientProof(key());
        nonce[0] = 99;
        t.clientNonce()[1] = 99;
        assertArrayEquals(before, t.clientProof(key()));
        assertEquals(t, new AuthTranscript(1, 7, "n", 1, "s", range(0), NS, "a", "b", 0), "equal by content");
    }

    @Test
    void badFieldsAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new AuthTranscript(1, 7, "n", 1, "s", new byte[31], NS, "a", "b", 0));
        assertThrows(IllegalArgumentException.class,
                () -> new AuthTranscript(0x10000, 7, "n", 1, "s", NC, NS, "a", "b", 0));
        assertThrows(IllegalArgumentException.class,
                () -> new AuthTranscript(1, 7, "n".repeat(1025), 1, "s", NC, NS, "a", "b", 0));
        assertThrows(IllegalArgumentException.class, () -> transcript().clientProof(new byte[16]));
    }

    @Test
    void toStringShowsNoncesInHex() {
        String text = transcript().toString();
        assertTrue(text.contains("clientNonce=" + HEX.formatHex(NC)), text);
        assertTrue(text.contains("serverAddress=127.0.0.2"), text);
    }

    private static byte[] range(int from) {
        byte[] b = new byte[32];
        for (int i = 0; i < 32; i++) {
            b[i] = (byte) (from + i);
        }
        return b;
    }
}
