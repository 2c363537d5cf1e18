package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.block.Errno;
import io.rsio.wire.Opcode;
import io.rsio.wire.message.Reply;
import java.io.EOFException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attacks on the node-key login (docs/PROTOCOL.md §3.3): guessing names and keys, replaying a
 * recorded login, splicing one through a relay, and a server posing as one of the namespace.
 * Each is refused and logged — by name and address, never with a key.
 */
class AuthAttackTest {
    static final String DEFAULTS = "ping_interval = 200ms\npath_timeout = 2s\nreconnect_max = 500ms";

    @TempDir
    Path dir;

    private record Attempt(Reply answer, long millis) {}

    private static Attempt attempt(int port, int namespace, String node, String key) throws Exception {
        try (RawRsioClient c = RawRsioClient.connect(port)) {
            long start = System.nanoTime();
            Reply answer = c.login(namespace, node, key);
            long millis = (System.nanoTime() - start) / 1_000_000;
            return new Attempt(answer, millis);
        }
    }

    @Test
    void unknownNodeWrongKeyAndForeignNamespaceLookAlikeOnTheWireButNotInTheLog() throws Exception {
        try (TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xsecret-of-big2", 8)) {
            cluster.startServer();
            List<Attempt> attempts = List.of(
                    attempt(cluster.port, 200, "nobody", "0xguess-one"),
                    attempt(cluster.port, 200, "big-2", "0xguess-two"),
                    attempt(cluster.port, 201, "big-2", "0xsecret-of-big2"));
            for (Attempt a : attempts) {
                Reply.Failure f = assertInstanceOf(Reply.Failure.class, a.answer());
                assertEquals(Opcode.AUTH_PROOF, f.opcode());
                assertEquals(Errno.EACCES, f.status());
                assertEquals("authentication failed: unknown node name or wrong node key", f.reason());
                assertTrue(a.millis() >= 150, "refused after " + a.millis() + " ms: no pause against guessing");
            }
            cluster.await("three refusals logged", Duration.ofSeconds(5),
                    () -> ClientCrashTest.count(logOf(cluster, "rssrv"), "login refused") >= 3);
            String log = cluster.log("rssrv");
            assertTrue(log.contains("login refused: unknown client nobody from 127.0.0.1"), log);
            assertTrue(log.contains("login refused: wrong key for client big-2 from 127.0.0.1"), log);
            assertTrue(log.contains("login refused: client big-2 from 127.0.0.1 asked for namespace id 201"), log);
            for (String key : List.of("secret-of-big2", "guess-one", "guess-two")) {
                assertFalse(log.contains(key), "a key in the log");
            }
        }
    }

    /**
     * A relay records a real rsiod's login; the recording, replayed to rssrv word for word,
     * meets a fresh server nonce: refused, and nothing about volumes is revealed.
     */
    @Test
    void aRecordedLoginReplayedToTheServerIsRefused() throws Exception {
        try (TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", 8);
             RecordingProxy relay = new RecordingProxy(cluster.port, InetAddress.getLoopbackAddress())) {
            cluster.writeClientConfig("big-2", "0xbig2", DEFAULTS, List.of(relay.port()));
            cluster.startServer();
            cluster.startClient();
            cluster.await("logged in through the relay", Duration.ofSeconds(20),
                    () -> cluster.statusShows("connected tx: ok"));
            byte[] recorded = relay.clientBytes(0);
            List<Reply> replies = new ArrayList<>();
            try (RawRsioClient replay = RawRsioClient.connect(cluster.port)) {
                replay.sendRaw(recorded);
                assertInstanceOf(Reply.HelloReply.class, replay.receive(Duration.ofSeconds(5)));
                try {
                    while (true) {
                        replies.add(replay.receive(Duration.ofSeconds(5)));
                    }
                } catch (EOFException closed) {
                    // rssrv closes after refusing
                }
            }
            assertInstanceOf(Reply.AuthChallenge.class, replies.getFirst());
            assertTrue(replies.stream().anyMatch(r -> r instanceof Reply.Failure f && f.opcode() == Opcode.AUTH_PROOF
                    && f.status() == Errno.EACCES), replies.toString());
            for (Reply r : replies) {
                assertFalse(r instanceof Reply.AuthAccepted || r instanceof Reply.VolumeList
                        || r instanceof Reply.Opened || r instanceof Reply.ReadData, "the replay got " + r);
            }
            String log = cluster.log("rssrv");
            assertEquals(1, ClientCrashTest.count(log, "client big-2 logged in from 127.0.0.1"),
                    "only the real rsiod logged in:\n" + log);
            assertTrue(log.contains("login refused: wrong key for client big-2 from 127.0.0.1"), log);
            assertFalse(log.contains("0xbig2"));
        }
    }

    /**
     * A relay that re-originates the connection from another address (127.0.0.2) and passes
     * every byte unchanged: both ends prove over the addresses they see, so the spliced login
     * fails on both sides.
     */
    @Test
    void aLoginSplicedThroughARelayOnAnotherAddressIsRefused() throws Exception {
        try (TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", 8);
             RecordingProxy relay = new RecordingProxy(cluster.port, InetAddress.getByName("127.0.0.2"))) {
            cluster.writeClientConfig("big-2", "0xbig2", DEFAULTS, List.of(relay.port()));
            cluster.startServer();
            cluster.startClient();
            cluster.await("refused", Duration.ofSeconds(20),
                    () -> cluster.statusShows("login refused: authentication failed"));
            cluster.await("logged", Duration.ofSeconds(5), () -> logOf(cluster, "rssrv")
                    .contains("login refused: wrong key for client big-2 from 127.0.0.2"));
            assertFalse(cluster.log("rssrv").contains("logged in"), cluster.log("rssrv"));
            assertFalse(Files.exists(cluster.nbdSocket("oracle")));
        }
    }

    /**
     * A server that answers AUTH_START — as a stranger, or claiming to be the namespace's real
     * server — but does not know the node key: rsiod refuses it before sending anything that
     * touches data, and says why.
     */
    @ParameterizedTest
    @CsvSource({"99, evil-99", "1, big-9"})
    void aServerThatCannotProveTheKeyIsRefusedAndGetsNoData(int serverId, String serverName) throws Exception {
        try (FakeRsioServer impostor = new FakeRsioServer(FakeRsioServer.Mode.IMPOSTOR, 200, serverId, serverName,
                null, List.of(FakeRsioServer.volumeLikeRssrv(200, "oracle", 8 << 20)));
             TestCluster cluster = new TestCluster(dir)) {
            cluster.writeClientConfig("big-2", "0xbig2", DEFAULTS, List.of(impostor.port()));
            cluster.startClient();
            cluster.await("refusal", Duration.ofSeconds(20), () -> logOf(cluster, "rsiod").contains(
                    "server " + serverName + " could not prove it knows this node's key (impostor?)"));
            cluster.await("the reason in rsconfig -m status", Duration.ofSeconds(10),
                    () -> cluster.statusShows("could not prove"));
            assertTrue(impostor.received.contains(Opcode.AUTH_PROOF));
            assertTrue(impostor.received.stream().noneMatch(FakeRsioServer::touchesData),
                    "rsiod sent " + impostor.received + " to a server that did not prove itself");
            assertFalse(Files.exists(cluster.nbdSocket("oracle")));
            assertFalse(cluster.log("rsiod").contains("0xbig2"));
        }
    }

    private static String logOf(TestCluster cluster, String daemon) {
        try {
            return cluster.log(daemon);
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
