package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.wire.message.Reply;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rssrv's per-source limit on connections that have not logged in ({@code max_pending_logins},
 * docs/CONFIG.md): a host opening many idle connections gets the excess closed at once, with one
 * log line however many; other addresses and logged-in connections are not affected; the idle
 * ones are closed after {@code login_timeout}, and then the source may connect again.
 */
class LoginLimitTest {
    static final int LIMIT = 8;

    @TempDir
    Path dir;

    @Test
    void idleConnectionsBeyondThePerSourceLimitAreClosedAndLegitClientsStillLogIn() throws Exception {
        try (TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", 8)
                .withServerSettings("max_pending_logins = " + LIMIT + "\nlogin_timeout = 6s")) {
            cluster.startServer();
            List<Socket> flood = new ArrayList<>();
            List<RawRsioClient> clients = new ArrayList<>();
            try {
                InetAddress attacker = InetAddress.getByName("127.0.0.2");
                for (int i = 0; i < 40; i++) {
                    flood.add(connect(attacker, cluster.port));
                }
                long start = System.nanoTime();
                long closed = flood.stream().filter(LoginLimitTest::closedSoon).count();
                assertEquals(40 - LIMIT, closed, "connections over the limit closed at once");
                assertTrue((System.nanoTime() - start) / 1e9 < 2 + 40 * 0.3, "closed without waiting for a timeout");
                // The flooding source stays refused while its idle connections hold their places.
                try (Socket more = connect(attacker, cluster.port)) {
                    assertTrue(closedSoon(more));
                }

                // Another source, and logged-in connections, are not limited by the flood.
                InetAddress other = InetAddress.getByName("127.0.0.3");
                for (int i = 0; i < LIMIT + 4; i++) {
                    RawRsioClient c = RawRsioClient.connect(other, cluster.port);
                    clients.add(c);
                    assertInstanceOf(Reply.AuthAccepted.class, c.login(200, "big-2", "0xbig2"), "login " + i);
                }
                RawRsioClient legit = RawRsioClient.connect(InetAddress.getByName("127.0.0.1"), cluster.port);
                clients.add(legit);
                assertInstanceOf(Reply.AuthAccepted.class, legit.login(200, "big-2", "0xbig2"));
                assertInstanceOf(Reply.Opened.class, legit.open("oracle"));

                // It is welcome again once login_timeout has closed them.
                cluster.await("idle connections closed by login_timeout", Duration.ofSeconds(15),
                        () -> flood.stream().allMatch(LoginLimitTest::closedSoon));
                RawRsioClient late = RawRsioClient.connect(attacker, cluster.port);
                clients.add(late);
                assertInstanceOf(Reply.AuthAccepted.class, late.login(200, "big-2", "0xbig2"));

                String log = cluster.log("rssrv");
                long lines = log.lines().filter(l -> l.contains("too many not logged in from one address")).count();
                assertEquals(1, lines, "one rate-limited line for " + (40 - LIMIT + 1) + " refusals:\n" + log);
                assertTrue(log.contains("limit max_pending_logins = " + LIMIT), log);
                assertTrue(log.contains("not logged in within 6000 ms"), log);
            } finally {
                for (Socket s : flood) {
                    s.close();
                }
                for (RawRsioClient c : clients) {
                    c.abort();
                }
            }
        }
    }

    private static Socket connect(InetAddress local, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(local, 0));
        s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 5000);
        return s;
    }

    /** True when the server has closed the socket (EOF or reset) within 300 ms. */
    private static boolean closedSoon(Socket s) {
        try {
            s.setSoTimeout(300);
            return s.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }
}
