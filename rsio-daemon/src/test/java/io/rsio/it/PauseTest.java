package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pause and resume of pool volumes (docs/VOLUMES.md, "Pause"), with real processes: two
 * volumes paused by one {@code rsconfig -P}; fio writing to one of them through rsiod's NBD
 * export makes no progress while paused (held, not failed: the path stays up past its
 * timeout), and after {@code rsconfig -R} finishes and reads back every block it wrote. A pause
 * naming a volume that does not exist, or one of a pool where the client lacks the right
 * "pause", pauses none of them.
 */
class PauseTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    Path pool;
    TestCluster cluster;

    @BeforeEach
    void start() throws Exception {
        Commands.requireTool("fio");
        pool = Files.createDirectories(dir.resolve("pool"));
        cluster = new TestCluster(dir).writeClientConfig("big-2", "0xbig2").writeServerConfigWithVolumes("big-2 0xbig2",
                """
                [pool fast]
                path   = %s
                create = big-2
                pause  = big-2

                [pool slow]
                path   = %s
                create = big-2
                """.formatted(pool, Files.createDirectories(dir.resolve("slow"))));
        cluster.startAndConnect();
    }

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void pausedIoIsHeldAndGoesOnAfterTheResume() throws Exception {
        cluster.createVolume("app-data", "64M", "-p", "fast");
        cluster.createVolume("app-log", "64M", "-p", "fast");

        // All or nothing: a name that does not exist, or a volume of a pool without the right, pauses none.
        ProcessResult refused = rsconfig(1, "-P", "app-data", "nosuch");
        assertTrue(refused.stderr().contains("no pool volume nosuch"), refused.stderr());
        assertEquals(List.of("running", "running"), states());
        rsconfig(0, "-C", "archive", "16M", "-p", "slow");
        ProcessResult noRight = rsconfig(1, "-P", "app-data", "archive");
        assertTrue(noRight.stderr().contains("client big-2 lacks the right \"pause\" in pool slow"), noRight.stderr());
        assertEquals(List.of("running", "running"), states());

        String paused = rsconfig(0, "-P", "app-data", "app-log").stdout();
        assertTrue(paused.contains("paused app-data, app-log on server big-9"), paused);
        assertEquals(List.of("PAUSED", "PAUSED"), states());

        // fio writes 8 MiB and reads every block back; while paused nothing reaches the server.
        long writesBefore = writes("app-data");
        CompletableFuture<ProcessResult> fio = CompletableFuture.supplyAsync(() -> {
            try {
                return Commands.run(LIMIT.plusSeconds(60), Map.of(), List.of("fio", "--name=held",
                        "--ioengine=nbd", "--uri=" + cluster.nbdUri("app-data"), "--rw=write", "--bs=64k",
                        "--iodepth=4", "--size=8m", "--verify=crc32c", "--verify_fatal=1", "--verify_state_save=0",
                        "--output-format=json"));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // Longer than rsiod's path_timeout (2 s): held I/O must not fail the path.
        Thread.sleep(3000);
        assertFalse(fio.isDone(), () -> "fio finished while the volume was paused: " + fio.join());
        assertEquals(writesBefore, writes("app-data"), "no write executed while paused");
        assertTrue(cluster.statusShows("connected tx: ok rx: ok"), "the path stays up while I/O is held");

        String resumed = rsconfig(0, "-R", "app-data", "app-log").stdout();
        assertTrue(resumed.contains("resumed app-data, app-log on server big-9"), resumed);
        ProcessResult done = fio.get(LIMIT.toSeconds() + 60, TimeUnit.SECONDS);
        assertEquals(0, done.exitCode(), done.toString());
        assertTrue(done.stdout().contains("\"error\" : 0"), done.stdout());
        assertEquals(List.of("running", "running"), states());
        assertEquals(writesBefore + 128, writes("app-data"), "fio's 128 writes of 64 KiB, each executed once");
    }

    /** The state column of rsconfig -m vstat for app-data and app-log. */
    private List<String> states() throws Exception {
        String vstat = rsconfig(0, "-m", "vstat").stdout();
        return List.of(row(vstat, "app-data").group(3), row(vstat, "app-log").group(3));
    }

    private long writes(String volume) throws Exception {
        return Long.parseLong(row(rsconfig(0, "-m", "vstat").stdout(), volume).group(2));
    }

    private static Matcher row(String vstat, String volume) {
        Matcher m = Pattern.compile("osl:" + Pattern.quote(volume) + "\\s+big-9\\s+(\\d+)\\s+\\S+ \\S+\\s+(\\d+)\\s+"
                + "\\S+ \\S+\\s+\\d+\\s+[\\d.]+\\s+(\\S+)").matcher(vstat);
        assertTrue(m.find(), vstat);
        return m;
    }

    private ProcessResult rsconfig(int expectedExit, String... args) throws Exception {
        return cluster.rsconfigExpecting(expectedExit, args);
    }
}
