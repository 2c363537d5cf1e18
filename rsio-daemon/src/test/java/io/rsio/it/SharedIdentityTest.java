package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two rsiods with one node name and key (two hosts sharing an identity; here both bound to
 * 127.0.0.1, since rsiod only uses addresses configured on the host and the test must not add
 * any), logged in to one real rssrv: the server tells them apart by their instance, logs the
 * second login, both clients show it in rsconfig -qv and in their metrics, and it goes away
 * when the second stops. One rsiod's several paths are one instance and never reported.
 */
class SharedIdentityTest {
    static final String KEY = "0123456789abcdef0123456789abcdef";
    static final Duration LIMIT = Duration.ofSeconds(20);
    static final String SHOWN = "SHARED IDENTITY: 1 other rsiod(s) logged in here as big-2 (another host has this "
            + "node name and key)";
    @TempDir
    Path dir;

    @Test
    void aSecondHostWithTheSameIdentityIsLoggedAndShownOnBothClients() throws Exception {
        int serverMetrics = TestCluster.freePort();
        int secondMetrics = TestCluster.freePort();
        try (TestCluster first = new TestCluster(Files.createDirectories(dir.resolve("first")))
                .writeServerConfig("big-2 " + KEY, 8).withServerSettings("metrics = " + serverMetrics)
                .writeClientConfig("big-2", KEY);
             TestCluster second = new TestCluster(Files.createDirectories(dir.resolve("second")))) {
            Files.writeString(second.clientConfig, Files.readString(first.clientConfig)
                    .replace("[defaults]\n", "[defaults]\nmetrics = " + secondMetrics + "\n"));
            first.startServer();
            first.startClient();
            first.await("first client connected", LIMIT, () -> first.statusShows("connected tx: ok"));
            assertFalse(first.rsconfig("-qv").stdout().contains("SHARED IDENTITY"), "one rsiod: nothing to say");
            assertFalse(first.log("rssrv").contains("as another rsiod"));

            second.startClient();
            second.await("second client connected", LIMIT, () -> second.statusShows("connected tx: ok"));
            first.await("the server logs the second login", LIMIT, () -> logOf(first, "rssrv").matches(
                    "(?s).*client big-2 logged in from 127\\.0\\.0\\.1 as another rsiod \\(instance [0-9a-f-]{36}\\) "
                            + "while one with the same node name is logged in from 127\\.0\\.0\\.1: two hosts share "
                            + "one node name and key.*"));
            first.await("both clients show it", LIMIT, () -> queryShows(first) && queryShows(second));
            assertTrue(logOf(first, "rsiod").contains("sees 1 other rsiod(s) logged in with node name big-2"));
            assertTrue(logOf(second, "rsiod").contains("sees 1 other rsiod(s) logged in with node name big-2"));
            assertEquals(1, MetricsScrape.of(serverMetrics).require("rssrv_shared_identities"));
            assertEquals(2, MetricsScrape.of(serverMetrics).require("rssrv_sessions"));
            assertEquals(1, MetricsScrape.of(secondMetrics).require("rsiod_server_other_instances", "server", "big-9"));

            second.stopClientGracefully();
            first.await("the first client no longer shows it", LIMIT, () -> !queryShows(first));
            assertEquals(0, MetricsScrape.of(serverMetrics).require("rssrv_shared_identities"));
        }
    }

    private static boolean queryShows(TestCluster cluster) {
        try {
            return cluster.rsconfig("-qv").stdout().contains(SHOWN);
        } catch (Exception e) {
            return false;
        }
    }

    private static String logOf(TestCluster cluster, String daemon) {
        try {
            return cluster.log(daemon);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
