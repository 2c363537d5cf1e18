package io.rsio.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.rsio.common.NamedThreads;
import io.rsio.common.Transport;
import io.rsio.config.ConfigValues;
import io.rsio.config.ServerConfig;
import io.rsio.server.discovery.DiscoveryResponder;
import io.rsio.wire.codec.RsioFrameCodec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** rssrv's network side: one listener per configured interface, event loops, no thread per request. */
public final class RsioServer implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(RsioServer.class);
    static final String SOFTWARE = "rssrv/" + RsioServer.class.getPackage().getImplementationVersion();
    static final int MAX_PAYLOAD = 4 << 20;
    static final int IDLE_TIMEOUT_SECONDS = 90;

    private final ServerConfig config;
    private final VolumeCatalog catalog;
    private final EventLoopGroup group;
    private final ExecutorService storePool;
    private final Transport transport;
    private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final List<Channel> listeners = new ArrayList<>();
    private final ClientSessions sessions = new ClientSessions();
    private volatile PendingLogins pendingLogins;
    /** Answers crsio's "Find NEW Namespace" (UDP); null with {@code discovery = no}. */
    private volatile DiscoveryResponder discovery;

    private RsioServer(ServerConfig config, VolumeCatalog catalog) {
        this.config = config;
        this.catalog = catalog;
        int cores = Runtime.getRuntime().availableProcessors();
        Duration busyPoll = config.server().busyPoll();
        this.transport = Transport.best(busyPoll);
        this.group = transport.newGroup(cores, "rssrv-io");
        int storeThreads = Math.max(4, cores * 4);
        this.storePool = Executors.newFixedThreadPool(storeThreads, new NamedThreads("rssrv-store"));
        LOG.info("transport {}, {} event loops, {} store threads, busy_poll {}", transport.name(), cores,
                storeThreads, busyPoll.isZero() ? "off"
                        : ConfigValues.formatDuration(busyPoll) + " after work (event loops poll before they sleep)");
    }

    /** Opens the volumes and binds every interface; fails whole if any interface cannot be bound. */
    public static RsioServer start(ServerConfig config) throws IOException {
        VolumeCatalog catalog = VolumeCatalog.open(config);
        RsioServer server = new RsioServer(config, catalog);
        try {
            server.bindAll();
            if (config.server().discovery()) {
                server.discovery = DiscoveryResponder.start(config, server.group);
            }
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void bindAll() throws IOException {
        io.rsio.config.TlsSettings tls = config.namespace().tls();
        io.netty.handler.ssl.SslContext sslContext = tls.enabled() ? io.rsio.tls.TlsContexts.server(tls) : null;
        if (sslContext != null) {
            LOG.info("TLS 1.3 {} (certificate {})", tls.mode() == io.rsio.config.TlsSettings.Mode.REQUIRED
                    ? "required on every connection" : "offered; plain connections accepted too",
                    tls.certificate().orElseThrow());
        }
        StoreExecutor executor = new StoreExecutor(storePool, PooledByteBufAllocator.DEFAULT);
        pendingLogins = new PendingLogins(config.server().maxPendingLogins());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                // Above 32 MiB of unsent replies a session stops reading requests until 8 MiB
                // are left (ServerSessionHandler): a client that never reads cannot fill memory.
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new io.netty.channel.WriteBufferWaterMark(8 << 20, 32 << 20))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        channels.add(ch);
                        RsioFrameCodec codec = new RsioFrameCodec(true);
                        if (sslContext != null) {
                            // "required": TLS only (plain bytes fail as non-TLS records);
                            // "yes": the first bytes tell a TLS handshake from an RSIO frame.
                            ch.pipeline().addLast("tls", tls.mode() == io.rsio.config.TlsSettings.Mode.REQUIRED
                                    ? sslContext.newHandler(ch.alloc())
                                    : new io.netty.handler.ssl.OptionalSslHandler(sslContext));
                        }
                        ch.pipeline().addLast("flush", new FlushConsolidationHandler(64, true));
                        ch.pipeline().addLast("idle", new IdleStateHandler(IDLE_TIMEOUT_SECONDS, 0, 0));
                        ch.pipeline().addLast("codec", codec);
                        // Between codec and session: it must see the AUTH_PROOF reply as a message.
                        ch.pipeline().addLast("gate", new LoginGateHandler(pendingLogins));
                        ch.pipeline().addLast("session", new ServerSessionHandler(config, catalog, executor, codec,
                                sessions));
                    }
                });
        for (ServerConfig.Interface itf : config.interfaces()) {
            InetSocketAddress address = new InetSocketAddress(itf.address(), itf.port());
            try {
                Channel listener = bootstrap.bind(address).sync().channel();
                listeners.add(listener);
                LOG.info("listening on interface {} {}/{} ({})", itf.name(), itf.address(), itf.port(), itf.protocol());
            } catch (Exception e) {
                throw new IOException("cannot listen on interface " + itf.name() + " " + itf.address() + "/"
                        + itf.port() + ": " + e.getMessage(), e);
            }
        }
    }

    public VolumeCatalog catalog() {
        return catalog;
    }

    /** Who is logged in, and how many logins were accepted and refused. */
    public ClientSessions sessions() {
        return sessions;
    }

    /** Connections closed unread because their address held too many not logged in (max_pending_logins). */
    public long connectionsThrottled() {
        PendingLogins gate = pendingLogins;
        return gate == null ? 0 : gate.refusedTotal();
    }

    /** The discovery responder, absent when the config says {@code discovery = no}. */
    public java.util.Optional<DiscoveryResponder> discovery() {
        return java.util.Optional.ofNullable(discovery);
    }

    public List<InetSocketAddress> boundAddresses() {
        return listeners.stream().map(c -> (InetSocketAddress) c.localAddress()).toList();
    }

    /** Stops listening, ends every session, waits for the store threads, then closes the volumes. */
    @Override
    public void close() {
        if (discovery != null) {
            discovery.close();
        }
        listeners.forEach(l -> l.close().awaitUninterruptibly());
        channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        storePool.shutdown();
        try {
            storePool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        catalog.close();
    }
}
