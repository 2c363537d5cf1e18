package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** rsconfig's views of a real rsiod logged in to a real rssrv, in the seed's format. */
class RsconfigViewsTest {
    @TempDir
    static Path dir;
    static TestCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2\nvenus 0xvenus", 64)
                .writeClientConfig("big-2", "0xbig2");
        cluster.startServer();
        cluster.startClient();
        cluster.await("path connected", Duration.ofSeconds(20), () -> cluster.statusShows("connected tx: ok rx: ok"));
    }

    @AfterAll
    static void stop() throws Exception {
        cluster.close();
    }

    @Test
    void queryShowsNamespaceClientServerAndVolumesInSeedFormat() throws Exception {
        ProcessResult result = cluster.rsconfig("-q");
        assertEquals(0, result.exitCode(), result::toString);
        assertEquals("""
                000 osl
                  clt: big-2
                  srv: 000 big-9
                    0 S10_oracle       disk        131072 blocks of  512 bytes
                    0 oracle           disk        131072 blocks of  512 bytes
                """, result.stdout());
    }

    @Test
    void eachVerbosityLevelAddsDetail() throws Exception {
        String v = cluster.rsconfig("-qv").stdout();
        assertTrue(v.contains("000 osl  (namespace id 200)"), v);
        assertTrue(v.contains("srv: 000 big-9  (server id 1)"), v);
        assertTrue(v.contains("rw  1 path(s)"), v);
        String vv = cluster.rsconfig("-qvv").stdout();
        assertTrue(vv.contains("64.0 MiB  device dir av0"), vv);
        String vvv = cluster.rsconfig("-q", "-v", "-v", "-v").stdout();
        assertTrue(vvv.contains("nbd+unix:///oracle?socket=" + cluster.nbdSocket("oracle")), vvv);
        assertTrue(vvv.matches("(?s).*id [0-9a-f]{8}-[0-9a-f]{4}-.*"), vvv);
    }

    @Test
    void multipathStatusShowsEachInterfaceAndItsRepLines() throws Exception {
        ProcessResult result = cluster.rsconfig("-m", "status");
        assertEquals(0, result.exitCode(), result::toString);
        int p = cluster.port;
        assertEquals("0 if0 IP(TCP) 127.0.0.1/" + p + "\n"
                + "    rep: 000 IP(TCP) 127.0.0.1/" + p + " connected tx: ok rx: ok\n", result.stdout());
    }

    @Test
    void usageErrorsExitTwoWithAMessage() throws Exception {
        ProcessResult result = cluster.rsconfig("-x");
        assertEquals(2, result.exitCode());
        assertTrue(result.stderr().contains("rsconfig: unknown option -x"), result.stderr());
        ProcessResult help = cluster.rsconfig("--help");
        assertEquals(0, help.exitCode());
        assertTrue(help.stdout().contains("-m status"), help.stdout());
    }

    @Test
    void daemonLogUsesTheSeedLineFormat() throws Exception {
        String log = cluster.log("rsiod");
        assertTrue(log.lines().anyMatch(l -> l.matches(
                "big-2@rsio \\d{4}_\\d\\d_\\d\\d-\\d\\d:\\d\\d:\\d\\d \\(GMT\\) INFO \\(.+\\): started transmit for rep 127\\.0\\.0\\.1/\\d+ .*")),
                log);
        assertTrue(cluster.log("rssrv").contains("client big-2 logged in from 127.0.0.1"), cluster.log("rssrv"));
    }
}
