package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
 * The servers' per-volume statistics as a client sees them (docs/VOLUMES.md, "Statistics"):
 * fio writes and reads a known amount through rsiod's NBD export, and {@code rsconfig -m vstat}
 * shows exactly those requests and bytes for the pool volume, a latency histogram that counts
 * them, and a row for the rssrvcfg {@code [volume]} too.
 */
class VolumeStatisticsTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    TestCluster cluster;

    @BeforeEach
    void start() throws Exception {
        Commands.requireTool("fio");
        Path pool = Files.createDirectories(dir.resolve("pool"));
        cluster = new TestCluster(dir).writeClientConfig("big-2", "0xbig2").writeServerConfigWithVolumes("big-2 0xbig2",
                """
                [volume fixed]
                path = %s
                size = 16M

                [pool fast]
                path   = %s
                create = big-2
                """.formatted(dir.resolve("fixed.img"), pool));
        cluster.startAndConnect();
    }

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void requestsBytesAndLatencyOfKnownIo() throws Exception {
        cluster.createVolume("stats", "64M");
        String before = cluster.rsconfigExpecting(0, "-m", "vstat").stdout();
        Matcher zero = row(before, "stats");
        assertEquals("0", zero.group(1), before);
        assertEquals("0", zero.group(3), before);
        assertTrue(before.contains("latency: no requests yet"), before);
        row(before, "fixed"); // the [volume] of rssrvcfg has its row too

        fio("write", "64k", "4m"); // 64 writes of 64 KiB
        fio("read", "128k", "4m"); // 32 reads of 128 KiB
        String after = cluster.rsconfigExpecting(0, "-m", "vstat").stdout();
        Matcher m = row(after, "stats");
        assertEquals("32", m.group(1), after);
        assertEquals("4.0 MiB", m.group(2), after);
        assertEquals("64", m.group(3), after);
        assertEquals("4.0 MiB", m.group(4), after);
        assertEquals("0", m.group(5), after); // no limit, nothing held
        Matcher latency = Pattern.compile("(?m)^osl:stats .*\\n    limits: none\\n    latency: (\\d+) requests, "
                + "p50 <=\\S+, p99 <=\\S+;( <=\\S+ \\d+)+$").matcher(after);
        assertTrue(latency.find(), after);
        assertTrue(Long.parseLong(latency.group(1)) >= 96, "every read and write is in the histogram: " + after);
    }

    private void fio(String rw, String bs, String size) throws Exception {
        ProcessResult r = Commands.run(LIMIT.plusSeconds(60), Map.of(), List.of("fio", "--name=" + rw,
                "--ioengine=nbd", "--uri=" + cluster.nbdUri("stats"), "--rw=" + rw, "--bs=" + bs, "--iodepth=4",
                "--size=" + size, "--output-format=json"));
        assertEquals(0, r.exitCode(), r.toString());
    }

    private static Matcher row(String vstat, String volume) {
        Matcher m = Pattern.compile("osl:" + Pattern.quote(volume) + "\\s+big-9\\s+(\\d+)\\s+(\\S+ \\S+)\\s+(\\d+)\\s+"
                + "(\\S+ \\S+)\\s+(\\d+)\\s+[\\d.]+\\s+running").matcher(vstat);
        assertTrue(m.find(), vstat);
        return m;
    }
}
