package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bandwidth limits of a pool volume (docs/VOLUMES.md, "Throttling"), end to end with real
 * processes: fio writes through rsiod's NBD export to rssrv. A client without the right
 * "throttle" is refused by name and nothing changes; with it, {@code rsconfig -T} limits the
 * volume online, fio's rate drops far below the unthrottled one, the server counts throttled
 * requests and time ({@code rsconfig -m vstat}), and the limit survives a restart of rssrv.
 * How exactly the limit holds is measured by {@code scripts/bench throttle}, not asserted here.
 */
class ThrottleTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final Pattern WRITE_BW = Pattern.compile("\"write\" : \\{\\s*\"io_bytes\" : \\d+,\\s*"
            + "\"io_kbytes\" : \\d+,\\s*\"bw_bytes\" : (\\d+)");

    @TempDir
    Path dir;
    Path pool;
    TestCluster cluster;

    @BeforeEach
    void start() throws Exception {
        Commands.requireTool("fio");
        pool = Files.createDirectories(dir.resolve("pool"));
        cluster = new TestCluster(dir).writeClientConfig("big-2", "0xbig2");
        writeServerConfig("big-3");
        cluster.startAndConnect();
    }

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void writeServerConfig(String throttlers) throws Exception {
        cluster.writeServerConfigWithVolumes("big-2 0xbig2\nbig-3 0xbig3", """
                [pool fast]
                path     = %s
                create   = big-2
                throttle = %s
                """.formatted(pool, throttlers));
    }

    @Test
    void aLimitSetOnlineHoldsFioBackAndIsCounted() throws Exception {
        cluster.createVolume("data", "256M");

        // Without the right: refused by name, the volume's record and the server's limits unchanged.
        String recordBefore = Files.readString(pool.resolve("data.vol"));
        ProcessResult refused = rsconfig(1, "-T", "data", "1M");
        assertTrue(refused.stderr().contains("client big-2 lacks the right \"throttle\" in pool fast"), refused.stderr());
        assertEquals(recordBefore, Files.readString(pool.resolve("data.vol")));
        assertTrue(rsconfig(0, "-m", "vstat").stdout().contains("limits: none"));

        long unthrottled = fioWriteRate("data");
        assertTrue(unthrottled > 0, "fio wrote at " + unthrottled + " B/s");
        String before = rsconfig(0, "-m", "vstat").stdout();
        assertEquals(0, throttledRequests(before), before);

        // Give big-2 the right (a restart of rssrv reads the new rssrvcfg), then limit to a tenth.
        cluster.stopServerGracefully();
        writeServerConfig("big-2");
        cluster.startServer();
        cluster.await("path connected again", LIMIT, () -> cluster.statusShows("connected tx: ok rx: ok"));
        long limit = Math.max(1 << 20, unthrottled / 10 / (1 << 20) * (1 << 20));
        String set = rsconfig(0, "-T", "data", Long.toString(limit)).stdout();
        assertTrue(set.contains("data limited to " + io.rsio.config.ConfigValues.formatSize(limit) + "/s on server big-9"),
                set);
        assertTrue(Files.readString(pool.resolve("data.vol")).contains("limit = " + limit + " 0"));
        ProcessResult unknown = rsconfig(1, "-T", "data", "1M", "-c", "venus");
        assertTrue(unknown.stderr().contains("no client venus in [clients] of server big-9"), unknown.stderr());

        long throttled = fioWriteRate("data");
        assertTrue(throttled < unthrottled / 3, "limited to " + limit + " B/s, fio wrote at " + throttled
                + " B/s, unthrottled " + unthrottled + " B/s");
        String vstat = rsconfig(0, "-m", "vstat").stdout();
        assertTrue(throttledRequests(vstat) > 0, vstat);
        assertTrue(waitedSeconds(vstat) > 0, vstat);
        assertTrue(vstat.contains("limits: volume " + io.rsio.cli.Units.bytes(limit) + "/s"), vstat);

        // Persisted: a restarted rssrv applies it again. Removed with "off".
        cluster.stopServerGracefully();
        cluster.startServer();
        cluster.await("path connected again", LIMIT, () -> cluster.statusShows("connected tx: ok rx: ok"));
        assertTrue(rsconfig(0, "-m", "vstat").stdout().contains("limits: volume " + io.rsio.cli.Units.bytes(limit) + "/s"));
        assertTrue(rsconfig(0, "-T", "data", "off").stdout().contains("data no longer limited"));
        assertFalse(Files.readString(pool.resolve("data.vol")).contains("limit"));
        assertTrue(rsconfig(0, "-m", "vstat").stdout().contains("limits: none"));
    }

    /** fio's sequential write rate through the volume's NBD export over 3 s, in bytes a second. */
    private long fioWriteRate(String volume) throws Exception {
        ProcessResult r = Commands.run(LIMIT.plusSeconds(60), Map.of(), List.of("fio", "--name=rate", "--ioengine=nbd",
                "--uri=" + cluster.nbdUri(volume), "--rw=write", "--bs=128k", "--iodepth=8", "--size=256m",
                "--time_based", "--runtime=3", "--output-format=json"));
        assertEquals(0, r.exitCode(), r.toString());
        Matcher m = WRITE_BW.matcher(r.stdout());
        assertTrue(m.find(), r.stdout());
        return Long.parseLong(m.group(1));
    }

    private static long throttledRequests(String vstat) {
        return Long.parseLong(row(vstat).group(1));
    }

    private static double waitedSeconds(String vstat) {
        return Double.parseDouble(row(vstat).group(2));
    }

    private static Matcher row(String vstat) {
        Matcher m = Pattern.compile("osl:data\\s+big-9\\s+\\d+\\s+\\S+ \\S+\\s+\\d+\\s+\\S+ \\S+\\s+(\\d+)\\s+([\\d.]+)")
                .matcher(vstat);
        assertTrue(m.find(), vstat);
        return m;
    }

    private ProcessResult rsconfig(int expectedExit, String... args) throws Exception {
        return cluster.rsconfigExpecting(expectedExit, args);
    }
}
