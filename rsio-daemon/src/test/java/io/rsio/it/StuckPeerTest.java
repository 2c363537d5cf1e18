package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.rsio.wire.Opcode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Servers that accept and then never answer, or answer half a frame: rsiod declares the path
 * down after {@code path_timeout}, fails I/O with EIO after {@code nopath_timeout} when no
 * other path exists, and moves it to a real server's path when one does. Nothing hangs:
 * every wait here is bounded.
 */
@FaultSuite
class StuckPeerTest {
    static final int VOLUME_MIB = 8;
    static final Duration PATH_TIMEOUT = Duration.ofMillis(600);
    static final Duration NOPATH_TIMEOUT = Duration.ofSeconds(2);

    @TempDir
    Path dir;

    @Test
    void silentServersAndHalfHellosAreTimedOutAndReported() throws Exception {
        try (FakeRsioServer silent = fake(FakeRsioServer.Mode.SILENT);
             FakeRsioServer halfHello = fake(FakeRsioServer.Mode.HALF_HELLO);
             TestCluster cluster = new TestCluster(dir)) {
            writeClientConfig(cluster, List.of(silent.port(), halfHello.port()));
            cluster.startClient();
            cluster.await("both paths reported down for silence", Duration.ofSeconds(10), () -> {
                String status = statusOf(cluster);
                return count(status, "(no answer for") == 2;
            });
            // Both keep being retried, with back-off, and rsiod stays responsive throughout.
            cluster.await("reconnect attempts", Duration.ofSeconds(10),
                    () -> silent.connections.get() >= 2 && halfHello.connections.get() >= 2);
            assertEquals(0, cluster.rsconfig("-q").exitCode());
            assertTrue(cluster.log("rsiod").contains("not established: no answer for"), cluster.log("rsiod"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = FakeRsioServer.Mode.class, names = {"STUCK_AFTER_LOGIN", "HALF_FRAME_AFTER_LOGIN"})
    void ioOnAStuckServerFailsWithEioAfterNopathTimeout(FakeRsioServer.Mode mode) throws Exception {
        try (FakeRsioServer stuck = fake(mode);
             TestCluster cluster = new TestCluster(dir)) {
            writeClientConfig(cluster, List.of(stuck.port()));
            cluster.startClient();
            try (NbdTestClient nbd = NbdTestClient.await(cluster.nbdSocket("oracle"), "oracle",
                    Duration.ofSeconds(20))) {
                long start = System.nanoTime();
                var write = nbd.write(0, new byte[4096], false);
                var read = nbd.read(65536, 4096);
                Duration bound = PATH_TIMEOUT.plus(NOPATH_TIMEOUT).plusSeconds(3);
                assertEio(write, bound);
                assertEio(read, bound);
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(millis >= NOPATH_TIMEOUT.toMillis() - 200, "failed after only " + millis + " ms");
                System.out.printf("[stuck] %s: I/O failed with EIO after %d ms (path_timeout %d ms, nopath_timeout "
                        + "%d ms)%n", mode, millis, PATH_TIMEOUT.toMillis(), NOPATH_TIMEOUT.toMillis());
            }
            assertTrue(stuck.received.contains(Opcode.WRITE) || stuck.received.contains(Opcode.READ));
            assertTrue(cluster.log("rsiod").contains("no answer for"), cluster.log("rsiod"));
        }
    }

    @ParameterizedTest
    @EnumSource(value = FakeRsioServer.Mode.class, names = {"STUCK_AFTER_LOGIN", "HALF_FRAME_AFTER_LOGIN",
            "GARBAGE_AFTER_LOGIN"})
    void ioFailsOverFromAStuckServerToARealOne(FakeRsioServer.Mode mode) throws Exception {
        try (FakeRsioServer stuck = fake(mode);
             TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", VOLUME_MIB)) {
            writeClientConfig(cluster, List.of(cluster.port, stuck.port()));
            cluster.startServer();
            cluster.startClient();
            cluster.await("both servers logged in", Duration.ofSeconds(20),
                    () -> count(statusOf(cluster), "connected tx: ok") == 2);
            WriteLedger ledger = new WriteLedger(VOLUME_MIB * 256);
            try (NbdTestClient nbd = NbdTestClient.connect(cluster.nbdSocket("oracle"), "oracle");
                 StampedWriter writer = new StampedWriter(nbd, ledger, 16, 32, 7)) {
                cluster.await("the stuck server was given I/O", Duration.ofSeconds(20),
                        () -> stuck.received.stream().anyMatch(FakeRsioServer::touchesDataBlocks));
                ServerCrashConsistencyTest.awaitProgress(cluster, ledger, writer, 1000);
                assertTrue(writer.stop(Duration.ofSeconds(10)), "writes left hanging");
                nbd.flush().get(10, TimeUnit.SECONDS);
                assertEquals(List.of(), writer.errors(), "an error reached the application");
            }
            long[] acked = ledger.ackedSnapshot();
            assertEquals(List.of(), WriteLedger.check(Files.readAllBytes(dir.resolve("oracle.img")), acked, acked,
                    "acknowledged"));
            String why = mode == FakeRsioServer.Mode.GARBAGE_AFTER_LOGIN ? "bad magic 0x58[0-9a-f]{6}" : "no answer for \\d+ ms";
            assertTrue(cluster.log("rsiod").matches("(?s).*path down: if0 -> rep 127\\.0\\.0\\.1/" + stuck.port()
                    + ": " + why + " \\([1-9]\\d* request\\(s\\) moved to other paths\\).*"), cluster.log("rsiod"));
            System.out.printf("[stuck] %s beside a real server: %s, 0 errors%n", mode, ledger);
        }
    }

    private static void assertEio(java.util.concurrent.CompletableFuture<?> io, Duration bound) throws Exception {
        try {
            io.get(bound.toMillis(), TimeUnit.MILLISECONDS);
            fail("I/O on a stuck server succeeded");
        } catch (TimeoutException e) {
            fail("I/O on a stuck server still pending after " + bound);
        } catch (ExecutionException e) {
            NbdTestClient.NbdError error = assertInstanceOf(NbdTestClient.NbdError.class, e.getCause());
            assertEquals(5, error.errno, "EIO");
        }
    }

    private FakeRsioServer fake(FakeRsioServer.Mode mode) throws InterruptedException {
        return new FakeRsioServer(mode, 200, 7, "stuck-7", "0xbig2",
                List.of(FakeRsioServer.volumeLikeRssrv(200, "oracle", VOLUME_MIB << 20)));
    }

    private static void writeClientConfig(TestCluster cluster, List<Integer> serverPorts) throws Exception {
        cluster.writeClientConfig("big-2", "0xbig2", """
                ping_interval  = 100ms
                path_timeout   = %dms
                nopath_timeout = %dms
                reconnect_max  = 500ms""".formatted(PATH_TIMEOUT.toMillis(), NOPATH_TIMEOUT.toMillis()), serverPorts);
    }

    static String statusOf(TestCluster cluster) {
        try {
            return cluster.rsconfig("-m", "status").stdout();
        } catch (Exception e) {
            return "";
        }
    }

    static int count(String haystack, String needle) {
        return ClientCrashTest.count(haystack, needle);
    }
}
