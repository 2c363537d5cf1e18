package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Copies made on the server (docs/VOLUMES.md, "Copies"), end to end with real processes on a
 * pool without reflinks (the test's temporary directory: ext4 or tmpfs), so every copy is a
 * background job: rsconfig -K to a new volume, -B to a file in the pool, -S a snapshot; each
 * holds exactly the bytes written through rsiod's NBD export, stays sparse, and rsconfig -m
 * jobs lists the jobs with their bytes. A client without the right "copy" is refused by name.
 */
class VolumeCopyTest {
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String ADDRESS = "127.0.0.171";
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;
    Path pool;
    TestCluster cluster;

    @BeforeEach
    void start() throws Exception {
        pool = Files.createDirectories(dir.resolve("pool"));
        cluster = new TestCluster(dir).writeClientConfig("big-2", "0xbig2");
        writeServerConfig("");
        cluster.startAndConnect();
    }

    @AfterEach
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private void writeServerConfig(String copiers) throws Exception {
        cluster.writeServerConfigWithVolumes("big-2 0xbig2", """
                [pool fast]
                path     = %s
                create   = big-2
                snapshot = big-2
                delete   = big-2
                %s
                """.formatted(pool, copiers.isEmpty() ? "" : "copy = " + copiers));
        cluster.onServerAddress(ADDRESS);
    }

    @Test
    void copiesToAVolumeAFileAndASnapshotHoldTheSourcesBytes() throws Exception {
        cluster.createVolume("data", "64M");
        // 3 MiB of data at 1 MiB and 40 MiB; the rest of the volume is a hole.
        byte[] first = random(3 * MIB, 1);
        byte[] second = random(MIB, 2);
        try (NbdTestClient nbd = NbdTestClient.await(cluster.nbdSocket("data"), "data", LIMIT)) {
            nbd.write(MIB, first, true).get(30, TimeUnit.SECONDS);
            nbd.write(40L * MIB, second, true).get(30, TimeUnit.SECONDS);
        }

        // Without the right: refused by name, nothing made.
        ProcessResult refused = rsconfig(1, "-K", "data", "data.copy");
        assertTrue(refused.stderr().contains("client big-2 lacks the right \"copy\" in pool fast"), refused.stderr());
        assertEquals(List.of("data.img", "data.vol"), poolFiles());

        cluster.stopServerGracefully();
        writeServerConfig("big-2");
        cluster.startServer();
        cluster.await("path connected", LIMIT, () -> cluster.statusShows("connected tx: ok rx: ok"));

        ProcessResult copy = rsconfig(0, "-K", "data", "data.copy");
        assertTrue(copy.stdout().contains("copy of data to volume data.copy started on server big-9 as job 1"),
                copy.stdout());
        assertTrue(copy.stdout().contains("job 1 on big-9: volume data.copy done, 64.0 MiB in"), copy.stdout());
        ProcessResult backup = rsconfig(0, "-B", "data", "nightly.raw");
        assertTrue(backup.stdout().contains("job 2 on big-9: file nightly.raw done"), backup.stdout());
        ProcessResult snapshot = rsconfig(0, "-S", "data", "data.snap");
        assertTrue(snapshot.stdout().contains("job 3 on big-9: snapshot data.snap done"), snapshot.stdout());

        // The file holds the volume's bytes; every copy stays sparse (about the 4 MiB written).
        byte[] source = Files.readAllBytes(pool.resolve("data.img"));
        assertArrayEquals(source, Files.readAllBytes(pool.resolve("nightly.raw")));
        for (String file : List.of("data.copy.img", "nightly.raw", "data.snap.img")) {
            long allocated;
            try (io.rsio.nativeio.NativeFile f = io.rsio.nativeio.NativeFile.open(pool.resolve(file), true, false, false)) {
                allocated = f.allocatedBytes();
            }
            assertTrue(allocated < 16L * MIB, file + " is sparse: " + allocated + " bytes allocated");
            assertEquals(64L * MIB, Files.size(pool.resolve(file)), file);
        }
        assertTrue(Files.readString(pool.resolve("data.snap.vol")).contains("readonly = yes"));
        assertFalse(Files.readString(pool.resolve("data.copy.vol")).contains("copying"), "the copy is complete");

        // The new volumes are served: their exports read exactly what was written to data.
        cluster.await("data.copy and data.snap listed", LIMIT, () -> {
            try {
                String q = cluster.rsconfig("-q").stdout();
                return q.contains("data.copy") && q.contains("data.snap");
            } catch (Exception e) {
                return false;
            }
        });
        for (String volume : List.of("data.copy", "data.snap")) {
            try (NbdTestClient nbd = NbdTestClient.await(cluster.nbdSocket(volume), volume, LIMIT)) {
                assertArrayEquals(first, nbd.read(MIB, first.length).get(30, TimeUnit.SECONDS), volume);
                assertArrayEquals(second, nbd.read(40L * MIB, second.length).get(30, TimeUnit.SECONDS), volume);
                assertArrayEquals(new byte[MIB], nbd.read(20L * MIB, MIB).get(30, TimeUnit.SECONDS), volume);
            }
        }

        // The job list shows all three, done, with their bytes.
        String jobs = rsconfig(0, "-m", "jobs").stdout();
        for (String line : List.of("1 volume +done +100% +64.0 MiB/64.0 MiB .* osl:data -> data.copy \\(fast, big-2\\)",
                "2 file +done +100% +64.0 MiB/64.0 MiB .* osl:data -> nightly.raw \\(fast, big-2\\)",
                "3 snapshot done +100% +64.0 MiB/64.0 MiB .* osl:data -> data.snap \\(fast, big-2\\)")) {
            assertTrue(jobs.lines().anyMatch(l -> l.matches("big-9 +" + line)), line + " in\n" + jobs);
        }

        // Without waiting: the answer names the job; it completes by itself. A taken name is refused.
        ProcessResult noWait = rsconfig(0, "-B", "data", "--no-wait");
        assertTrue(noWait.stdout().contains("as job 4"), noWait.stdout());
        cluster.await("job 4 done", LIMIT, () -> {
            try {
                return cluster.rsconfig("-m", "jobs").stdout().lines().anyMatch(l -> l.matches("big-9 +4 file +done.*"));
            } catch (Exception e) {
                return false;
            }
        });
        assertTrue(poolFiles().stream().anyMatch(f -> f.matches("data\\.backup-\\d{8}-\\d{6}\\.raw")), poolFiles().toString());
        ProcessResult taken = rsconfig(1, "-K", "data", "data.copy");
        assertTrue(taken.stderr().contains("volume data.copy already exists"), taken.stderr());
        ProcessResult badName = rsconfig(1, "-B", "data", "other.img");
        assertTrue(badName.stderr().contains("backup file name other.img"), badName.stderr());
        assertFalse(poolFiles().stream().anyMatch(f -> f.contains(".part-")), poolFiles().toString());
    }

    private List<String> poolFiles() throws Exception {
        try (Stream<Path> files = Files.list(pool)) {
            // not the lock nor the servers' open markers
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".rsio-")).sorted().toList();
        }
    }

    private ProcessResult rsconfig(int expectedExit, String... args) throws Exception {
        return cluster.rsconfigExpecting(expectedExit, args);
    }

    private static byte[] random(int length, long seed) {
        byte[] data = new byte[length];
        new Random(seed).nextBytes(data);
        return data;
    }
}
