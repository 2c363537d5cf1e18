package io.rsio.nbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.block.LogCapture;
import io.rsio.block.MemoryBlockTarget;
import io.rsio.block.NettyLeakCheck;
import io.rsio.nbd.protocol.NbdCommand;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@Tag("io")
@ExtendWith(NettyLeakCheck.class)
class NbdServerTest {
    @TempDir
    Path dir;

    private static NbdExports exports(MemoryBlockTarget... targets) {
        NbdExports e = new NbdExports();
        for (MemoryBlockTarget t : targets) {
            e.add(t);
        }
        return e;
    }

    @Test
    void tcpListensOnLoopbackOnly() {
        NbdExports e = exports(new MemoryBlockTarget("vol", 1 << 20));
        assertThrows(IllegalArgumentException.class,
                () -> NbdServer.start(TestServer.GROUP, e, null, new InetSocketAddress("0.0.0.0", 0)));
        assertThrows(IllegalArgumentException.class,
                () -> NbdServer.start(TestServer.GROUP, e, null, InetSocketAddress.createUnresolved("localhost", 10809)));
        assertThrows(IllegalArgumentException.class, () -> NbdServer.start(TestServer.GROUP, e, null, null));
    }

    @Test
    void servesOverLoopbackTcpAndUnixAtOnce() throws Exception {
        MemoryBlockTarget vol = new MemoryBlockTarget("vol", 1 << 20);
        Path socket = dir.resolve("vol.sock");
        try (NbdServer server = NbdServer.start(TestServer.GROUP, exports(vol), socket,
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            InetSocketAddress tcp = server.tcpAddress().orElseThrow();
            assertTrue(tcp.getPort() > 0);
            try (RawNbdClient a = RawNbdClient.connect(tcp).handshake();
                    RawNbdClient b = RawNbdClient.connect(UnixDomainSocketAddress.of(socket)).handshake()) {
                a.go("vol", true, false);
                b.go("", true, false);
                a.sendRequest(0, NbdCommand.WRITE.value(), 1, 0, 512, new byte[512]);
                b.sendRequest(0, NbdCommand.READ.value(), 2, 0, 512, null);
                assertEquals(1, a.readReply().cookie());
                assertEquals(2, b.readReply().cookie());
                assertEquals(2, server.connections());
            }
        }
    }

    @Test
    void closeDropsClientsAndDeletesTheSocketFile() throws Exception {
        Path socket = dir.resolve("vol.sock");
        NbdServer server = NbdServer.start(TestServer.GROUP, exports(new MemoryBlockTarget("vol", 1 << 20)), socket, null);
        assertTrue(Files.exists(socket));
        try (RawNbdClient c = RawNbdClient.connect(UnixDomainSocketAddress.of(socket)).handshake()) {
            c.go("vol", true, false);
            server.close();
            assertTrue(c.closedByServer(RawNbdClient.TIMEOUT));
        }
        assertFalse(Files.exists(socket));
        server.close(); // idempotent
    }

    @Test
    void staleSocketFileIsReplacedButALiveOneIsNot() throws Exception {
        Path socket = dir.resolve("vol.sock");
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket)); // closing leaves the file behind, like a crash
        }
        assertTrue(Files.exists(socket));
        NbdExports e = exports(new MemoryBlockTarget("vol", 1 << 20));
        try (NbdServer server = NbdServer.start(TestServer.GROUP, e, socket, null)) {
            assertEquals(socket, server.unixSocket().orElseThrow());
            assertThrows(IllegalStateException.class, () -> NbdServer.start(TestServer.GROUP, e, socket, null));
            try (RawNbdClient c = RawNbdClient.connect(UnixDomainSocketAddress.of(socket)).handshake()) {
                assertEquals(1 << 20, c.go("vol", false, false).size(), "the first server still serves");
            }
        }
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertThrows(IllegalArgumentException.class, () -> NbdServer.start(TestServer.GROUP, e, file, null));
    }

    @Test
    void oneInfoLineWhenAClientAttachesAndOneWhenItLeavesNothingPerIo() throws Exception {
        try (TestServer server = TestServer.start(dir, new MemoryBlockTarget("vol", 1 << 20));
                LogCapture log = LogCapture.of("io.rsio.nbd", Level.INFO)) {
            try (RawNbdClient c = server.open("vol", true, false)) {
                for (int i = 0; i < 50; i++) {
                    c.sendRequest(0, NbdCommand.READ.value(), i, 0, 4096, null);
                    c.readReply();
                }
                c.sendRequest(0, NbdCommand.DISC.value(), 99, 0, 0, null);
                assertTrue(c.closedByServer(RawNbdClient.TIMEOUT));
            }
            long deadline = System.nanoTime() + RawNbdClient.TIMEOUT.toNanos();
            while (log.messages(Level.INFO).size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            List<String> info = log.messages(Level.INFO);
            assertEquals(2, info.size(), info::toString);
            assertTrue(info.get(0).contains("attached to export 'vol'"), info.get(0));
            assertTrue(info.get(1).contains("detached from export 'vol'") && info.get(1).contains("51 requests")
                    && info.get(1).contains("NBD_CMD_DISC"), info.get(1));
        }
    }
}
