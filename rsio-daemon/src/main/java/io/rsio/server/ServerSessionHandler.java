package io.rsio.server;

import io.rsio.server.store.ServedVolume;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.rsio.block.Errno;
import io.rsio.block.RequestFlow;
import io.rsio.config.ServerConfig;
import io.rsio.wire.Opcode;
import io.rsio.wire.WireConstants;
import io.rsio.wire.codec.RsioFrameCodec;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One client connection (one path) on the server: HELLO, then authentication, then volume
 * requests. Requests run concurrently; replies go out as they complete, in any order.
 *
 * <p>Why it is long: the three phases of one connection (HELLO, AUTH, volume requests) share
 * its handles, tags and flow control; the checks, the stores and the authenticator are
 * classes of their own.
 */
final class ServerSessionHandler extends SimpleChannelInboundHandler<Request> {
    private static final Logger LOG = LogManager.getLogger(ServerSessionHandler.class);
    /** Beyond this many requests in flight the session stops reading, which bounds memory. */
    static final int MAX_IN_FLIGHT = 512;
    /**
     * Beyond this many bytes of READ and WRITE data in flight the session stops reading too:
     * 512 requests of 4 MiB would otherwise hold 2 GiB for one connection.
     */
    static final long MAX_IN_FLIGHT_BYTES = 32 << 20;
    /** OPENs beyond this many handles on one connection fail with ENOMEM (each costs memory). */
    static final int MAX_HANDLES = 4096;

    private enum Phase { HELLO, AUTH, READY, CLOSING }

    private final ServerConfig config;
    private final VolumeCatalog catalog;
    private final StoreExecutor executor;
    private final RsioFrameCodec codec;
    private final ClientSessions sessions;
    /** This connection in {@link #sessions} once logged in, else null. */
    private ClientSessions.Login login;
    /** The rsiod instance from AUTH_START, or null when the client does not send one. */
    private java.util.UUID clientInstance;
    private final Map<Integer, ServedVolume> handles = new HashMap<>();
    private Phase phase = Phase.HELLO;
    private ServerAuthenticator authenticator;
    private int features;
    private int maxPayload;
    private String nodeName = "?";
    private String peer = "?";
    private int nextHandle = 1;
    /** Requests and data in flight, and the replies of a read batch that share one flush. */
    private final RequestFlow flow = new RequestFlow(MAX_IN_FLIGHT, MAX_IN_FLIGHT_BYTES, RequestFlow.Resume.AT_HALF);
    /** A lost connection is logged once, not once per reply still pending on it. */
    private boolean lossLogged;
    private int skippedAfterClose;
    /** Tags of block requests without a reply yet: a reused one is refused (docs/PROTOCOL.md §1). */
    private final InFlightTags tags = new InFlightTags();

    ServerSessionHandler(ServerConfig config, VolumeCatalog catalog, StoreExecutor executor, RsioFrameCodec codec) {
        this(config, catalog, executor, codec, new ClientSessions());
    }

    ServerSessionHandler(ServerConfig config, VolumeCatalog catalog, StoreExecutor executor, RsioFrameCodec codec,
                         ClientSessions sessions) {
        super(Request.class, false);
        this.sessions = sessions;
        this.config = config;
        this.catalog = catalog;
        this.executor = executor;
        this.codec = codec;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        peer = describe(ctx.channel());
        LOG.debug("connection from {}", peer);
        // An unauthenticated connection may PING forever; it must not hold a socket forever.
        long loginTimeoutMillis = config.server().loginTimeout().toMillis();
        ctx.executor().schedule(() -> {
            if ((phase == Phase.HELLO || phase == Phase.AUTH) && ctx.channel().isActive()) {
                LOG.warn("closing connection from {} (node {}): not logged in within {} ms", peer, nodeName,
                        loginTimeoutMillis);
                ctx.close();
            }
        }, loginTimeoutMillis, java.util.concurrent.TimeUnit.MILLISECONDS);
        ctx.fireChannelActive();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Request request) {
        if (phase == Phase.HELLO && !(request instanceof Request.Hello)) {
            protocolError(ctx, request, "the first request must be HELLO, not " + request.opcode());
            return;
        }
        switch (request) {
            case Request.Hello h -> onHello(ctx, h);
            case Request.AuthStart a -> onAuthStart(ctx, a);
            case Request.AuthProof p -> onAuthProof(ctx, p);
            case Request.Ping p -> ctx.writeAndFlush(new Reply.Pong(p.tag(), p.timestamp(),
                    login == null ? 0 : sessions.otherInstances(login),
                    phase == Phase.READY ? catalog.sizesVersion() : 0));
            case Request.Goodbye g -> onGoodbye(ctx, g);
            default -> {
                if (phase != Phase.READY) {
                    refuse(ctx, request, Errno.EACCES, "not authenticated");
                } else {
                    onVolumeRequest(ctx, request);
                }
            }
        }
    }

    private void onHello(ChannelHandlerContext ctx, Request.Hello h) {
        if (phase != Phase.HELLO) {
            protocolError(ctx, h, "HELLO was already exchanged");
            return;
        }
        if (h.minVersion() > WireConstants.VERSION || h.maxVersion() < WireConstants.VERSION) {
            LOG.warn("client at {} speaks versions {}..{}, this server {}; closing", peer, h.minVersion(),
                    h.maxVersion(), WireConstants.VERSION);
            ctx.writeAndFlush(new Reply.Failure(h.tag(), Opcode.HELLO, Errno.ENOTSUP,
                    "no common protocol version (server speaks " + WireConstants.VERSION + ")"))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        }
        maxPayload = Math.min(Math.max(h.maxPayload(), WireConstants.PRE_HELLO_MAX_PAYLOAD), RsioServer.MAX_PAYLOAD);
        features = h.features() & WireConstants.SUPPORTED_FEATURES;
        ctx.writeAndFlush(new Reply.HelloReply(h.tag(), WireConstants.VERSION, maxPayload, features, RsioServer.SOFTWARE));
        codec.negotiated(maxPayload, features);
        phase = Phase.AUTH;
        authenticator = new ServerAuthenticator(config, address(ctx.channel().remoteAddress()),
                address(ctx.channel().localAddress()), features);
    }

    private void onAuthStart(ChannelHandlerContext ctx, Request.AuthStart a) {
        if (phase != Phase.AUTH) {
            refuse(ctx, a, Errno.EINVAL, phase == Phase.HELLO ? "HELLO must come first" : "already authenticated");
            return;
        }
        if ((a.clientInstance() != null) != ((features & WireConstants.FEATURE_CLIENT_INSTANCE) != 0)) {
            protocolError(ctx, a, "AUTH_START " + (a.clientInstance() == null ? "without" : "with")
                    + " a client instance, contrary to what HELLO agreed");
            return;
        }
        nodeName = a.nodeName();
        clientInstance = a.clientInstance();
        ctx.writeAndFlush(authenticator.challenge(a));
    }

    private void onAuthProof(ChannelHandlerContext ctx, Request.AuthProof p) {
        if (phase != Phase.AUTH || !authenticator.challenged()) {
            refuse(ctx, p, Errno.EINVAL, "AUTH_PROOF without AUTH_START");
            return;
        }
        byte[] tlsBinding = io.rsio.tls.TlsContexts.exporter(ctx.channel()).orElse(null);
        switch (authenticator.verify(p, tlsBinding)) {
            case ServerAuthenticator.Verdict.Accepted ok -> {
                phase = Phase.READY;
                LOG.info("client {} logged in from {}{}", ok.nodeName(), peer, tlsBinding == null ? "" : " over TLS");
                login = new ClientSessions.Login(ok.nodeName(), address(ctx.channel().remoteAddress()), clientInstance);
                sessions.loggedIn(login);
                ctx.writeAndFlush(new Reply.AuthAccepted(p.tag(), ok.serverProof(),
                        (features & WireConstants.FEATURE_SERVER_INSTANCE) != 0 ? ServerInstance.id() : null));
            }
            case ServerAuthenticator.Verdict.Refused no -> {
                phase = Phase.CLOSING;
                sessions.refused();
                LOG.warn("login refused: {}", no.logReason());
                // One attempt per connection, and a pause before the answer, slows down guessing.
                ctx.executor().schedule(() -> ctx.writeAndFlush(new Reply.Failure(p.tag(), Opcode.AUTH_PROOF,
                                Errno.EACCES, "authentication failed: unknown node name or wrong node key"))
                        .addListener(ChannelFutureListener.CLOSE), 200, java.util.concurrent.TimeUnit.MILLISECONDS);
            }
        }
    }

    private void onGoodbye(ChannelHandlerContext ctx, Request.Goodbye g) {
        LOG.info("client {} at {} said goodbye", nodeName, peer);
        phase = Phase.CLOSING;
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(new Reply.Done(g.tag(), Opcode.GOODBYE));
        closeWhenIdle(ctx);
    }

    private void onVolumeRequest(ChannelHandlerContext ctx, Request request) {
        switch (request) {
            // Pools are read again first (off the event loop): volumes other servers made show up.
            case Request.ListVolumes l -> afterPoolRefresh(ctx, () -> ctx.writeAndFlush(
                    new Reply.VolumeList(l.tag(), catalog.visibleTo(nodeName).stream().map(ServedVolume::info).toList())));
            case Request.Open o when catalog.find(o.volume()).isEmpty() -> afterPoolRefresh(ctx, () -> onOpen(ctx, o));
            case Request.Open o -> onOpen(ctx, o);
            case Request.Manage m -> {
                Reply[] answer = new Reply[1];
                offLoop(ctx, done -> catalog.pools().submit(m.tag(), nodeName, m.operation(), reply -> {
                    answer[0] = reply;
                    done.run();
                }), () -> ctx.writeAndFlush(answer[0]));
            }
            case Request.Close c -> {
                ServedVolume closed = handles.remove(c.handle());
                if (closed == null) {
                    refuse(ctx, c, Errno.EBADF, "unknown handle " + c.handle());
                } else {
                    catalog.users().closed(closed.name(), nodeName);
                    ctx.writeAndFlush(new Reply.Done(c.tag(), Opcode.CLOSE));
                }
            }
            default -> onBlockRequest(ctx, request);
        }
    }

    /** Runs {@code answer} once the pools were read again; at once on a server without pools. */
    private void afterPoolRefresh(ChannelHandlerContext ctx, Runnable answer) {
        if (catalog.pools().isEmpty()) {
            answer.run();
        } else {
            offLoop(ctx, catalog.pools()::refreshThen, answer);
        }
    }

    /**
     * Work of the pools' management thread (docs/VOLUMES.md): {@code start} is handed what to run
     * when that work is done; {@code answer} then runs on this event loop, if the connection is
     * still there. Counted as in flight, so a client flooding such requests is slowed by TCP.
     */
    private void offLoop(ChannelHandlerContext ctx, java.util.function.Consumer<Runnable> start, Runnable answer) {
        flow.started(0);
        updateReading(ctx);
        start.accept(() -> ctx.channel().eventLoop().execute(() -> {
            flow.finished(0);
            if (!ctx.channel().isActive()) {
                return;
            }
            answer.run();
            if (phase == Phase.CLOSING) {
                closeWhenIdle(ctx);
            } else {
                updateReading(ctx);
            }
        }));
    }

    private void onOpen(ChannelHandlerContext ctx, Request.Open o) {
        var volume = catalog.find(o.volume());
        if (volume.isEmpty()) {
            refuse(ctx, o, Errno.ENOENT, "no volume " + o.volume() + " in namespace " + config.namespace().name());
            return;
        }
        if (!volume.get().allows(nodeName)) {
            LOG.warn("client {} at {} may not open volume {} (not in its access list)", nodeName, peer, o.volume());
            refuse(ctx, o, Errno.EACCES, "volume " + o.volume() + " is not shared with client " + nodeName);
            return;
        }
        if (handles.size() >= MAX_HANDLES) {
            refuse(ctx, o, Errno.ENOMEM, "too many open handles on this connection (" + MAX_HANDLES + ")");
            return;
        }
        int handle = nextHandle++;
        handles.put(handle, volume.get());
        catalog.users().opened(o.volume(), nodeName);
        LOG.info("client {} at {} opened volume {} as handle {}", nodeName, peer, o.volume(), handle);
        ctx.writeAndFlush(new Reply.Opened(o.tag(), handle, volume.get().info()));
    }

    private void onBlockRequest(ChannelHandlerContext ctx, Request request) {
        int handle = handleOf(request);
        ServedVolume volume = handles.get(handle);
        if (volume == null) {
            refuse(ctx, request, Errno.EBADF, "unknown handle " + handle);
            return;
        }
        var refusal = BlockRequestCheck.check(request, volume.store().geometry(), maxPayload);
        if (refusal.isPresent()) {
            refuse(ctx, request, refusal.get().status(), refusal.get().reason());
            return;
        }
        long tag = request.tag();
        if (!tags.add(tag)) {
            // Executing it would make two replies with one tag: the client could not tell which
            // request each answers. Refused unexecuted; the one already in flight is unaffected.
            LOG.debug("client {} at {} reused tag {} while it was in flight", nodeName, peer, tag);
            refuse(ctx, request, Errno.EINVAL, "tag " + Long.toUnsignedString(tag) + " is already in flight");
            return;
        }
        long bytes = dataBytes(request);
        boolean gated = gated(request);
        // The volume's limits and pause (docs/VOLUMES.md, "Throttling", "Pause"): a request held
        // there counts as in flight, so a client far over its limit is slowed by TCP as well.
        if (gated && !volume.gate().admitAtOnce() && !volume.gate().admit(nodeName, bytes, ctx.executor(),
                () -> afterWait(ctx, volume, request, tag, bytes))) {
            flow.started(bytes);
            updateReading(ctx);
            return;
        }
        dispatch(ctx, volume, request, tag, bytes, gated);
    }

    /**
     * READ, WRITE, DISCARD and WRITE_ZEROES pass the volume's gate (its limits and pause); FLUSH
     * and QUERY change no data and do not.
     */
    private static boolean gated(Request request) {
        return request instanceof Request.Read || request instanceof Request.Write
                || request instanceof Request.Discard || request instanceof Request.WriteZeroes;
    }

    /** A request the volume's gate held: it goes now, unless its connection went away meanwhile. */
    private void afterWait(ChannelHandlerContext ctx, ServedVolume volume, Request request, long tag, long bytes) {
        flow.finished(bytes);
        if (!ctx.channel().isActive()) {
            volume.gate().done();
            tags.remove(tag);
            if (request instanceof Request.Write w) {
                w.data().release();
            }
            return;
        }
        dispatch(ctx, volume, request, tag, bytes, true);
        if (flow.takeFlush()) {
            ctx.flush(); // not within a read batch: nobody else flushes an answer given at once
        }
        if (phase == Phase.CLOSING) {
            closeWhenIdle(ctx);
        } else {
            updateReading(ctx);
        }
    }

    /**
     * Executes a checked request: at once when it cannot wait, else on a store thread. A
     * {@code gated} request tells the volume's gate when it is done (a pause waits for that).
     */
    private void dispatch(ChannelHandlerContext ctx, ServedVolume volume, Request request, long tag, long bytes,
                          boolean gated) {
        // Page-cached reads and small buffered writes are answered right here, without a
        // store-thread hop; the rest waits for a store thread.
        Reply atOnce = switch (request) {
            case Request.Read read -> executor.readIfCached(volume, read);
            case Request.Write write -> executor.writeIfBuffered(volume, write);
            default -> null;
        };
        if (atOnce != null) {
            if (gated) {
                volume.gate().done();
            }
            tags.remove(tag);
            ctx.write(atOnce, ctx.voidPromise());
            flow.replyWritten();
            return;
        }
        flow.started(bytes);
        updateReading(ctx);
        Channel channel = ctx.channel();
        executor.submit(volume, request, channel::isActive, reply -> {
            if (gated) {
                volume.gate().done(); // the store is done with it: a pause waiting for that may answer
            }
            channel.eventLoop().execute(() -> complete(ctx, reply, tag, bytes));
        });
    }

    private void complete(ChannelHandlerContext ctx, Reply reply, long tag, long bytes) {
        tags.remove(tag);
        flow.finished(bytes);
        if (!ctx.channel().isActive()) {
            // The client went away while the store worked: its pipeline (and so the encoder,
            // which would release READ data) is gone; the data must be released here.
            if (reply instanceof Reply.ReadData rd) {
                rd.data().release();
            }
            if (reply instanceof Reply.Failure f && f.status() == Errno.ESHUTDOWN) {
                skippedAfterClose++;
            }
            if (flow.requests() == 0 && skippedAfterClose > 0) {
                LOG.info("client {} at {}: {} request(s) queued when the connection closed were not executed",
                        nodeName, peer, skippedAfterClose);
            }
            return;
        }
        ctx.writeAndFlush(reply, ctx.voidPromise());
        if (phase == Phase.CLOSING) {
            closeWhenIdle(ctx);
        } else {
            updateReading(ctx);
        }
    }

    /**
     * Reads only while requests in flight, their data and unsent replies stay below their
     * limits: a client that floods requests or never reads its replies is slowed down by TCP
     * instead of filling this server's memory. Resumes at half the limits.
     */
    private void updateReading(ChannelHandlerContext ctx) {
        var config = ctx.channel().config();
        boolean reading = config.isAutoRead();
        boolean read = flow.shouldRead(reading, phase != Phase.CLOSING, ctx.channel().isWritable());
        if (read != reading) {
            config.setAutoRead(read);
            if (!read) {
                sessions.pausedReading();
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (phase != Phase.CLOSING) {
            updateReading(ctx);
        }
        ctx.fireChannelWritabilityChanged();
    }

    private static long dataBytes(Request request) {
        return switch (request) {
            case Request.Read r -> Math.max(0, r.length());
            case Request.Write w -> w.data().readableBytes();
            default -> 0;
        };
    }

    private void closeWhenIdle(ChannelHandlerContext ctx) {
        if (flow.requests() == 0) {
            ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private static int handleOf(Request request) {
        return switch (request) {
            case Request.Read r -> r.handle();
            case Request.Write w -> w.handle();
            case Request.Flush f -> f.handle();
            case Request.Discard d -> d.handle();
            case Request.WriteZeroes z -> z.handle();
            case Request.Query q -> q.handle();
            default -> 0;
        };
    }

    /** Answers a failure without executing the request; a refused WRITE's data is released here. */
    private void refuse(ChannelHandlerContext ctx, Request request, Errno status, String reason) {
        if (request instanceof Request.Write w) {
            w.data().release();
        }
        ctx.writeAndFlush(new Reply.Failure(request.tag(), request.opcode(), status, reason));
    }

    /** A well-formed frame out of order (docs/PROTOCOL.md §2): EPROTO failure reply, then close. */
    private void protocolError(ChannelHandlerContext ctx, Request request, String reason) {
        if (request instanceof Request.Write w) {
            w.data().release();
        }
        LOG.warn("closing connection of client {} at {}: {}", nodeName, peer, reason);
        phase = Phase.CLOSING;
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(new Reply.Failure(request.tag(), request.opcode(), Errno.EPROTO, reason))
                .addListener(ChannelFutureListener.CLOSE);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (flow.takeFlush()) {
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof IdleStateEvent) {
            LOG.warn("closing connection of client {} at {}: nothing received for {} s", nodeName, peer,
                    RsioServer.IDLE_TIMEOUT_SECONDS);
            ctx.close();
        } else {
            ctx.fireUserEventTriggered(event);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (phase == Phase.READY || (phase == Phase.CLOSING && !handles.isEmpty())) {
            LOG.info("client {} at {} disconnected", nodeName, peer);
        }
        handles.values().forEach(v -> catalog.users().closed(v.name(), nodeName));
        handles.clear();
        if (login != null) {
            sessions.loggedOut(login);
            login = null;
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable root = cause instanceof io.netty.handler.codec.DecoderException && cause.getCause() != null
                ? cause.getCause() : cause;
        if (root instanceof java.io.IOException) {
            if (!lossLogged) {
                lossLogged = true;
                LOG.info("connection of client {} at {} lost: {}", nodeName, peer, root.getMessage());
            }
        } else if (root instanceof io.rsio.wire.codec.ProtocolException && ctx.channel().isActive()
                && phase != Phase.CLOSING) {
            LOG.warn("closing connection of client {} at {}: protocol error: {}", nodeName, peer, root.getMessage());
            phase = Phase.CLOSING;
            // The EPROTO notice of docs/PROTOCOL.md §1: tag 0, opcode GOODBYE, the reason.
            ctx.writeAndFlush(new Reply.Failure(0, Opcode.GOODBYE, Errno.EPROTO, "protocol error: " + root.getMessage()))
                    .addListener(ChannelFutureListener.CLOSE);
            return;
        } else {
            LOG.warn("closing connection of client {} at {}: {}", nodeName, peer, root.getMessage());
        }
        ctx.close();
    }

    private static String describe(Channel channel) {
        return address(channel.remoteAddress()) + "/" + ((InetSocketAddress) channel.remoteAddress()).getPort();
    }

    static String address(java.net.SocketAddress address) {
        return io.rsio.wire.auth.NodeKeyAuth.addressText(((InetSocketAddress) address).getAddress());
    }
}
