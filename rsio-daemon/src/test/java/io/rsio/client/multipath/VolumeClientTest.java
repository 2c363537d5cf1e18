package io.rsio.client.multipath;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.rsio.block.BlockException;
import io.rsio.block.BlockFuture;
import io.rsio.block.Errno;
import io.rsio.common.Transport;
import io.rsio.config.ClientConfig;
import io.rsio.config.ServerConfig;
import io.rsio.server.RsioServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multipath layer on its own: a {@link NamespaceClient} with real {@link RsioPath}s over
 * loopback to rssrv run in this JVM ({@link RsioServer} on a file volume), without rsiod or a
 * front end. Chunking over paths, the no-path queue and nopath_timeout, seen from the
 * {@link VolumeClient} a front end holds.
 */
class VolumeClientTest {
    private static final String KEY = "0xbig2";
    private static final int VOLUME_MIB = 4;

    @TempDir
    Path dir;

    private final Transport transport = Transport.best();
    private final EventLoopGroup group = transport.newGroup(2, "vc-test-io");
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final List<RsioServer> servers = new ArrayList<>();
    private final List<VolumeClient> volumes = new CopyOnWriteArrayList<>();
    private NamespaceClient namespace;

    @AfterEach
    void stop() {
        if (namespace != null) {
            namespace.stop();
        }
        servers.forEach(RsioServer::close);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
        timer.shutdownNow();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** An rssrv of namespace osl with server id {@code id} exporting the shared volume file. */
    private ServerConfig serverConfig(String name, int id, int port) throws Exception {
        Path file = dir.resolve(name + ".rssrvcfg");
        Files.writeString(file, """
                [namespace osl]
                namespaceid = 200
                protocol    = tcp
                port        = %d

                [server %s]
                serverid = %d

                [interface if1]
                address     = 127.0.0.1

                [clients]
                big-2 %s

                [volume oracle]
                path   = %s
                size   = %dM
                device = av0
                """.formatted(port, name, id, KEY, dir.resolve("oracle.img"), VOLUME_MIB));
        return ServerConfig.load(file);
    }

    private RsioServer startServer(ServerConfig config) throws IOException {
        RsioServer server = RsioServer.start(config);
        servers.add(server);
        return server;
    }

    private void connect(ClientConfig.MultipathSettings settings, int... ports) {
        ClientConfig.Interface if0 = new ClientConfig.Interface("if0", "127.0.0.1", "tcp", 0);
        List<PathSpec> specs = new ArrayList<>();
        for (int i = 0; i < ports.length; i++) {
            specs.add(new PathSpec("osl", 0, if0, i, new ClientConfig.Server("srv" + i, "127.0.0.1", "tcp", ports[i])));
        }
        NamespaceLogin login = new NamespaceLogin("osl", 200, "big-2", KEY, settings);
        namespace = new NamespaceClient(login, specs, transport, group, timer, volumes::add);
        namespace.start();
    }

    private static ClientConfig.MultipathSettings settings(String policy, int chunkSize, Duration nopathTimeout) {
        ClientConfig.MultipathSettings d = ClientConfig.MultipathSettings.BUILT_IN;
        return new ClientConfig.MultipathSettings(policy, d.pingInterval(), d.pathTimeout(), nopathTimeout, chunkSize,
                Duration.ofMillis(200), d.dataDigest());
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private VolumeClient volume() {
        return volumes.getFirst();
    }

    private static byte[] random(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    private static byte[] read(VolumeClient v, long offset, int length) throws Exception {
        ByteBuf buf = v.read(offset, length).get(20, TimeUnit.SECONDS);
        try {
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }

    @Test
    void aLargeWriteIsCutIntoChunksThatTravelOnEveryPath() throws Exception {
        int a = freePort();
        int b = freePort();
        startServer(serverConfig("srv-a", 1, a));
        startServer(serverConfig("srv-b", 2, b));
        connect(settings("roundrobin", 64 * 1024, Duration.ofSeconds(10)), a, b);
        await("one volume over two ready paths", () -> !volumes.isEmpty() && volume().readyPaths() == 2);
        assertEquals(1, volumes.size(), "the same volume identity on two servers is one volume");

        byte[] data = random(1 << 20, 1);
        volume().write(4096, Unpooled.wrappedBuffer(data), false).get(20, TimeUnit.SECONDS);
        volume().flush().get(20, TimeUnit.SECONDS);

        for (RsioPath path : namespace.paths()) {
            long written = path.stats().writeBytes();
            assertTrue(written > 0 && written < data.length, path.spec().describe() + " wrote " + written + " bytes");
            assertEquals(0, written % (64 * 1024), "whole chunks");
        }
        assertEquals(data.length, volume().stats().writeBytes());
        assertArrayEquals(data, read(volume(), 4096, data.length));
    }

    @Test
    void withoutAPathRequestsWaitAndGoOutWhenOneComesBack() throws Exception {
        int port = freePort();
        ServerConfig config = serverConfig("srv-a", 1, port);
        RsioServer server = startServer(config);
        connect(settings("adaptive", 256 * 1024, Duration.ofSeconds(30)), port);
        await("a ready path", () -> !volumes.isEmpty() && volume().readyPaths() == 1);

        server.close();
        servers.remove(server);
        await("the path seen down", () -> volume().readyPaths() == 0);
        byte[] data = random(300 * 1024, 2);
        CompletableFuture<Void> write = volume().write(0, Unpooled.wrappedBuffer(data), true);
        Thread.sleep(300);
        assertFalse(write.isDone(), "a write without a path waits for one");

        startServer(config);
        write.get(20, TimeUnit.SECONDS);
        assertArrayEquals(data, read(volume(), 0, data.length));
    }

    @Test
    void aRequestWithoutAPathForNopathTimeoutFailsWithEio() throws Exception {
        int port = freePort();
        RsioServer server = startServer(serverConfig("srv-a", 1, port));
        connect(settings("adaptive", 256 * 1024, Duration.ofMillis(500)), port);
        await("a ready path", () -> !volumes.isEmpty() && volume().readyPaths() == 1);

        server.close();
        servers.remove(server);
        await("the path seen down", () -> volume().readyPaths() == 0);
        long errorsBefore = volume().stats().errors();
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> volume().read(0, 4096).get(20, TimeUnit.SECONDS));
        BlockException failure = assertInstanceOf(BlockException.class, e.getCause());
        assertEquals(Errno.EIO, failure.errno());
        assertTrue(failure.getMessage().startsWith("no path to volume osl:oracle"), failure.getMessage());
        assertEquals(errorsBefore + 1, volume().stats().errors());
    }

    @Test
    void aFrontEndsCompletionGetsItsDataOrItsFailureWithoutAFuture() throws Exception {
        int port = freePort();
        RsioServer server = startServer(serverConfig("srv-a", 1, port));
        connect(settings("adaptive", 64 * 1024, Duration.ofMillis(500)), port);
        await("a ready path", () -> !volumes.isEmpty() && volume().readyPaths() == 1);

        byte[] data = random(192 * 1024, 3);
        BlockFuture written = new BlockFuture(); // three chunks: the split path
        volume().write(8192, Unpooled.wrappedBuffer(data), false, written);
        written.get(20, TimeUnit.SECONDS);
        for (int length : new int[] {8192, 64 * 1024, 192 * 1024}) { // one request, one chunk, three chunks
            BlockFuture read = new BlockFuture();
            volume().read(8192, length, read);
            ByteBuf back = read.get(20, TimeUnit.SECONDS);
            try {
                assertArrayEquals(java.util.Arrays.copyOf(data, length), ByteBufUtil.getBytes(back));
            } finally {
                back.release();
            }
        }

        server.close();
        servers.remove(server);
        await("the path seen down", () -> volume().readyPaths() == 0);
        BlockFuture lost = new BlockFuture();
        volume().read(0, 8192, lost);
        ExecutionException e = assertThrows(ExecutionException.class, () -> lost.get(20, TimeUnit.SECONDS));
        BlockException failure = assertInstanceOf(BlockException.class, e.getCause());
        assertEquals(Errno.EIO, failure.errno());
        assertTrue(failure.getMessage().startsWith("no path to volume osl:oracle"), failure.getMessage());
    }
}
