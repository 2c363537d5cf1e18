package io.rsio.crsio;

import io.rsio.config.ServerConfig;
import io.rsio.server.RsioServer;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

/** A real rssrv (in this JVM) on a loopback address with one 8 MiB volume. */
final class TestServer implements AutoCloseable {
    final RsioServer server;

    TestServer(Path dir, String namespace, int namespaceId, String serverName, String address, int port,
               String clients) throws Exception {
        String text = """
                [namespace %s]
                namespaceid = %d
                port        = %d

                [server %s]
                serverid  = 1

                [interface if1]
                address = %s

                [clients]
                %s

                [volume oracle]
                path = %s
                size = 8M
                """.formatted(namespace, namespaceId, port, serverName, address, clients,
                dir.resolve(serverName + ".img"));
        server = RsioServer.start(ServerConfig.parse(dir.resolve(serverName + ".cfg"), text));
    }

    /**
     * The test server of a test that attaches volumes as kernel devices: skipped (JUnit
     * assumption) without root, /dev/fuse and loop devices.
     */
    static TestServer forAttach(Path dir, int port) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(io.rsio.nativeio.Posix.geteuid() == 0, "attach needs root");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(Path.of("/dev/fuse"))
                && java.nio.file.Files.exists(Path.of("/dev/loop-control")), "attach needs /dev/fuse and loop devices");
        return new TestServer(dir, "osl", 200, "big-9", "127.0.0.1", port, "big-2 0xright");
    }

    static int freePort() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            try (DatagramSocket u = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
                return port;
            } catch (IOException taken) {
                // another
            }
        }
        throw new IOException("no free port");
    }

    @Override
    public void close() {
        server.close();
    }

    /** A client config with one interface and this test's namespace osl on 127.0.0.1 (node big-2, key 0xright). */
    static void writeClientConfig(Path config, int port) throws java.io.IOException {
        writeClientConfig(config, port, 200, "0xright", "127.0.0.1");
    }

    /**
     * A client config with the interface 127.0.0.1 (rsiod binds only addresses the host has) and
     * the namespace osl of id {@code namespaceId}, logging in as big-2 with {@code key} to one
     * server at {@code serverAddress}.
     */
    static void writeClientConfig(Path config, int port, int namespaceId, String key, String serverAddress)
            throws java.io.IOException {
        java.nio.file.Files.createDirectories(config.getParent());
        java.nio.file.Files.writeString(config, """
                [defaults]
                port = %d
                ping_interval = 200ms

                [interface if0]
                address = 127.0.0.1

                [namespace osl]
                namespaceid = %d
                nodename = big-2
                nodekey = %s

                [server big-9-1]
                address = %s
                """.formatted(port, namespaceId, key, serverAddress));
    }
}
