package io.rsio.client.multipath;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.util.collection.LongObjectHashMap;
import io.netty.util.concurrent.ScheduledFuture;
import io.rsio.common.Transport;
import io.rsio.wire.WireConstants;
import io.rsio.wire.codec.RsioFrameCodec;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import io.rsio.wire.message.VolumeInfo;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One path: a TCP connection from one client interface address to one server interface. It
 * logs in (HELLO, mutual AUTH, LIST, OPEN of every volume), carries block requests, pings to
 * measure RTT and to notice a silent peer, and reconnects with back-off when it is lost.
 *
 * <p>All mutable connection state is confined to the path's event loop; the fields read by
 * status queries and the scheduler are volatile or atomic.
 *
 * <p>Why it is long: the connection's life cycle (connect, ping, loss, reconnect back-off), the
 * tag table and the status fields all live on the path's event loop and share that
 * confinement; the log-in, the part that was a protocol of its own, is {@link PathLogin}.
 */
public final class RsioPath {
    private static final Logger LOG = LogManager.getLogger(RsioPath.class);
    private static final String SOFTWARE = "rsiod/" + RsioPath.class.getPackage().getImplementationVersion();
    private static final long FIRST_RETRY_MILLIS = 100;

    private volatile PathSpec spec; // a reload may renumber it (same interface, same server)
    private final NamespaceLogin login;
    private final Transport transport;
    private final EventLoop loop;
    private final PathListener listener;
    /**
     * By tag; primitive keys, since a boxed Long and a map node per request showed in rsiod's
     * allocations. A request knows its owner (the volume it goes back to), so nothing else is
     * made per send.
     */
    private final LongObjectHashMap<IoRequest> inFlight = new LongObjectHashMap<>();

    /** One listener for every request sent with a promise (a lambda per send would be one more allocation). */
    private final ChannelFutureListener markTxFailure = f -> {
        if (!f.isSuccess()) {
            txOk = false;
        }
    };
    private final AtomicInteger outstanding = new AtomicInteger();
    private final PathStats stats = new PathStats();

    private volatile ScheduledFuture<?> sampler;
    private volatile PathState state = PathState.CONNECTING;
    private volatile String reason = "starting";
    private volatile String serverName = "";
    private volatile int serverId = -1;
    private volatile long rttNanos = -1;
    private volatile boolean txOk;
    private volatile boolean rxOk;
    private volatile long stateSinceMillis = System.currentTimeMillis();
    private volatile boolean stopped;
    /** The client interface's link is down: no reconnect attempts until it returns. */
    private volatile boolean linkDown;
    private volatile boolean hadWork;
    /** Other rsiods logged in to this server under our node name, as its last PING reply said. */
    private volatile int otherInstances;
    /** The last PING reply's volumes version (0: none yet on this connection, or not reported). */
    private int volumesVersion;
    /** The server's instance (host boot id) from its AUTH_PROOF reply; null if it does not say. */
    private volatile java.util.UUID serverInstance;
    /** The features HELLO agreed on the current connection (docs/PROTOCOL.md §3.2). */
    private volatile int features;

    private Channel channel;
    /** Logged in on {@link #channel}: block requests may go out, replies are theirs. */
    private boolean loggedIn;
    private long nextTag;
    /** The volumes open on this path and their handles, from the login or the last re-list. */
    private final Map<VolumeInfo, Integer> opened = new LinkedHashMap<>();
    /**
     * Management and re-list exchanges on a ready path: answered by tag, not block requests. Every
     * reply is looked up here first, so the key is primitive (no boxed Long per reply).
     */
    private final LongObjectHashMap<java.util.concurrent.CompletableFuture<Reply>> exchanges =
            new LongObjectHashMap<>();
    private long lastReceiveNanos;
    private long retryMillis = FIRST_RETRY_MILLIS;
    private ScheduledFuture<?> pinger;
    private String lastFailure;

    RsioPath(PathSpec spec, NamespaceLogin login, Transport transport, EventLoop loop, PathListener listener) {
        this.spec = spec;
        this.login = login;
        this.transport = transport;
        this.loop = loop;
        this.listener = listener;
    }

    public PathSpec spec() {
        return spec;
    }

    /**
     * A reload added or removed sections around this path, so its interface or rep number
     * changed; what it connects from and to is the same, so it keeps its connection.
     */
    public void renumber(PathSpec same) {
        if (!same.sameEnds(spec)) {
            throw new IllegalArgumentException("not the same path: " + same.describe() + " for " + spec.describe());
        }
        spec = same;
    }

    public PathStatus status() {
        return new PathStatus(spec, state, reason, serverName, serverId, rttNanos < 0 ? -1 : rttNanos / 1000,
                outstanding.get(), txOk, rxOk, stateSinceMillis);
    }

    public PathStats stats() {
        return stats;
    }

    public int serverId() {
        return serverId;
    }

    /**
     * The instance of the server this path logged in to (docs/PROTOCOL.md §3.3), or null when
     * the server does not tell it; valid while the path is ready.
     */
    java.util.UUID serverInstance() {
        return serverInstance;
    }

    /**
     * How many other rsiods the server sees logged in under this node's name (another host with
     * the same name and key), as its last PING reply said; 0 while the path is down.
     */
    public int otherInstances() {
        return otherInstances;
    }

    /** Round-trip time from the last PING, or -1 before the first. */
    long rttNanos() {
        return rttNanos;
    }

    /** The event loop this path's connection lives on. */
    EventLoop loop() {
        return loop;
    }

    public boolean isReady() {
        return state == PathState.CONNECTED;
    }

    /** Ready, and HELLO agreed that the server takes MANAGE requests. */
    boolean manages() {
        return isReady() && (features & WireConstants.FEATURE_MANAGE) != 0;
    }

    int outstanding() {
        return outstanding.get();
    }

    void start() {
        loop.execute(this::connect);
        sampler = loop.scheduleAtFixedRate(this::sample, 1, 1, TimeUnit.SECONDS);
    }

    private void sample() {
        stats.sample(hadWork);
        hadWork = outstanding.get() > 0;
    }

    /** The client interface lost its link: fail the path now instead of waiting for timeouts. */
    void linkDown(String why) {
        linkDown = true;
        loop.execute(() -> {
            if (channel != null && state != PathState.DOWN) {
                Channel ch = channel;
                lost(ch, why);
                ch.close();
            } else {
                setState(PathState.DOWN, why);
            }
        });
    }

    /** The link is back: reconnect at once, with the back-off reset. */
    void linkUp() {
        linkDown = false;
        loop.execute(() -> {
            retryMillis = FIRST_RETRY_MILLIS;
            if (state == PathState.DOWN) {
                connect();
            }
        });
    }

    /** Says GOODBYE on a live path and stops reconnecting. */
    void stop() {
        stopped = true;
        loop.execute(() -> {
            if (sampler != null) {
                sampler.cancel(false); // a path a reload retired must not stay scheduled forever
            }
            if (pinger != null) {
                pinger.cancel(false);
            }
            if (channel != null && channel.isActive() && loggedIn) {
                // The server answers GOODBYE too: an expected reply, not one "for unknown tag"
                // (a WARN per path on every stop and reload, 64 of them for 32 servers).
                long tag = nextTag++;
                exchanges.put(tag, new java.util.concurrent.CompletableFuture<>());
                channel.writeAndFlush(new Request.Goodbye(tag));
                channel.eventLoop().schedule(() -> channel.close(), 500, TimeUnit.MILLISECONDS);
            } else if (channel != null) {
                channel.close();
            }
        });
    }

    /**
     * Sends a block request on this path; answers false (and sends nothing) when the path is
     * not ready, so the caller can pick another.
     */
    boolean submit(IoRequest request, int handle) {
        if (state != PathState.CONNECTED) {
            return false;
        }
        outstanding.incrementAndGet();
        stats.outstandingBytes.addAndGet(request.length);
        hadWork = true;
        if (loop.inEventLoop()) {
            // A front end on this path's loop (an NBD connection placed there): no task hand-off;
            // the flush consolidation handler still turns a burst into one write.
            send(request, handle);
        } else {
            loop.execute(() -> send(request, handle));
        }
        return true;
    }

    private void send(IoRequest request, int handle) {
        if (!loggedIn || channel == null || !channel.isActive()) {
            outstanding.decrementAndGet();
            stats.outstandingBytes.addAndGet(-request.length);
            listener.pathDown(this);
            request.owner.retry(request);
            return;
        }
        long tag = nextTag++;
        inFlight.put(tag, request);
        request.attempts++;
        if (request.kind == IoRequest.Kind.READ) {
            // No promise for a READ (most requests): its frame always encodes, so only the socket
            // can fail it, which fires exceptionCaught through the void promise and fails the path.
            channel.writeAndFlush(request.toWire(tag, handle), channel.voidPromise());
        } else {
            // Data frames can be refused by the encoder (a payload over the agreed limit): that
            // must not take the path down, so they keep a promise.
            channel.writeAndFlush(request.toWire(tag, handle)).addListener(markTxFailure);
        }
    }

    /**
     * Sends one request that is not block I/O (MANAGE, LIST, OPEN, CLOSE) on the ready path and
     * completes with its reply, or exceptionally when the path is not ready or goes down first.
     */
    java.util.concurrent.CompletableFuture<Reply> exchange(java.util.function.LongFunction<Request> request) {
        var answer = new java.util.concurrent.CompletableFuture<Reply>();
        loop.execute(() -> {
            if (!loggedIn || channel == null || !channel.isActive()) {
                answer.completeExceptionally(new java.io.IOException("path " + spec.describe() + " is not ready"));
                return;
            }
            long tag = nextTag++;
            exchanges.put(tag, answer);
            channel.writeAndFlush(request.apply(tag));
        });
        return answer;
    }

    /** The last re-list; the next one starts after it, so two never open one volume twice. */
    private java.util.concurrent.CompletableFuture<Void> lastRelist =
            java.util.concurrent.CompletableFuture.completedFuture(null);

    /**
     * Lists the server's volumes again (docs/VOLUMES.md): opens the new ones, closes the handles
     * of the ones gone, takes the sizes as they are now, and reports the result like a login.
     */
    synchronized java.util.concurrent.CompletableFuture<Void> relist() {
        lastRelist = lastRelist.handle((ok, failed) -> null).thenCompose(x -> relistNow());
        return lastRelist;
    }

    private java.util.concurrent.CompletableFuture<Void> relistNow() {
        return exchange(Request.ListVolumes::new).thenCompose(reply -> {
            if (!(reply instanceof Reply.VolumeList list)) {
                throw new java.util.concurrent.CompletionException(new java.io.IOException("LIST refused: " + reply));
            }
            return loopFuture(() -> {
                Map<String, Integer> handles = new HashMap<>();
                opened.forEach((info, handle) -> handles.put(info.name(), handle));
                Map<VolumeInfo, Integer> next = new LinkedHashMap<>();
                List<java.util.concurrent.CompletableFuture<?>> opens = new ArrayList<>();
                for (VolumeInfo info : list.volumes()) {
                    Integer handle = handles.remove(info.name());
                    if (handle != null) {
                        next.put(info, handle);
                    } else {
                        opens.add(exchange(tag -> new Request.Open(tag, info.name(), false)).thenAccept(r -> {
                            if (r instanceof Reply.Opened o) {
                                synchronized (next) {
                                    next.put(o.volume(), o.handle());
                                }
                            }
                        }));
                    }
                }
                handles.values().forEach(h -> exchange(tag -> new Request.Close(tag, h)));
                return java.util.concurrent.CompletableFuture.allOf(opens.toArray(java.util.concurrent.CompletableFuture[]::new))
                        .thenRun(() -> loop.execute(() -> {
                            opened.clear();
                            synchronized (next) {
                                opened.putAll(next);
                            }
                            listener.pathReady(this, Map.copyOf(opened));
                        }));
            }).thenCompose(f -> f);
        });
    }

    private <T> java.util.concurrent.CompletableFuture<T> loopFuture(java.util.function.Supplier<T> work) {
        var result = new java.util.concurrent.CompletableFuture<T>();
        loop.execute(() -> result.complete(work.get()));
        return result;
    }

    // ---- connection life cycle, all on the event loop ----

    private void connect() {
        if (stopped || linkDown || channel != null && channel.isOpen()) {
            return;
        }
        setState(PathState.CONNECTING, "connecting");
        InetSocketAddress local = new InetSocketAddress(spec.clientInterface().address(), 0);
        InetSocketAddress remote = new InetSocketAddress(spec.server().address(), spec.server().port());
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) login.settings().pathTimeout().toMillis())
                .handler(new io.netty.channel.ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        RsioFrameCodec c = new RsioFrameCodec(false);
                        if (login.tls() != null) {
                            // TLS from the first byte; HELLO waits in the SslHandler for the handshake.
                            ch.pipeline().addLast("tls", login.tls().newHandler(ch.alloc(), spec.server().address(),
                                    spec.server().port()));
                        }
                        // Requests are submitted one task each; consolidating their flushes
                        // turns a burst of chunks into one write system call.
                        ch.pipeline().addLast("flush", new io.netty.handler.flush.FlushConsolidationHandler(256, true));
                        ch.pipeline().addLast("codec", c);
                        ch.pipeline().addLast("path", new Handler());
                        ch.pipeline().addLast("login", new PathLogin(login, c, SOFTWARE, spec.describe(),
                                event -> onLoginEvent(ch, event)));
                    }
                });
        ChannelFuture future = bootstrap.connect(remote, local);
        channel = future.channel();
        future.addListener(f -> {
            if (!f.isSuccess()) {
                lost(future.channel(), "connect failed: " + describe(f.cause()));
            }
        });
    }

    private void startPinging(Channel ch) {
        loggedIn = false;
        lastReceiveNanos = System.nanoTime();
        Duration interval = login.settings().pingInterval();
        pinger = loop.scheduleAtFixedRate(() -> ping(ch), interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void ping(Channel ch) {
        if (ch != channel || !ch.isActive()) {
            return;
        }
        long silentNanos = System.nanoTime() - lastReceiveNanos;
        if (silentNanos > login.settings().pathTimeout().toNanos()) {
            rxOk = false;
            lost(ch, "no answer for " + TimeUnit.NANOSECONDS.toMillis(silentNanos) + " ms");
            ch.close();
            return;
        }
        if (loggedIn) {
            ch.writeAndFlush(new Request.Ping(nextTag++, System.nanoTime()));
        }
    }

    /** A reply on the path's channel; false when it belongs to the log-in, which is still running. */
    private boolean onReply(Channel ch, Reply reply) {
        if (ch != channel) {
            release(reply);
            return true;
        }
        lastReceiveNanos = System.nanoTime();
        rxOk = true;
        if (reply instanceof Reply.Pong pong) {
            rttNanos = System.nanoTime() - pong.timestamp();
            sharedIdentity(pong.otherInstances());
            volumesVersion(pong.volumesVersion());
            return true;
        }
        if (!loggedIn) {
            return false;
        }
        var waiting = exchanges.remove(reply.tag());
        if (waiting != null) {
            waiting.complete(reply);
            return true;
        }
        IoRequest request = inFlight.remove(reply.tag());
        if (request == null) {
            release(reply);
            LOG.warn("path {}: reply for unknown tag {} ignored", spec.describe(), reply.tag());
            return true;
        }
        outstanding.decrementAndGet();
        stats.outstandingBytes.addAndGet(-request.length);
        if (reply instanceof Reply.Failure) {
            stats.errors.increment();
        } else {
            stats.completed(request.kind, request.length);
        }
        request.owner.completed(this, request, reply);
        return true;
    }

    /**
     * The server's volumes changed since the last PING (an RBD image resized elsewhere, a pool
     * volume created, resized or deleted through another client):
     * list the volumes again now, the way a resize through rsconfig does (docs/VOLUMES.md), so
     * the new size reaches the export and the attached device within a ping interval.
     */
    private void volumesVersion(int version) {
        int before = volumesVersion;
        volumesVersion = version;
        if (version != 0 && before != 0 && version != before && loggedIn) {
            LOG.info("path {}: server {} reports its volumes changed (resized, created or deleted); listing them"
                    + " again", spec.describe(), serverName);
            relist().exceptionally(e -> {
                LOG.debug("path {}: re-list after a resize failed: {}", spec.describe(), e.getMessage());
                return null;
            });
        }
    }

    /** Logs when the server starts (or stops) seeing another rsiod under our node name. */
    private void sharedIdentity(int others) {
        int before = otherInstances;
        otherInstances = others;
        if (others > 0 && before == 0) {
            LOG.warn("server {} (id {}) sees {} other rsiod(s) logged in with node name {} in namespace {}: another "
                    + "host uses this node's name and key and can use the same volumes (give each host its own)",
                    serverName, serverId, others, login.nodeName(), login.namespace());
        } else if (others == 0 && before > 0) {
            LOG.info("server {} (id {}) no longer sees another rsiod with node name {}", serverName, serverId,
                    login.nodeName());
        }
    }

    private void onLoginEvent(Channel ch, PathLogin.Event event) {
        if (ch != channel) {
            return;
        }
        switch (event) {
            case PathLogin.Event.ServerMet met -> {
                serverName = met.serverName();
                serverId = met.serverId();
            }
            case PathLogin.Event.Failed failed -> lost(ch, failed.reason());
            case PathLogin.Event.LoggedIn in -> ready(in);
        }
    }

    private void ready(PathLogin.Event.LoggedIn in) {
        serverInstance = in.serverInstance();
        features = in.features();
        nextTag = in.nextTag();
        loggedIn = true;
        opened.clear();
        opened.putAll(in.opened());
        retryMillis = FIRST_RETRY_MILLIS;
        txOk = true;
        setState(PathState.CONNECTED, "connected to server " + serverName + " (id " + serverId + "), "
                + in.opened().size() + " volume(s)");
        LOG.info("started transmit for rep {}/{} on {}: server {} (id {}), namespace {}, {} volume(s), data digests {}",
                spec.server().address(), spec.server().port(), spec.clientInterface().name(), serverName, serverId,
                login.namespace(), in.opened().size(),
                (in.features() & WireConstants.FEATURE_DATA_DIGEST) != 0 ? "on" : "off");
        listener.pathReady(this, in.opened());
    }

    /** The connection ended; in-flight requests go back to be sent on another path. */
    private void lost(Channel ch, String why) {
        if (ch != channel || state == PathState.DOWN) {
            return;
        }
        boolean wasReady = loggedIn;
        loggedIn = false;
        otherInstances = 0; // known again from the next PING reply after a new login
        volumesVersion = 0; // a new connection lists the volumes at login; the next PING is the baseline
        txOk = false;
        rxOk = false;
        if (pinger != null) {
            pinger.cancel(false);
        }
        List<IoRequest> orphans = new ArrayList<>(inFlight.values());
        inFlight.clear();
        exchanges.values().forEach(f -> f.completeExceptionally(new java.io.IOException("path down: " + why)));
        exchanges.clear();
        outstanding.addAndGet(-orphans.size());
        stats.outstandingBytes.set(0);
        stats.failovers.add(orphans.size());
        setState(PathState.DOWN, why);
        if (stopped) {
            LOG.info("stopped transmit for rep {}/{} on {}", spec.server().address(), spec.server().port(),
                    spec.clientInterface().name());
        } else if (wasReady) {
            LOG.warn("path down: {} -> rep {}/{}: {} ({} request(s) moved to other paths)",
                    spec.clientInterface().name(), spec.server().address(), spec.server().port(), why, orphans.size());
        } else if (!why.equals(lastFailure)) {
            LOG.warn("path {} not established: {}", spec.describe(), why);
        } else {
            // The same failure on every retry of a long outage would drown the log.
            LOG.debug("path {} still not established: {}", spec.describe(), why);
        }
        lastFailure = wasReady ? null : why;
        listener.pathDown(this);
        orphans.forEach(o -> o.owner.retry(o));
        scheduleReconnect();
    }

    private void scheduleReconnect() {
        if (stopped || linkDown) {
            return;
        }
        long delay = retryMillis;
        retryMillis = Math.min(retryMillis * 2, login.settings().reconnectMax().toMillis());
        loop.schedule(this::connect, delay, TimeUnit.MILLISECONDS);
    }

    private void setState(PathState newState, String why) {
        if (state != newState) {
            stateSinceMillis = System.currentTimeMillis();
        }
        state = newState;
        reason = why;
    }

    private static void release(Reply reply) {
        if (reply instanceof Reply.ReadData rd) {
            rd.data().release();
        }
    }

    private static String describe(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null ? root.getClass().getSimpleName() : message;
    }

    /**
     * The Netty seam: turns channel events into calls on the path, on its event loop. Replies
     * of the log-in pass on to {@link PathLogin}, which comes next in the pipeline.
     */
    private final class Handler extends SimpleChannelInboundHandler<Reply> {
        Handler() {
            super(Reply.class, false);
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            startPinging(ctx.channel());
            ctx.fireChannelActive(); // PathLogin sends HELLO
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Reply reply) {
            if (!onReply(ctx.channel(), reply)) {
                ctx.fireChannelRead(reply);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            lost(ctx.channel(), stopped ? "stopped" : "connection closed by server");
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            lost(ctx.channel(), describe(cause));
            ctx.close();
        }
    }
}
