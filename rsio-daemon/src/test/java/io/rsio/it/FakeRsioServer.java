package io.rsio.it;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.SocketChannel;
import io.rsio.common.Transport;
import io.rsio.wire.Opcode;
import io.rsio.wire.WireConstants;
import io.rsio.wire.auth.AuthTranscript;
import io.rsio.wire.auth.NodeKeyAuth;
import io.rsio.wire.codec.RsioFrameCodec;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import io.rsio.wire.message.VolumeInfo;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A misbehaving RSIO server on 127.0.0.1 for tests, in the test's JVM. It can be silent from
 * the first byte, answer HELLO with half a frame, log in properly (it is given the node key)
 * and then stop answering — or answer an I/O request with half a frame — or pose as a
 * server that does not know the key. It records the opcodes it received, so a test can
 * assert that a client sent no data to an impostor.
 */
final class FakeRsioServer implements AutoCloseable {
    enum Mode {
        /** Accepts and never reads or writes a byte. */
        SILENT,
        /** Answers HELLO with the first half of its reply frame, then nothing. */
        HALF_HELLO,
        /** Logs in for real, lists and opens volumes, then never answers again (not even PING). */
        STUCK_AFTER_LOGIN,
        /** Logs in for real, then answers the first I/O request with half a frame and goes silent. */
        HALF_FRAME_AFTER_LOGIN,
        /** Logs in for real, then answers the first I/O request with random bytes. */
        GARBAGE_AFTER_LOGIN,
        /** Answers AUTH_START as server {@code serverId}/{@code serverName}, then a made-up proof. */
        IMPOSTOR
    }

    private final Mode mode;
    private final int namespaceId;
    private final int serverId;
    private final String serverName;
    private final String nodeKey;
    private final List<VolumeInfo> volumes;
    private final EventLoopGroup group;
    private final Channel listener;
    final List<Opcode> received = new CopyOnWriteArrayList<>();
    final AtomicInteger connections = new AtomicInteger();

    FakeRsioServer(Mode mode, int namespaceId, int serverId, String serverName, String nodeKey,
                   List<VolumeInfo> volumes) throws InterruptedException {
        this.mode = mode;
        this.namespaceId = namespaceId;
        this.serverId = serverId;
        this.serverName = serverName;
        this.nodeKey = nodeKey;
        this.volumes = volumes;
        Transport transport = Transport.best();
        this.group = transport.newGroup(1, "fake-rssrv");
        this.listener = new ServerBootstrap().group(group).channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.incrementAndGet();
                        if (mode == Mode.SILENT) {
                            ch.config().setAutoRead(false);
                            return;
                        }
                        RsioFrameCodec codec = new RsioFrameCodec(true);
                        ch.pipeline().addLast(codec, new Session(codec));
                    }
                })
                .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
    }

    /** The volume rssrv serves as {@code name} in namespace {@code namespaceId} (its derived identity). */
    static VolumeInfo volumeLikeRssrv(int namespaceId, String name, long size) {
        UUID id = UUID.nameUUIDFromBytes(("rsio:" + namespaceId + ":" + name).getBytes(StandardCharsets.UTF_8));
        return new VolumeInfo(name, size, 512, "av0", id, false);
    }

    int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    @Override
    public void close() {
        listener.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    private final class Session extends SimpleChannelInboundHandler<Request> {
        private final RsioFrameCodec codec;
        private int features;
        private Request.AuthStart start;
        private byte[] serverNonce;
        private boolean stuck;

        Session(RsioFrameCodec codec) {
            super(Request.class, true);
            this.codec = codec;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Request request) {
            received.add(request.opcode());
            if (stuck) {
                return;
            }
            switch (request) {
                case Request.Hello h -> {
                    features = h.features() & WireConstants.DEFAULT_FEATURES;
                    Reply.HelloReply reply = new Reply.HelloReply(h.tag(), WireConstants.VERSION,
                            WireConstants.DEFAULT_MAX_PAYLOAD, features, "fake-rssrv/1");
                    if (mode == Mode.HALF_HELLO) {
                        writeHalfFrame(ctx, reply);
                        stuck = true;
                        return;
                    }
                    ctx.writeAndFlush(reply);
                    codec.negotiated(WireConstants.DEFAULT_MAX_PAYLOAD, features);
                }
                case Request.AuthStart a -> {
                    start = a;
                    serverNonce = NodeKeyAuth.newNonce();
                    ctx.writeAndFlush(new Reply.AuthChallenge(a.tag(), serverId, serverName, serverNonce));
                }
                case Request.AuthProof p -> {
                    if (mode == Mode.IMPOSTOR) {
                        ctx.writeAndFlush(new Reply.AuthAccepted(p.tag(), NodeKeyAuth.newNonce()));
                        return;
                    }
                    byte[] key = NodeKeyAuth.deriveKey(nodeKey, namespaceId, start.nodeName());
                    AuthTranscript t = new AuthTranscript(WireConstants.VERSION, namespaceId, start.nodeName(),
                            serverId, serverName, start.clientNonce(), serverNonce,
                            text(ctx.channel().remoteAddress()), text(ctx.channel().localAddress()), features);
                    ctx.writeAndFlush(new Reply.AuthAccepted(p.tag(), t.serverProof(key)));
                }
                case Request.ListVolumes l -> ctx.writeAndFlush(new Reply.VolumeList(l.tag(), volumes));
                case Request.Open o -> {
                    int index = volumes.stream().map(VolumeInfo::name).toList().indexOf(o.volume());
                    ctx.writeAndFlush(new Reply.Opened(o.tag(), index + 1, volumes.get(index)));
                }
                case Request.Ping p -> ctx.writeAndFlush(new Reply.Pong(p.tag(), p.timestamp()));
                default -> {
                    // The first I/O request: from here on this server is stuck.
                    stuck = true;
                    if (mode == Mode.GARBAGE_AFTER_LOGIN) {
                        byte[] junk = new byte[256];
                        java.util.concurrent.ThreadLocalRandom.current().nextBytes(junk);
                        junk[0] = 'X'; // never the magic's first byte
                        ctx.writeAndFlush(Unpooled.wrappedBuffer(junk));
                    }
                    if (mode == Mode.HALF_FRAME_AFTER_LOGIN) {
                        writeHalfFrame(ctx, new Reply.Failure(request.tag(), request.opcode(),
                                io.rsio.block.Errno.EIO, "never completed"));
                    }
                }
            }
        }

        /** Encodes {@code reply} and sends only the first 22 bytes of it. */
        private void writeHalfFrame(ChannelHandlerContext ctx, Reply reply) {
            io.netty.channel.embedded.EmbeddedChannel encoder = new io.netty.channel.embedded.EmbeddedChannel(
                    new RsioFrameCodec(true));
            encoder.writeOutbound(reply);
            ByteBuf whole = Unpooled.buffer();
            for (ByteBuf part = encoder.readOutbound(); part != null; part = encoder.readOutbound()) {
                whole.writeBytes(part);
                part.release();
            }
            encoder.finishAndReleaseAll();
            ByteBuf half = whole.readRetainedSlice(22);
            whole.release();
            ctx.writeAndFlush(half);
        }

        private static String text(java.net.SocketAddress address) {
            return NodeKeyAuth.addressText(((InetSocketAddress) address).getAddress());
        }
    }

    /** A block request: the client was using this server for I/O. */
    static boolean touchesDataBlocks(Opcode op) {
        return op == Opcode.READ || op == Opcode.WRITE || op == Opcode.FLUSH;
    }

    /** An opcode that carries or reveals volume data. */
    static boolean touchesData(Opcode op) {
        return op == Opcode.LIST || op == Opcode.OPEN || op == Opcode.READ || op == Opcode.WRITE
                || op == Opcode.FLUSH || op == Opcode.DISCARD || op == Opcode.WRITE_ZEROES || op == Opcode.QUERY;
    }
}
