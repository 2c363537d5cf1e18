package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Wrong keys and unknown clients are refused, say so clearly, and never log the key. */
class LoginRefusalTest {
    @TempDir
    Path dir;

    @Test
    void wrongKeyIsRefusedAndLoggedWithoutTheKey() throws Exception {
        try (TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xrightkey42", 16)
                .writeClientConfig("big-2", "0xwrongkey17")) {
            cluster.startServer();
            cluster.startClient();
            cluster.await("refusal in status", Duration.ofSeconds(20),
                    () -> cluster.statusShows("login refused: authentication failed"));
            cluster.await("refusal in the server log", Duration.ofSeconds(5),
                    () -> logContains(cluster, "rssrv", "wrong key for client big-2 from 127.0.0.1"));
            assertNoKeys(cluster, "0xrightkey42", "0xwrongkey17");
            String status = cluster.rsconfig("-m", "status").stdout();
            assertFalse(status.contains("connected tx: ok"), status);
        }
    }

    @Test
    void unknownClientIsRefusedAndNamedInTheServerLog() throws Exception {
        try (TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", 16)
                .writeClientConfig("intruder", "0xguess")) {
            cluster.startServer();
            cluster.startClient();
            cluster.await("refusal in status", Duration.ofSeconds(20),
                    () -> cluster.statusShows("login refused: authentication failed"));
            cluster.await("refusal in the server log", Duration.ofSeconds(5),
                    () -> logContains(cluster, "rssrv", "unknown client intruder from 127.0.0.1"));
            assertNoKeys(cluster, "0xbig2", "0xguess");
        }
    }

    @Test
    void volumeOutsideTheClientsAccessListIsNeitherListedNorOpened() throws Exception {
        try (TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2\nvenus 0xvenus", 16, "big-2")
                .writeClientConfig("venus", "0xvenus")) {
            cluster.startServer();
            cluster.startClient();
            cluster.await("connected", Duration.ofSeconds(20), () -> cluster.statusShows("connected tx: ok"));
            String query = cluster.rsconfig("-q").stdout();
            assertTrue(query.contains(" S10_oracle "), query);
            assertFalse(query.contains(" oracle "), query);
            assertFalse(java.nio.file.Files.exists(cluster.nbdSocket("oracle")), "no export for a volume not shared");
        }
    }

    private static boolean logContains(TestCluster cluster, String daemon, String text) {
        try {
            return cluster.log(daemon).contains(text);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static void assertNoKeys(TestCluster cluster, String... keys) throws Exception {
        for (String daemon : new String[] {"rssrv", "rsiod"}) {
            String log = cluster.log(daemon);
            for (String key : keys) {
                assertFalse(log.contains(key), daemon + " log contains a key");
            }
        }
    }
}
