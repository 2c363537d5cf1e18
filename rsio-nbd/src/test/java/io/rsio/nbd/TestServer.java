package io.rsio.nbd;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.rsio.block.BlockTarget;
import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

/** An {@link NbdServer} on a unix socket in a test's temporary directory. */
public final class TestServer implements AutoCloseable {
    /** One epoll group for all tests; daemon threads, never shut down (the JVM ends with the tests). */
    public static final EventLoopGroup GROUP =
            new MultiThreadIoEventLoopGroup(2, new DefaultThreadFactory("nbd-test", true), EpollIoHandler.newFactory());

    public final NbdExports exports = new NbdExports();
    public final Path socket;
    public final NbdServer server;

    private TestServer(Path dir, BlockTarget... targets) {
        for (BlockTarget t : targets) {
            exports.add(t);
        }
        socket = dir.resolve("nbd.sock");
        server = NbdServer.start(GROUP, exports, socket, null);
    }

    public static TestServer start(Path dir, BlockTarget... targets) {
        return new TestServer(dir, targets);
    }

    public String uri(String export) {
        return "nbd+unix:///" + export + "?socket=" + socket;
    }

    public RawNbdClient connect() throws IOException {
        return RawNbdClient.connect(UnixDomainSocketAddress.of(socket));
    }

    /** A client in the transmission phase of {@code export}. */
    public RawNbdClient open(String export, boolean structured, boolean baseAllocation) throws IOException {
        RawNbdClient c = connect().handshake();
        c.go(export, structured, baseAllocation);
        return c;
    }

    @Override
    public void close() {
        server.close();
    }
}
