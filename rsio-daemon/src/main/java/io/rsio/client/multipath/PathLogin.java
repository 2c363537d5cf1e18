package io.rsio.client.multipath;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.rsio.config.ClientConfig;
import io.rsio.tls.TlsContexts;
import io.rsio.wire.Opcode;
import io.rsio.wire.WireConstants;
import io.rsio.wire.auth.AuthTranscript;
import io.rsio.wire.auth.NodeKeyAuth;
import io.rsio.wire.codec.RsioFrameCodec;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import io.rsio.wire.message.VolumeInfo;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The log-in of one path (docs/PROTOCOL.md §3) as an explicit state machine, one pipeline
 * handler: HELLO, then mutual AUTH (AUTH_START, AUTH_PROOF), LIST, and OPEN of every listed
 * volume in list order. Each state accepts exactly one reply; anything else ends the log-in.
 * It reports what happens as {@link Event}s and leaves the pipeline when the path is ready, so
 * block replies never pass through it.
 *
 * <p>It sends HELLO when the channel becomes active. A refused OPEN is not fatal: the volume
 * is skipped (the client may list it but not open it). Every other refusal, a server that
 * cannot prove it knows the node key, or a reply out of order fails the log-in and closes the
 * channel. All on the channel's event loop.
 */
public final class PathLogin extends SimpleChannelInboundHandler<Reply> {
    private static final Logger LOG = LogManager.getLogger(PathLogin.class);

    /** Where the log-in stands: the reply it waits for. */
    public enum State { HELLO, AUTH_START, AUTH_PROOF, LIST, OPEN, DONE, FAILED }

    /** What the log-in tells its path. */
    public sealed interface Event {
        /** The server named itself in its AUTH challenge (shown in status even if the log-in fails). */
        record ServerMet(String serverName, int serverId) implements Event {}

        /**
         * Logged in and every volume opened that could be; {@code nextTag} is the first tag
         * the path may use on this connection.
         */
        record LoggedIn(String serverName, int serverId, UUID serverInstance, int features,
                        Map<VolumeInfo, Integer> opened, long nextTag) implements Event {}

        /** The log-in failed; the channel is being closed. */
        record Failed(String reason) implements Event {}
    }

    private final NamespaceLogin login;
    private final RsioFrameCodec codec;
    private final String software;
    private final String pathName;
    private final Consumer<Event> events;

    private State state = State.HELLO;
    private long nextTag = 1;
    private int features;
    private byte[] clientNonce;
    private byte[] sessionKey;
    private byte[] tlsBinding;
    private AuthTranscript transcript;
    private String serverName = "";
    private int serverId = -1;
    private UUID serverInstance;
    private List<VolumeInfo> listed = List.of();
    private int openIndex;
    private final Map<VolumeInfo, Integer> opened = new LinkedHashMap<>();

    /**
     * @param codec the frame codec of the same pipeline, which HELLO's answer reconfigures
     * @param pathName how log lines name the path
     */
    public PathLogin(NamespaceLogin login, RsioFrameCodec codec, String software, String pathName,
                     Consumer<Event> events) {
        super(Reply.class, false);
        this.login = login;
        this.codec = codec;
        this.software = software;
        this.pathName = pathName;
        this.events = events;
    }

    public State state() {
        return state;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.writeAndFlush(new Request.Hello(nextTag++, WireConstants.VERSION, WireConstants.VERSION,
                WireConstants.DEFAULT_MAX_PAYLOAD, featuresAsked(login.settings()), software));
        ctx.fireChannelActive();
    }

    /** What HELLO asks for: every feature rsiod knows, less data digests where they are off. */
    static int featuresAsked(ClientConfig.MultipathSettings settings) {
        return settings.dataDigest() ? WireConstants.SUPPORTED_FEATURES
                : WireConstants.SUPPORTED_FEATURES & ~WireConstants.FEATURE_DATA_DIGEST;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Reply reply) {
        if (state == State.DONE || state == State.FAILED) {
            release(reply);
            return;
        }
        if (reply instanceof Reply.Failure failure) {
            refused(ctx, failure);
            return;
        }
        switch (reply) {
            case Reply.HelloReply h when state == State.HELLO -> {
                features = h.features();
                codec.negotiated(h.maxPayload(), h.features());
                clientNonce = NodeKeyAuth.newNonce();
                state = State.AUTH_START;
                ctx.writeAndFlush(new Request.AuthStart(nextTag++, login.namespaceId(), login.nodeName(), clientNonce,
                        (features & WireConstants.FEATURE_CLIENT_INSTANCE) != 0 ? ClientInstance.ID : null));
            }
            case Reply.AuthChallenge c when state == State.AUTH_START -> {
                serverName = c.serverName();
                serverId = c.serverId();
                events.accept(new Event.ServerMet(serverName, serverId));
                sessionKey = NodeKeyAuth.deriveKey(login.nodeKey(), login.namespaceId(), login.nodeName());
                transcript = transcript(ctx, c);
                tlsBinding = TlsContexts.exporter(ctx.channel()).orElse(null);
                state = State.AUTH_PROOF;
                ctx.writeAndFlush(new Request.AuthProof(nextTag++, tlsBinding == null
                        ? transcript.clientProof(sessionKey) : transcript.clientProof(sessionKey, tlsBinding)));
            }
            case Reply.AuthAccepted a when state == State.AUTH_PROOF -> {
                byte[] expected = tlsBinding == null ? transcript.serverProof(sessionKey)
                        : transcript.serverProof(sessionKey, tlsBinding);
                if (!NodeKeyAuth.proofMatches(expected, a.proof())) {
                    fail(ctx, "server " + serverName + " could not prove it knows this node's key (impostor?)");
                    return;
                }
                if ((a.serverInstance() != null) != ((features & WireConstants.FEATURE_SERVER_INSTANCE) != 0)) {
                    fail(ctx, "protocol error: AUTH_PROOF reply " + (a.serverInstance() == null ? "without" : "with")
                            + " a server instance, contrary to what HELLO agreed");
                    return;
                }
                serverInstance = a.serverInstance();
                state = State.LIST;
                ctx.writeAndFlush(new Request.ListVolumes(nextTag++));
            }
            case Reply.VolumeList list when state == State.LIST -> {
                listed = list.volumes();
                state = State.OPEN;
                openNext(ctx);
            }
            case Reply.Opened o when state == State.OPEN -> {
                opened.put(o.volume(), o.handle());
                openNext(ctx);
            }
            default -> {
                release(reply);
                fail(ctx, "unexpected " + reply.opcode() + " reply during login");
            }
        }
    }

    private void refused(ChannelHandlerContext ctx, Reply.Failure failure) {
        if (failure.opcode() == Opcode.OPEN && state == State.OPEN) {
            // A volume this client may list but not open is not fatal for the path.
            LOG.warn("path {}: OPEN refused: {}", pathName, failure.reason());
            openNext(ctx);
            return;
        }
        String what = switch (failure.opcode()) {
            case AUTH_PROOF, AUTH_START -> "login refused";
            case HELLO -> "HELLO refused";
            default -> failure.opcode() + " refused";
        };
        fail(ctx, what + ": " + failure.reason());
    }

    private AuthTranscript transcript(ChannelHandlerContext ctx, Reply.AuthChallenge c) {
        String clientAddress = NodeKeyAuth.addressText(((InetSocketAddress) ctx.channel().localAddress()).getAddress());
        String serverAddress = NodeKeyAuth.addressText(((InetSocketAddress) ctx.channel().remoteAddress()).getAddress());
        return new AuthTranscript(WireConstants.VERSION, login.namespaceId(), login.nodeName(), c.serverId(),
                c.serverName(), clientNonce, c.serverNonce(), clientAddress, serverAddress, features);
    }

    /** Opens the listed volumes one after another, in list order; after the last, the path is ready. */
    private void openNext(ChannelHandlerContext ctx) {
        if (openIndex < listed.size()) {
            ctx.writeAndFlush(new Request.Open(nextTag++, listed.get(openIndex++).name(), false));
            return;
        }
        state = State.DONE;
        ctx.pipeline().remove(this);
        events.accept(new Event.LoggedIn(serverName, serverId, serverInstance, features, Map.copyOf(opened), nextTag));
    }

    private void fail(ChannelHandlerContext ctx, String why) {
        state = State.FAILED;
        events.accept(new Event.Failed(why));
        ctx.close();
    }

    private static void release(Reply reply) {
        if (reply instanceof Reply.ReadData rd) {
            rd.data().release();
        }
    }
}
