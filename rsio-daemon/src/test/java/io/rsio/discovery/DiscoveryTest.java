package io.rsio.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.wire.discovery.DiscoveryCodec;
import io.rsio.wire.discovery.DiscoveryMessage;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real rssrv instances in two namespaces on 127.0.0.1 and 127.0.0.2, found by a real broadcast
 * on the loopback network (Linux delivers 127.255.255.255 on lo) and by unicast.
 */
@Timeout(60)
class DiscoveryTest {
    @TempDir
    static Path dir;
    static int port;
    static LocalServer osl;
    static LocalServer abc;
    static LocalServer silent;

    @BeforeAll
    static void start() throws Exception {
        port = LocalServer.freePort();
        osl = new LocalServer(dir, "osl", 200, "big-9", "127.0.0.1", port, "big-2 0xkey", true);
        abc = new LocalServer(dir, "abc", 300, "venus", "127.0.0.2", port, "big-2 0xkey", true);
        silent = new LocalServer(dir, "quiet", 400, "mute", "127.0.0.3", port, "big-2 0xkey", false);
    }

    @AfterAll
    static void stop() {
        for (LocalServer s : new LocalServer[] {osl, abc, silent}) {
            if (s != null) {
                s.close();
            }
        }
    }

    @Test
    void aBroadcastFindsBothNamespacesButNotTheServerThatOptedOut() throws Exception {
        DiscoveryClient.Result r = new DiscoveryClient(Duration.ofMillis(500))
                .discover(new DiscoveryClient.Targets(List.of("127.0.0.1"), List.of(), port), OptionalInt.empty());
        assertEquals(List.of("abc (id 300)", "osl (id 200)"),
                r.namespaces().stream().map(FoundServer::namespaceLabel).toList(), r.toString());
        FoundServer big9 = r.servers().stream().filter(s -> s.serverName().equals("big-9")).findFirst().orElseThrow();
        assertEquals(1, big9.serverId());
        assertEquals(List.of(new DiscoveryMessage.ServerInterface("127.0.0.1", port, "tcp", 65536, 0)), big9.interfaces());
        assertEquals("127.0.0.1", big9.answeredFrom());
        FoundServer venus = r.servers().stream().filter(s -> s.serverName().equals("venus")).findFirst().orElseThrow();
        assertEquals("127.0.0.2", venus.answeredFrom(), "answers leave from the server's interface address");
    }

    @Test
    void aNamespaceFilterAsksOnlyThatNamespace() throws Exception {
        DiscoveryClient.Result r = new DiscoveryClient(Duration.ofMillis(400))
                .discover(new DiscoveryClient.Targets(List.of("127.0.0.1"), List.of(), port), OptionalInt.of(300));
        assertEquals(List.of("venus"), r.servers().stream().map(FoundServer::serverName).toList());
    }

    @Test
    void unicastAsksOneAddress() throws Exception {
        DiscoveryClient.Result r = new DiscoveryClient(Duration.ofMillis(400))
                .discover(new DiscoveryClient.Targets(List.of(), List.of("127.0.0.2"), port), OptionalInt.empty());
        assertEquals(List.of("venus"), r.servers().stream().map(FoundServer::serverName).toList());
        DiscoveryClient.Result none = new DiscoveryClient(Duration.ofMillis(300))
                .discover(new DiscoveryClient.Targets(List.of(), List.of("127.0.0.3"), port), OptionalInt.empty());
        assertEquals(List.of(), none.servers(), "discovery = no: silent");
    }

    @Test
    void aFloodIsNeitherAmplifiedNorAnsweredBeyondTheRateLimit() throws Exception {
        long answeredBefore = osl.server.discovery().orElseThrow().answered();
        byte[] request = DiscoveryCodec.encodeDiscover(DiscoveryMessage.Discover.of(9, OptionalInt.empty()));
        byte[] garbage = new byte[40];
        int received = 0;
        long receivedBytes = 0;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.5", 0))) {
            InetSocketAddress target = new InetSocketAddress("127.0.0.1", port);
            long start = System.nanoTime();
            for (int i = 0; i < 2000; i++) {
                s.send(new DatagramPacket(request, request.length, target));
                s.send(new DatagramPacket(garbage, garbage.length, target));
            }
            long seconds = Math.max(1, (System.nanoTime() - start) / 1_000_000_000 + 1);
            s.setSoTimeout(300);
            byte[] buffer = new byte[2048];
            while (received < 4000) {
                DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                try {
                    s.receive(p);
                } catch (SocketTimeoutException e) {
                    break;
                }
                received++;
                receivedBytes += p.getLength();
                assertTrue(p.getLength() <= request.length, "answer of " + p.getLength() + " bytes");
            }
            // burst 5 + 2 per second per source
            assertTrue(received >= 1 && received <= 5 + 2 * (seconds + 1), received + " answers in " + seconds + " s");
            assertTrue(receivedBytes < 2000L * request.length / 100, "no amplification: " + receivedBytes);
        }
        // Another source is still answered at once: the flood from one source did not silence the server.
        DiscoveryClient.Result r = new DiscoveryClient(Duration.ofMillis(400))
                .discover(new DiscoveryClient.Targets(List.of(), List.of("127.0.0.1"), port), OptionalInt.empty());
        assertEquals(List.of("big-9"), r.servers().stream().map(FoundServer::serverName).toList());
        assertTrue(osl.server.discovery().orElseThrow().answered() - answeredBefore <= 20);
    }
}
