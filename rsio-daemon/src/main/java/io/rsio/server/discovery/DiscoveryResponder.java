package io.rsio.server.discovery;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.rsio.config.ServerConfig;
import io.rsio.discovery.LinkFacts;
import io.rsio.discovery.LocalInterface;
import io.rsio.discovery.LocalInterfaces;
import io.rsio.wire.discovery.DiscoveryCodec;
import io.rsio.wire.discovery.DiscoveryFormatException;
import io.rsio.wire.discovery.DiscoveryMessage;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * rssrv's side of discovery (docs/PROTOCOL.md §6): a UDP socket on each [interface] address and
 * port, plus one on the directed broadcast address of each IPv4 interface's network (Linux hands
 * a broadcast datagram only to sockets bound to the broadcast address or the wildcard). Answers a
 * DISCOVER with an ANNOUNCE of this server's namespace, identity and interfaces, sent from the
 * interface's own address so the client sees where the server really is.
 *
 * <p>Never a weapon: requests shorter than {@link DiscoveryCodec#MIN_REQUEST_SIZE} are dropped
 * and an answer is never larger than its request; answers are rate-limited per source and in
 * total, and jittered by up to 20 ms so many servers answering one broadcast do not answer in the
 * same instant. An ANNOUNCE carries no volumes, clients or keys.
 */
public final class DiscoveryResponder implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(DiscoveryResponder.class);
    static final int MAX_JITTER_MILLIS = 20;

    private final ServerConfig config;
    private final DiscoveryRateLimiter limiter;
    private final List<DiscoveryMessage.ServerInterface> announced;
    private final List<Channel> channels = new ArrayList<>();
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final boolean jitter;

    private DiscoveryResponder(ServerConfig config, DiscoveryRateLimiter limiter, boolean jitter) {
        this.config = config;
        this.limiter = limiter;
        this.jitter = jitter;
        this.announced = config.interfaces().stream().map(DiscoveryResponder::describe).toList();
    }

    /**
     * Binds the discovery sockets of every interface on {@code group}. An interface whose UDP port
     * cannot be bound is logged and skipped: the server still serves, it is only not found.
     */
    public static DiscoveryResponder start(ServerConfig config, EventLoopGroup group) {
        return start(config, group, DiscoveryRateLimiter.standard(), true);
    }

    static DiscoveryResponder start(ServerConfig config, EventLoopGroup group, DiscoveryRateLimiter limiter,
                                    boolean jitter) {
        DiscoveryResponder responder = new DiscoveryResponder(config, limiter, jitter);
        responder.bind(group);
        return responder;
    }

    private void bind(EventLoopGroup group) {
        Map<String, Channel> unicastByBroadcast = new HashMap<>();
        for (ServerConfig.Interface itf : config.interfaces()) {
            Optional<Channel> unicast = open(group, new InetSocketAddress(itf.address(), itf.port()), null);
            if (unicast.isEmpty()) {
                continue;
            }
            Optional<String> broadcast = LocalInterfaces.byAddress(itf.address()).flatMap(LocalInterface::broadcast);
            if (broadcast.isPresent()) {
                String key = broadcast.get() + "/" + itf.port();
                if (!unicastByBroadcast.containsKey(key)) {
                    unicastByBroadcast.put(key, unicast.get());
                    // Answers to broadcasts leave through the interface's own socket.
                    open(group, new InetSocketAddress(broadcast.get(), itf.port()), unicast.get())
                            ;
                }
            }
            LOG.info("discovery: answering on {}/{} (udp){}", itf.address(), itf.port(),
                    broadcast.map(b -> " and broadcasts to " + b).orElse(""));
        }
    }

    private Optional<Channel> open(EventLoopGroup group, InetSocketAddress address, Channel replyThrough) {
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(Epoll.isAvailable() ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BROADCAST, true)
                // Anything longer than a discovery datagram is cut and then refused by its length.
                .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(2048))
                .handler(new Handler(replyThrough));
        try {
            Channel channel = bootstrap.bind(address).sync().channel();
            synchronized (channels) {
                channels.add(channel);
            }
            return Optional.of(channel);
        } catch (Exception e) {
            LOG.warn("discovery: cannot bind udp {}/{}: {} (the server will not be found there)",
                    address.getHostString(), address.getPort(), e.getMessage());
            return Optional.empty();
        }
    }

    private static DiscoveryMessage.ServerInterface describe(ServerConfig.Interface itf) {
        LinkFacts facts = LocalInterfaces.byAddress(itf.address()).map(LocalInterface::facts).orElse(LinkFacts.UNKNOWN);
        return new DiscoveryMessage.ServerInterface(itf.address(), itf.port(), itf.protocol(), facts.mtu(),
                facts.speedMbps());
    }

    /** Answers sent since start. */
    public long answered() {
        return answered.get();
    }

    /** Datagrams dropped: malformed, for another namespace, or over the rate limit. */
    public long dropped() {
        return dropped.get();
    }

    /** The local addresses of the discovery sockets. */
    public List<InetSocketAddress> boundAddresses() {
        synchronized (channels) {
            return channels.stream().map(c -> (InetSocketAddress) c.localAddress()).toList();
        }
    }

    @Override
    public void close() {
        List<Channel> all;
        synchronized (channels) {
            all = List.copyOf(channels);
        }
        all.forEach(c -> c.close().awaitUninterruptibly(2, TimeUnit.SECONDS));
    }

    private void onDatagram(ChannelHandlerContext ctx, DatagramPacket packet, Channel replyThrough) {
        ByteBuf content = packet.content();
        int length = content.readableBytes();
        if (length > DiscoveryCodec.MAX_DATAGRAM_SIZE) {
            dropped.incrementAndGet();
            return;
        }
        byte[] bytes = new byte[length];
        content.getBytes(content.readerIndex(), bytes);
        DiscoveryMessage message;
        try {
            message = DiscoveryCodec.decode(bytes, length);
        } catch (DiscoveryFormatException e) {
            dropped.incrementAndGet();
            LOG.debug("discovery: dropped datagram from {}: {}", packet.sender(), e.getMessage());
            return;
        }
        if (!(message instanceof DiscoveryMessage.Discover discover)
                || (discover.namespaceId().isPresent() && discover.namespaceId().getAsInt() != config.namespace().id())) {
            dropped.incrementAndGet();
            return;
        }
        InetSocketAddress sender = packet.sender();
        if (!limiter.allow(sender.getAddress())) {
            dropped.incrementAndGet();
            LOG.debug("discovery: rate limit, no answer to {}", sender);
            return;
        }
        byte[] answer;
        try {
            answer = DiscoveryCodec.encodeAnnounce(new DiscoveryMessage.Announce(discover.nonce(),
                    config.namespace().name(), config.namespace().id(), config.server().name(), config.server().id(),
                    announced), discover.size());
        } catch (IllegalArgumentException e) {
            dropped.incrementAndGet();
            LOG.warn("discovery: cannot answer {}: {}", sender, e.getMessage());
            return;
        }
        Channel out = replyThrough != null ? replyThrough : ctx.channel();
        Runnable send = () -> out.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(answer), sender));
        answered.incrementAndGet();
        if (jitter) {
            out.eventLoop().schedule(send, ThreadLocalRandom.current().nextInt(MAX_JITTER_MILLIS + 1),
                    TimeUnit.MILLISECONDS);
        } else {
            out.eventLoop().execute(send);
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final Channel replyThrough;

        Handler(Channel replyThrough) {
            this.replyThrough = replyThrough;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            onDatagram(ctx, packet, replyThrough);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A UDP socket stays open whatever one datagram did (e.g. ICMP port unreachable).
            LOG.debug("discovery socket {}: {}", ctx.channel().localAddress(), cause.toString());
        }
    }
}
