package io.rsio.client.multipath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.rsio.block.Errno;
import io.rsio.config.ClientConfig;
import io.rsio.wire.Opcode;
import io.rsio.wire.WireConstants;
import io.rsio.wire.auth.AuthTranscript;
import io.rsio.wire.auth.NodeKeyAuth;
import io.rsio.wire.codec.RsioFrameCodec;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import io.rsio.wire.message.VolumeInfo;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The log-in state machine against a server played by the test, through the real frame codec
 * on both ends (every message crosses as bytes) and the real node-key proofs, like libnbd's
 * state tests: each state gets its reply and the test checks what the client sends next.
 */
class PathLoginTest {
    private static final InetSocketAddress CLIENT = new InetSocketAddress("127.0.0.1", 40000);
    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.2", 5000);
    private static final int NAMESPACE_ID = 7;
    private static final String NODE = "big-2";
    private static final String KEY = NodeKeyAuth.generateKey();
    private static final int SERVER_ID = 3;
    private static final String SERVER_NAME = "big-9";
    private static final int AGREED = WireConstants.FEATURE_HEADER_DIGEST | WireConstants.FEATURE_SERVER_INSTANCE;
    private static final UUID INSTANCE = UUID.randomUUID();

    private final List<PathLogin.Event> events = new ArrayList<>();
    private final RsioFrameCodec serverCodec = new RsioFrameCodec(true);
    private final EmbeddedChannel server = new EmbeddedChannel(serverCodec);
    private RsioFrameCodec clientCodec;
    private EmbeddedChannel client;
    private PathLogin login;

    @AfterEach
    void close() {
        server.finishAndReleaseAll();
        if (client != null) {
            client.finishAndReleaseAll();
        }
    }

    private void connect() {
        clientCodec = new RsioFrameCodec(false);
        NamespaceLogin credentials = new NamespaceLogin("osl", NAMESPACE_ID, NODE, KEY,
                ClientConfig.MultipathSettings.BUILT_IN);
        login = new PathLogin(credentials, clientCodec, "rsiod/test", "if0 -> rep 000", events::add);
        client = new EmbeddedChannel() {
            @Override
            protected SocketAddress localAddress0() {
                return CLIENT;
            }

            @Override
            protected SocketAddress remoteAddress0() {
                return SERVER;
            }
        };
        client.pipeline().addLast(clientCodec, login);
        client.pipeline().fireChannelActive();
    }

    /** The next request the client sent, decoded by the server's codec. */
    private Request received() {
        ByteBuf bytes;
        while ((bytes = client.readOutbound()) != null) {
            server.writeInbound(bytes);
        }
        return server.readInbound();
    }

    private void reply(Reply reply) {
        server.writeOutbound(reply);
        ByteBuf bytes;
        while ((bytes = server.readOutbound()) != null) {
            client.writeInbound(bytes);
        }
    }

    /** HELLO and AUTH_START answered; returns the AUTH_PROOF's transcript the server expects. */
    private AuthTranscript throughChallenge() {
        connect();
        Request.Hello hello = assertInstanceOf(Request.Hello.class, received());
        assertEquals(WireConstants.SUPPORTED_FEATURES, hello.features(), "data digests are on by default");
        reply(new Reply.HelloReply(hello.tag(), WireConstants.VERSION, WireConstants.DEFAULT_MAX_PAYLOAD, AGREED, "rssrv/test"));
        serverCodec.negotiated(WireConstants.DEFAULT_MAX_PAYLOAD, AGREED);
        assertEquals(PathLogin.State.AUTH_START, login.state());
        Request.AuthStart start = assertInstanceOf(Request.AuthStart.class, received());
        assertEquals(NAMESPACE_ID, start.namespaceId());
        assertEquals(NODE, start.nodeName());
        byte[] serverNonce = NodeKeyAuth.newNonce();
        reply(new Reply.AuthChallenge(start.tag(), SERVER_ID, SERVER_NAME, serverNonce));
        assertEquals(List.of(new PathLogin.Event.ServerMet(SERVER_NAME, SERVER_ID)), events);
        return new AuthTranscript(WireConstants.VERSION, NAMESPACE_ID, NODE, SERVER_ID, SERVER_NAME,
                start.clientNonce(), serverNonce, "127.0.0.1", "127.0.0.2", AGREED);
    }

    private static byte[] key() {
        return NodeKeyAuth.deriveKey(KEY, NAMESPACE_ID, NODE);
    }

    @Test
    void logsInListsAndOpensEveryVolumeItMay() {
        AuthTranscript transcript = throughChallenge();
        Request.AuthProof proof = assertInstanceOf(Request.AuthProof.class, received());
        assertArrayEquals(transcript.clientProof(key()), proof.proof(), "the client proves the node key");
        reply(new Reply.AuthAccepted(proof.tag(), transcript.serverProof(key()), INSTANCE));

        Request.ListVolumes list = assertInstanceOf(Request.ListVolumes.class, received());
        VolumeInfo oracle = new VolumeInfo("oracle", 1 << 20, 512, "av0", UUID.randomUUID(), false);
        VolumeInfo secret = new VolumeInfo("secret", 1 << 20, 512, "av0", UUID.randomUUID(), false);
        VolumeInfo logs = new VolumeInfo("logs", 1 << 20, 4096, "av0", UUID.randomUUID(), true);
        reply(new Reply.VolumeList(list.tag(), List.of(oracle, secret, logs)));

        Request.Open first = assertInstanceOf(Request.Open.class, received());
        assertEquals("oracle", first.volume());
        reply(new Reply.Opened(first.tag(), 11, oracle));
        Request.Open second = assertInstanceOf(Request.Open.class, received());
        assertEquals("secret", second.volume());
        reply(new Reply.Failure(second.tag(), Opcode.OPEN, Errno.EACCES, "not for this node"));
        Request.Open third = assertInstanceOf(Request.Open.class, received());
        assertEquals("logs", third.volume());
        assertEquals(PathLogin.State.OPEN, login.state());
        reply(new Reply.Opened(third.tag(), 12, logs));

        assertEquals(PathLogin.State.DONE, login.state());
        assertNull(client.pipeline().get(PathLogin.class), "block replies no longer pass the log-in");
        PathLogin.Event.LoggedIn in = assertInstanceOf(PathLogin.Event.LoggedIn.class, events.get(1));
        assertEquals(SERVER_NAME, in.serverName());
        assertEquals(SERVER_ID, in.serverId());
        assertEquals(INSTANCE, in.serverInstance());
        assertEquals(AGREED, in.features());
        assertEquals(Map.of(oracle, 11, logs, 12), in.opened());
        assertEquals(third.tag() + 1, in.nextTag(), "the path goes on with fresh tags");
        assertTrue(client.isActive());
    }

    @Test
    void aServerThatCannotProveTheKeyIsRefused() {
        AuthTranscript transcript = throughChallenge();
        Request.AuthProof proof = assertInstanceOf(Request.AuthProof.class, received());
        byte[] forged = transcript.serverProof(NodeKeyAuth.deriveKey(NodeKeyAuth.generateKey(), NAMESPACE_ID, NODE));
        reply(new Reply.AuthAccepted(proof.tag(), forged, INSTANCE));

        assertEquals(PathLogin.State.FAILED, login.state());
        PathLogin.Event.Failed failed = assertInstanceOf(PathLogin.Event.Failed.class, events.get(1));
        assertTrue(failed.reason().contains("could not prove it knows this node's key"), failed.reason());
        assertFalse(client.isOpen());
        assertNull(received(), "nothing is sent to an impostor");
    }

    @Test
    void aRefusedKeyEndsTheLoginWithTheServersReason() {
        throughChallenge();
        Request.AuthProof proof = assertInstanceOf(Request.AuthProof.class, received());
        reply(new Reply.Failure(proof.tag(), Opcode.AUTH_PROOF, Errno.EACCES,
                "authentication failed: unknown node name or wrong node key"));

        assertEquals(List.of(new PathLogin.Event.ServerMet(SERVER_NAME, SERVER_ID), new PathLogin.Event.Failed(
                "login refused: authentication failed: unknown node name or wrong node key")), events);
        assertFalse(client.isOpen());
    }

    @Test
    void aServerInstanceHelloDidNotAgreeOnIsAProtocolError() {
        AuthTranscript transcript = throughChallenge();
        Request.AuthProof proof = assertInstanceOf(Request.AuthProof.class, received());
        reply(new Reply.AuthAccepted(proof.tag(), transcript.serverProof(key()))); // no instance though agreed

        PathLogin.Event.Failed failed = assertInstanceOf(PathLogin.Event.Failed.class, events.get(1));
        assertTrue(failed.reason().startsWith("protocol error: AUTH_PROOF reply without a server instance"),
                failed.reason());
    }

    @Test
    void aReplyOutOfOrderEndsTheLogin() {
        connect();
        Request.Hello hello = assertInstanceOf(Request.Hello.class, received());
        reply(new Reply.VolumeList(hello.tag(), List.of()));

        assertEquals(List.of(new PathLogin.Event.Failed("unexpected LIST reply during login")), events);
        assertEquals(PathLogin.State.FAILED, login.state());
        assertFalse(client.isOpen());
    }
}
