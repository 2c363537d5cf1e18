package io.rsio.wire.auth;

import io.rsio.wire.WireConstants;
import io.rsio.wire.codec.WireString;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Everything one authentication exchange binds the proofs to (docs/PROTOCOL.md §3.3): the
 * agreed version and features, who talks to whom on which addresses, and both nonces. Both
 * ends build it from their own view of the connection; if any field differs (a replayed nonce,
 * a spliced connection, another namespace) the proofs do not match.
 *
 * <p>Addresses are the textual IP addresses of the two ends as the client sees them, written
 * with {@link NodeKeyAuth#addressText}. Byte arrays are copied in and out, so an instance
 * cannot be changed after it is built.
 *
 * @param version the protocol version HELLO agreed (u16)
 * @param features the feature bits HELLO agreed
 */
public record AuthTranscript(
        int version,
        int namespaceId,
        String nodeName,
        int serverId,
        String serverName,
        byte[] clientNonce,
        byte[] serverNonce,
        String clientAddress,
        String serverAddress,
        int features) {

    private static final byte[] CONTEXT = "RSIO-AUTH-v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CLIENT_LABEL = "client".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] SERVER_LABEL = "server".getBytes(StandardCharsets.US_ASCII);

    /** @throws IllegalArgumentException when a field cannot be encoded as the spec says */
    public AuthTranscript {
        if (version < 0 || version > 0xFFFF) {
            throw new IllegalArgumentException("version " + version + " does not fit u16");
        }
        Objects.requireNonNull(nodeName, "nodeName");
        Objects.requireNonNull(serverName, "serverName");
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(serverAddress, "serverAddress");
        clientNonce = nonce(clientNonce, "client nonce");
        serverNonce = nonce(serverNonce, "server nonce");
        // Fail here, not when a proof is computed: every string must be a valid wire string.
        WireString.encode(nodeName);
        WireString.encode(serverName);
        WireString.encode(clientAddress);
        WireString.encode(serverAddress);
    }

    @Override
    public byte[] clientNonce() {
        return clientNonce.clone();
    }

    @Override
    public byte[] serverNonce() {
        return serverNonce.clone();
    }

    /**
     * T = "RSIO-AUTH-v1" ‖ u16 version ‖ u32 namespace id ‖ string node name ‖ u32 server id ‖
     * string server name ‖ Nc ‖ Ns ‖ string client address ‖ string server address ‖ u32 features.
     */
    public byte[] encode() {
        byte[] node = WireString.encode(nodeName);
        byte[] server = WireString.encode(serverName);
        byte[] client = WireString.encode(clientAddress);
        byte[] serverAddr = WireString.encode(serverAddress);
        int size = CONTEXT.length + 2 + 4 + 2 + node.length + 4 + 2 + server.length
                + 2 * WireConstants.NONCE_SIZE + 2 + client.length + 2 + serverAddr.length + 4;
        return ByteBuffer.allocate(size)
                .put(CONTEXT)
                .putShort((short) version)
                .putInt(namespaceId)
                .putShort((short) node.length).put(node)
                .putInt(serverId)
                .putShort((short) server.length).put(server)
                .put(clientNonce)
                .put(serverNonce)
                .putShort((short) client.length).put(client)
                .putShort((short) serverAddr.length).put(serverAddr)
                .putInt(features)
                .array();
    }

    /** Pc = HMAC-SHA256(K, "client" ‖ T): what the client sends in AUTH_PROOF. */
    public byte[] clientProof(byte[] key) {
        return Hkdf.hmac(key(key), CLIENT_LABEL, encode());
    }

    /** Ps = HMAC-SHA256(K, "server" ‖ T): what the server answers when Pc matched. */
    public byte[] serverProof(byte[] key) {
        return Hkdf.hmac(key(key), SERVER_LABEL, encode());
    }

    /** Label of the TLS exporter value that binds a login to its TLS session (RFC 8446 §7.5). */
    public static final String TLS_EXPORTER_LABEL = "EXPORTER-RSIO-AUTH-v1";
    /** Length of that exporter value. */
    public static final int TLS_EXPORTER_SIZE = 32;

    /**
     * Pc over TLS: HMAC-SHA256(K, "client" ‖ T ‖ E), where E is the connection's TLS exporter
     * value ({@link #TLS_EXPORTER_LABEL}, no context, 32 bytes). A man in the middle who ends
     * TLS on both sides has two sessions with two exporter values, so the proofs of one do
     * not fit the other.
     */
    public byte[] clientProof(byte[] key, byte[] tlsExporter) {
        return Hkdf.hmac(key(key), CLIENT_LABEL, encode(), exporter(tlsExporter));
    }

    /** Ps over TLS: HMAC-SHA256(K, "server" ‖ T ‖ E). */
    public byte[] serverProof(byte[] key, byte[] tlsExporter) {
        return Hkdf.hmac(key(key), SERVER_LABEL, encode(), exporter(tlsExporter));
    }

    private static byte[] exporter(byte[] value) {
        if (value == null || value.length != TLS_EXPORTER_SIZE) {
            throw new IllegalArgumentException("TLS exporter value must be " + TLS_EXPORTER_SIZE + " bytes");
        }
        return value;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AuthTranscript t
                && version == t.version && namespaceId == t.namespaceId && serverId == t.serverId
                && features == t.features && nodeName.equals(t.nodeName) && serverName.equals(t.serverName)
                && clientAddress.equals(t.clientAddress) && serverAddress.equals(t.serverAddress)
                && Arrays.equals(clientNonce, t.clientNonce) && Arrays.equals(serverNonce, t.serverNonce);
    }

    @Override
    public int hashCode() {
        return Objects.hash(version, namespaceId, nodeName, serverId, serverName, Arrays.hashCode(clientNonce),
                Arrays.hashCode(serverNonce), clientAddress, serverAddress, features);
    }

    /** Nonces in hex: they are public (they cross the wire); there is no key in a transcript. */
    @Override
    public String toString() {
        HexFormat hex = HexFormat.of();
        return "AuthTranscript[version=" + version + ", namespaceId=" + namespaceId + ", nodeName=" + nodeName
                + ", serverId=" + serverId + ", serverName=" + serverName
                + ", clientNonce=" + hex.formatHex(clientNonce) + ", serverNonce=" + hex.formatHex(serverNonce)
                + ", clientAddress=" + clientAddress + ", serverAddress=" + serverAddress
                + ", features=0x" + Integer.toHexString(features) + "]";
    }

    private static byte[] nonce(byte[] nonce, String what) {
        if (nonce == null || nonce.length != WireConstants.NONCE_SIZE) {
            throw new IllegalArgumentException(what + " must be " + WireConstants.NONCE_SIZE + " bytes");
        }
        return nonce.clone();
    }

    private static byte[] key(byte[] key) {
        if (key == null || key.length != NodeKeyAuth.KEY_SIZE) {
            throw new IllegalArgumentException("key must be " + NodeKeyAuth.KEY_SIZE + " bytes");
        }
        return key;
    }
}
