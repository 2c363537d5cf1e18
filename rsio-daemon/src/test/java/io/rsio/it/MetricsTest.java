package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real rssrv and rsiod on loopback, each with its metrics endpoint on; after real I/O through
 * the NBD export, both are scraped over HTTP, checked by Prometheus' own promtool, and the
 * values a user looks at are compared with what was done.
 */
class MetricsTest {
    static final int MIB = 1 << 20;
    @TempDir
    static Path dir;
    static TestCluster cluster;
    static int serverMetrics;
    static int clientMetrics;

    @BeforeAll
    static void start() throws Exception {
        serverMetrics = TestCluster.freePort();
        clientMetrics = TestCluster.freePort();
        cluster = new TestCluster(dir).writeServerConfig("big-2 0123456789abcdef0123456789abcdef", 64)
                .withServerSettings("metrics = 127.0.0.1:" + serverMetrics)
                .writeClientConfig("big-2", "0123456789abcdef0123456789abcdef");
        Files.writeString(cluster.clientConfig, Files.readString(cluster.clientConfig)
                .replace("[defaults]\n", "[defaults]\nmetrics = " + clientMetrics + "\n"));
        cluster.startServer();
        cluster.startClient();
        cluster.await("export socket", Duration.ofSeconds(20), () -> Files.exists(cluster.nbdSocket("oracle")));
        byte[] data = new byte[4 * MIB];
        new Random(7).nextBytes(data);
        try (NbdTestClient nbd = NbdTestClient.await(cluster.nbdSocket("oracle"), "oracle", Duration.ofSeconds(20))) {
            for (int i = 0; i < 4; i++) {
                nbd.write((long) i * MIB, java.util.Arrays.copyOfRange(data, i * MIB, (i + 1) * MIB), false)
                        .get(30, TimeUnit.SECONDS);
            }
            nbd.flush().get(30, TimeUnit.SECONDS);
            assertArrayEquals(java.util.Arrays.copyOf(data, MIB), nbd.read(0, MIB).get(30, TimeUnit.SECONDS));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    @Test
    void rsiodCountsWhatWasWrittenAndReadAndShowsThePathUp() throws Exception {
        MetricsScrape scrape = MetricsScrape.of(clientMetrics);
        String[] volume = {"namespace", "osl", "volume", "oracle"};
        assertEquals(4.0 * MIB, scrape.require("rsiod_volume_written_bytes_total", volume), scrape::text);
        assertEquals(1.0 * MIB, scrape.require("rsiod_volume_read_bytes_total", volume), scrape::text);
        assertEquals(64.0 * MIB, scrape.require("rsiod_volume_size_bytes", volume));
        assertEquals(1, scrape.require("rsiod_volume_ready_paths", volume));
        assertEquals(0, scrape.require("rsiod_volume_nospace", volume));
        String[] path = {"namespace", "osl", "interface", "if0", "server", "127.0.0.1:" + cluster.port};
        assertEquals(1, scrape.require("rsiod_path_up", path), scrape::text);
        assertEquals(1, scrape.require("rsiod_path_state", "state", "connected"));
        assertEquals(0, scrape.require("rsiod_path_state", "state", "down"));
        assertEquals(4.0 * MIB, scrape.require("rsiod_path_written_bytes_total", path));
        assertEquals(0, scrape.require("rsiod_path_failovers_total", path));
        // 4 MiB in chunks of the default 256 KiB: 16 writes, each with its latency recorded.
        assertEquals(16, scrape.require("rsiod_volume_writes_total", volume));
        assertEquals(16, scrape.require("rsiod_volume_io_latency_seconds_count", "volume", "oracle", "op", "write"));
        assertEquals(16, scrape.require("rsiod_volume_io_latency_seconds_bucket", "volume", "oracle", "op", "write",
                "le", "+Inf"));
        assertTrue(scrape.require("rsiod_volume_io_latency_seconds_count", "volume", "oracle", "op", "flush") >= 1);
    }

    @Test
    void rssrvCountsTheSameBytesAndTheLoggedInClient() throws Exception {
        MetricsScrape scrape = MetricsScrape.of(serverMetrics);
        assertEquals(4.0 * MIB, scrape.require("rssrv_volume_written_bytes_total", "volume", "oracle"), scrape::text);
        assertEquals(1.0 * MIB, scrape.require("rssrv_volume_read_bytes_total", "volume", "oracle"));
        assertEquals(0, scrape.require("rssrv_volume_written_bytes_total", "volume", "S10_oracle"));
        assertEquals(16, scrape.require("rssrv_volume_writes_total", "volume", "oracle"));
        assertEquals(16, scrape.require("rssrv_volume_io_latency_seconds_count", "volume", "oracle", "op", "write"));
        assertEquals(1, scrape.require("rssrv_sessions"));
        assertEquals(1, scrape.require("rssrv_clients"));
        assertEquals(2, scrape.require("rssrv_volumes"));
        assertEquals(1, scrape.require("rssrv_logins_total", "result", "accepted"));
        assertEquals(0, scrape.require("rssrv_logins_total", "result", "refused"));
        assertEquals(0, scrape.require("rssrv_volume_nospace", "volume", "oracle"));
        assertEquals(0, scrape.require("rssrv_read_pauses_total"), "4 MiB at one request at a time never throttle");
        assertEquals(0, scrape.require("rssrv_connections_throttled_total"));
    }

    /**
     * etc/grafana-rsio.json: every query is valid PromQL (promtool checks it as a recording
     * rule) and names only metrics the daemons serve.
     */
    @Test
    void theSampleDashboardQueriesParseAndUseOnlyServedMetrics() throws Exception {
        String dashboard = Files.readString(Path.of("").toAbsolutePath().getParent().resolve("etc/grafana-rsio.json"));
        java.util.List<String> queries = new java.util.ArrayList<>();
        java.util.regex.Matcher expr = java.util.regex.Pattern.compile("\"expr\": \"((?:[^\"\\\\]|\\\\.)*)\"")
                .matcher(dashboard);
        while (expr.find()) {
            queries.add(expr.group(1).replace("\\\"", "\"").replace("$__rate_interval", "1m"));
        }
        assertTrue(queries.size() >= 15, queries::toString);
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        for (int i = 0; i < queries.size(); i++) {
            rules.append("      - record: rsio:dashboard").append(i).append("\n        expr: '")
                    .append(queries.get(i).replace("'", "''")).append("'\n");
        }
        Path rulesFile = dir.resolve("dashboard-rules.yml");
        Files.writeString(rulesFile, rules);
        ProcessResult check = Commands.run(Duration.ofSeconds(30), java.util.Map.of(),
                java.util.List.of("promtool", "check", "rules", rulesFile.toString()));
        assertEquals(0, check.exitCode(), check::toString);

        String served = MetricsScrape.of(serverMetrics).text() + MetricsScrape.of(clientMetrics).text();
        java.util.regex.Matcher name = java.util.regex.Pattern.compile("\\b(rs(?:iod|srv)_[a-z_]+)").matcher(
                String.join("\n", queries));
        while (name.find()) {
            assertTrue(served.contains("\n" + name.group(1)), name.group(1) + " is not served");
        }
    }

    /** Prometheus with native histograms asks for protobuf first; the endpoint must answer it, not fail. */
    @Test
    void aScraperThatPrefersProtobufGetsIt() throws Exception {
        String accept = "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;"
                + "q=0.7,text/plain;version=0.0.4;q=0.3,*/*;q=0.1";
        for (int port : new int[] {serverMetrics, clientMetrics}) {
            try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
                java.net.http.HttpResponse<byte[]> response = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).header("Accept", accept)
                        .timeout(Duration.ofSeconds(10)).build(), java.net.http.HttpResponse.BodyHandlers.ofByteArray());
                assertEquals(200, response.statusCode(), () -> new String(response.body()));
                assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith(
                        "application/vnd.google.protobuf"), response.headers()::toString);
                assertTrue(response.body().length > 100);
            }
        }
    }

    @Test
    void promtoolAcceptsBothScrapes() throws Exception {
        for (int port : new int[] {serverMetrics, clientMetrics}) {
            MetricsScrape scrape = MetricsScrape.of(port);
            ProcessResult check = scrape.promtool(dir);
            assertEquals(0, check.exitCode(), () -> check + "\n" + scrape.text());
            assertEquals("", check.stdout() + check.stderr(), () -> "promtool lint findings:\n" + check);
        }
    }
}
