package io.rsio.server;

import io.rsio.config.ServerConfig;
import io.rsio.wire.WireConstants;
import io.rsio.wire.auth.AuthTranscript;
import io.rsio.wire.auth.NodeKeyAuth;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import java.util.Optional;

/**
 * The server's half of the node-key challenge–response (docs/PROTOCOL.md §3.3) for one
 * connection. Knows nothing of Netty: it takes the decoded requests and answers replies.
 */
final class ServerAuthenticator {
    /** Outcome of checking the client's proof; {@code logReason} is for the local log only. */
    sealed interface Verdict {
        record Accepted(String nodeName, byte[] serverProof) implements Verdict {}

        record Refused(String logReason) implements Verdict {}
    }

    private final ServerConfig config;
    private final String clientAddress;
    private final String serverAddress;
    private final int features;
    private Request.AuthStart start;
    private byte[] serverNonce;

    ServerAuthenticator(ServerConfig config, String clientAddress, String serverAddress, int features) {
        this.config = config;
        this.clientAddress = clientAddress;
        this.serverAddress = serverAddress;
        this.features = features;
    }

    /**
     * Every AUTH_START gets a challenge, also for unknown nodes and foreign namespaces, so the
     * wire does not tell an attacker which node names exist.
     */
    Reply.AuthChallenge challenge(Request.AuthStart request) {
        this.start = request;
        this.serverNonce = NodeKeyAuth.newNonce();
        return new Reply.AuthChallenge(request.tag(), config.server().id(), config.server().name(), serverNonce);
    }

    boolean challenged() {
        return start != null;
    }

    Verdict verify(Request.AuthProof proof) {
        return verify(proof, null);
    }

    /**
     * Checks the proof; with {@code tlsBinding} (the connection's TLS exporter value) both
     * proofs cover it, so a login cannot be relayed from one TLS session into another.
     */
    Verdict verify(Request.AuthProof proof, byte[] tlsBinding) {
        String node = start.nodeName();
        if (start.namespaceId() != config.namespace().id()) {
            return new Verdict.Refused("client " + node + " from " + clientAddress + " asked for namespace id "
                    + start.namespaceId() + ", this server serves " + config.namespace().id());
        }
        Optional<ServerConfig.Client> client = config.client(node);
        if (client.isEmpty()) {
            return new Verdict.Refused("unknown client " + node + " from " + clientAddress);
        }
        byte[] key = NodeKeyAuth.deriveKey(client.get().key(), config.namespace().id(), node);
        AuthTranscript transcript = new AuthTranscript(WireConstants.VERSION, start.namespaceId(), node,
                config.server().id(), config.server().name(), start.clientNonce(), serverNonce,
                clientAddress, serverAddress, features);
        byte[] expected = tlsBinding == null ? transcript.clientProof(key) : transcript.clientProof(key, tlsBinding);
        if (!NodeKeyAuth.proofMatches(expected, proof.proof())) {
            return new Verdict.Refused("wrong key for client " + node + " from " + clientAddress
                    + (tlsBinding == null ? "" : " (or a login relayed from another TLS session)"));
        }
        return new Verdict.Accepted(node, tlsBinding == null ? transcript.serverProof(key)
                : transcript.serverProof(key, tlsBinding));
    }
}
