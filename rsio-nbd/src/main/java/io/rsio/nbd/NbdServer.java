package io.rsio.nbd;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * An NBD server (fixed newstyle, no TLS) serving the exports of one {@link NbdExports} on a
 * unix socket and/or a loopback TCP address. Uses the caller's epoll event loop group, which it
 * does not shut down.
 *
 * <p>Start and close it from a thread that is not one of the group's event loops (both wait for
 * the sockets).
 */
public final class NbdServer implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(NbdServer.class);

    /** A client must reach the transmission phase within this time. */
    static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(30);
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(16 << 20, 64 << 20);
    private static final long CLOSE_WAIT_SECONDS = 10;
    /**
     * The unix socket's send buffer for replies: the default (net.core.wmem_default, 208 KiB)
     * filled at QD32 of 8 KiB reads (32 replies and their skb overhead), so about one write in
     * eight stopped short and cost two epoll_ctl calls and another write (docs/performance.md §12).
     * The kernel caps it at net.core.wmem_max and reserves nothing: it is a limit, not memory.
     */
    static final int UNIX_SEND_BUFFER = 1 << 20;

    private final ChannelGroup channels;
    private final Path unixSocket;
    private final InetSocketAddress tcpAddress;
    private boolean closed;

    private NbdServer(ChannelGroup channels, Path unixSocket, InetSocketAddress tcpAddress) {
        this.channels = channels;
        this.unixSocket = unixSocket;
        this.tcpAddress = tcpAddress;
    }

    /**
     * Starts listening.
     *
     * @param group an epoll event loop group ({@code new MultiThreadIoEventLoopGroup(n, EpollIoHandler.newFactory())})
     * @param unixSocket path of the unix socket to create, or null; a stale socket file left by a
     *     dead server is replaced, a live one is an error
     * @param tcp a loopback address to listen on (port 0 picks one, see {@link #tcpAddress()}), or null
     * @throws IllegalArgumentException if both addresses are null, or {@code tcp} is not a
     *     resolved loopback address, or {@code unixSocket} names something that is not a socket
     * @throws IllegalStateException if another server is listening on {@code unixSocket}
     * @throws UncheckedIOException if binding fails
     */
    public static NbdServer start(EventLoopGroup group, NbdExports exports, Path unixSocket, InetSocketAddress tcp) {
        return start(group, group, exports, unixSocket, tcp);
    }

    /**
     * Starts listening, accepting on {@code group} and serving connections on {@code childGroup}:
     * a single event loop there keeps every connection on the thread of the target's own I/O.
     */
    public static NbdServer start(EventLoopGroup group, EventLoopGroup childGroup, NbdExports exports, Path unixSocket,
            InetSocketAddress tcp) {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(childGroup, "childGroup");
        Objects.requireNonNull(exports, "exports");
        if (unixSocket == null && tcp == null) {
            throw new IllegalArgumentException("give a unix socket, a TCP address or both");
        }
        if (tcp != null && (tcp.isUnresolved() || !tcp.getAddress().isLoopbackAddress())) {
            // no TLS and no authentication: NBD must never be reachable from the network
            throw new IllegalArgumentException("NBD over TCP listens on loopback only, not " + tcp);
        }
        ChannelGroup channels = new DefaultChannelGroup("nbd", GlobalEventExecutor.INSTANCE);
        ChannelInitializer<Channel> init = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                channels.add(ch);
                NbdPipeline.install(ch, exports, HANDSHAKE_TIMEOUT);
            }
        };
        if (unixSocket != null) {
            clearStaleSocket(unixSocket); // before the try: failing here must not delete a live server's socket
        }
        InetSocketAddress boundTcp = null;
        try {
            if (unixSocket != null) {
                Channel server = new ServerBootstrap().group(group, childGroup).channel(EpollServerDomainSocketChannel.class)
                        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                        .childOption(ChannelOption.SO_SNDBUF, UNIX_SEND_BUFFER)
                        .childHandler(init)
                        .bind(new DomainSocketAddress(unixSocket.toString())).syncUninterruptibly().channel();
                channels.add(server);
            }
            if (tcp != null) {
                Channel server = new ServerBootstrap().group(group, childGroup).channel(EpollServerSocketChannel.class)
                        .childOption(ChannelOption.TCP_NODELAY, true) // the spec asks for it: replies are latency-bound
                        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                        .childHandler(init)
                        .bind(tcp).syncUninterruptibly().channel();
                channels.add(server);
                boundTcp = (InetSocketAddress) server.localAddress();
            }
        } catch (RuntimeException e) {
            channels.close().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
            deleteQuietly(unixSocket);
            throw bindFailure(e);
        }
        NbdServer server = new NbdServer(channels, unixSocket, boundTcp);
        LOG.info("NBD server listening on {}{}{} for exports {}", unixSocket == null ? "" : "unix:" + unixSocket,
                unixSocket != null && boundTcp != null ? " and " : "", boundTcp == null ? "" : "tcp:" + boundTcp,
                exports.all().stream().map(t -> t.name()).toList());
        return server;
    }

    /** The unix socket path, if listening on one. */
    public Optional<Path> unixSocket() {
        return Optional.ofNullable(unixSocket);
    }

    /** The bound TCP address (with the real port when 0 was asked for), if listening on TCP. */
    public Optional<InetSocketAddress> tcpAddress() {
        return Optional.ofNullable(tcpAddress);
    }

    /** Open client connections (any phase). */
    public int connections() {
        return (int) channels.stream().filter(c -> c.parent() != null).count();
    }

    /** Stops listening, closes every connection (in-flight requests get no reply) and deletes the socket file. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        channels.close().awaitUninterruptibly(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        deleteQuietly(unixSocket);
        LOG.info("NBD server on {} closed", unixSocket != null ? "unix:" + unixSocket : "tcp:" + tcpAddress);
    }

    private static void clearStaleSocket(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
                || Files.isSymbolicLink(path)) {
            throw new IllegalArgumentException(path + " exists and is not a socket");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            throw new IllegalStateException("another server is listening on " + path);
        } catch (IOException refused) {
            // nobody listens: a leftover of a server that died
            LOG.info("removing stale NBD socket {}", path);
            deleteQuietly(path);
        }
    }

    private static void deleteQuietly(Path path) {
        if (path == null) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warn("could not delete NBD socket {}: {}", path, e.getMessage());
        }
    }

    private static RuntimeException bindFailure(RuntimeException e) {
        return e.getCause() instanceof IOException io ? new UncheckedIOException(io)
                : e instanceof IllegalArgumentException || e instanceof IllegalStateException ? e
                : new UncheckedIOException(new IOException("NBD server could not bind: " + e.getMessage(), e));
    }
}
