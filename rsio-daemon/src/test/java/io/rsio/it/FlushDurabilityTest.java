package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.rsio.control.ControlClient;
import io.rsio.control.ControlRows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FLUSH never reports success while acknowledged writes may be lost (docs/reliability.md,
 * "Durability"): with two real rssrv sharing one volume file, a server that acknowledged
 * writes and is then unreachable holds the FLUSH until it is back and flushed, fails it with EIO
 * after nopath_timeout, and fails it with EIO when it comes back as another instance (a host
 * reboot, stood in for by another boot id file). The same for a single server.
 */
class FlushDurabilityTest {
    // Steps 1 and 3 restart a server while a FLUSH waits: it must be back (a JVM start and a
    // log-in) within nopath_timeout, or the FLUSH fails for the timeout instead of what the step
    // checks. 4 s was too short on a loaded CI machine; 8 s leaves room.
    static final Duration NOPATH = Duration.ofSeconds(8);
    static final int VOLUME_MIB = 8;

    @TempDir
    Path dir;

    @Test
    void flushWaitsForEveryServerWithUnflushedWritesAndFailsWhenItCannotProveDurability() throws Exception {
        try (TestCluster a = new TestCluster(Files.createDirectories(dir.resolve("a")));
             TestCluster b = new TestCluster(Files.createDirectories(dir.resolve("b")))) {
            Path volume = dir.resolve("shared.img");
            writeServer(a, "srv-a", 1, volume);
            writeServer(b, "srv-b", 2, volume);
            a.writeClientConfig("big-2", "0xbig2", defaults(), List.of(a.port, b.port));
            a.startServer();
            b.startServer();
            a.startClient();
            a.await("both servers connected", Duration.ofSeconds(30), () -> connected(a) == 2);
            a.await("export socket", Duration.ofSeconds(10), () -> Files.exists(a.nbdSocket("oracle")));

            try (NbdTestClient nbd = NbdTestClient.connect(a.nbdSocket("oracle"), "oracle")) {
                // 1. Server b unreachable at FLUSH time: the FLUSH waits, then succeeds once b is back.
                writeUntilBothServersAcknowledged(a, nbd, 1);
                b.killServer();
                a.await("b's path seen down", Duration.ofSeconds(10), () -> connected(a) == 1);
                CompletableFuture<Void> held = nbd.flush();
                Thread.sleep(1500);
                assertFalse(held.isDone(), "FLUSH must wait for the server holding unflushed writes");
                b.startServer();
                held.get(15, TimeUnit.SECONDS);
                assertTrue(a.log("rsiod").contains("path down"), a.log("rsiod"));

                // 2. b stays away longer than nopath_timeout: EIO, not success.
                a.await("both servers connected", Duration.ofSeconds(20), () -> connected(a) == 2);
                writeUntilBothServersAcknowledged(a, nbd, 2);
                b.killServer();
                a.await("b's path seen down", Duration.ofSeconds(10), () -> connected(a) == 1);
                long start = System.nanoTime();
                NbdTestClient.NbdError timedOut = flushError(nbd, Duration.ofSeconds(20));
                double waited = (System.nanoTime() - start) / 1e9;
                assertEquals(5, timedOut.errno, "EIO");
                assertTrue(waited >= NOPATH.toMillis() / 1000.0 - 1.5, "failed after " + waited + " s");
                // b returns as the same instance (a process restart keeps the page cache): the
                // writes it holds are flushed by the next FLUSH.
                b.startServer();
                a.await("both servers connected", Duration.ofSeconds(20), () -> connected(a) == 2);
                nbd.flush().get(15, TimeUnit.SECONDS);

                // 3. b comes back as another instance (its host "rebooted"): the FLUSH fails with EIO
                // once, naming the loss; the next one succeeds.
                writeUntilBothServersAcknowledged(a, nbd, 3);
                b.killServer();
                a.await("b's path seen down", Duration.ofSeconds(10), () -> connected(a) == 1);
                CompletableFuture<Void> acrossReboot = nbd.flush();
                Thread.sleep(500);
                assertFalse(acrossReboot.isDone());
                startRebooted(b);
                ExecutionException lost = expectFailure(acrossReboot, Duration.ofSeconds(15));
                assertEquals(5, assertInstanceOf(NbdTestClient.NbdError.class, lost.getCause()).errno);
                a.await("the loss logged", Duration.ofSeconds(5),
                        () -> logHas(a, "came back as another instance"));
                nbd.flush().get(15, TimeUnit.SECONDS);
                // Everything keeps working afterwards.
                writeUntilBothServersAcknowledged(a, nbd, 4);
                nbd.flush().get(15, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void oneServerRebootedBetweenWriteAndFlushFailsTheFlush() throws Exception {
        try (TestCluster a = new TestCluster(dir).writeServerConfig("big-2 0xbig2", VOLUME_MIB)) {
            a.writeClientConfig("big-2", "0xbig2", defaults(), List.of(a.port));
            a.startServer();
            a.startClient();
            a.await("connected", Duration.ofSeconds(30), () -> connected(a) == 1);
            a.await("export socket", Duration.ofSeconds(10), () -> Files.exists(a.nbdSocket("oracle")));
            try (NbdTestClient nbd = NbdTestClient.connect(a.nbdSocket("oracle"), "oracle")) {
                // A plain restart of rssrv: the FLUSH waits for it and succeeds.
                write(nbd, 0, 16);
                a.killServer();
                CompletableFuture<Void> held = nbd.flush();
                Thread.sleep(1000);
                assertFalse(held.isDone());
                a.startServer();
                held.get(15, TimeUnit.SECONDS);

                // Writes acknowledged, then the host "reboots" before any FLUSH: the FLUSH sent
                // after it is back must fail, not report the lost writes as durable.
                write(nbd, 16, 16);
                a.killServer();
                startRebooted(a);
                a.await("reconnected", Duration.ofSeconds(20), () -> connected(a) == 1);
                ExecutionException lost = expectFailure(nbd.flush(), Duration.ofSeconds(15));
                assertEquals(5, assertInstanceOf(NbdTestClient.NbdError.class, lost.getCause()).errno);
                nbd.flush().get(15, TimeUnit.SECONDS);
            }
        }
    }

    private static String defaults() {
        return """
                ping_interval  = 100ms
                path_timeout   = 1s
                nopath_timeout = %dms
                reconnect_max  = 300ms""".formatted(NOPATH.toMillis());
    }

    private static void writeServer(TestCluster cluster, String name, int id, Path volume) throws Exception {
        Files.writeString(cluster.serverConfig, """
                [namespace osl]
                namespaceid = 200
                protocol    = tcp
                port        = %d

                [server %s]
                serverid = %d

                [interface if1]
                address     = 127.0.0.1

                [clients]
                big-2 0xbig2

                [volume oracle]
                path   = %s
                size   = %dM
                device = av0
                """.formatted(cluster.port, name, id, volume, VOLUME_MIB));
    }

    /** Starts rssrv as if its host had rebooted: it reports another boot id. */
    private static void startRebooted(TestCluster cluster) throws Exception {
        Path bootId = cluster.dir.resolve("boot_id");
        Files.writeString(bootId, UUID.randomUUID() + "\n");
        cluster.startServerWithJvmOptions(List.of("-Drsio.server.bootIdFile=" + bootId));
    }

    /** Writes rounds of 64 KiB until both servers' paths have carried writes in this round. */
    private static void writeUntilBothServersAcknowledged(TestCluster cluster, NbdTestClient nbd, int round)
            throws Exception {
        Map<Integer, Long> before = writtenPerServer(cluster);
        for (int i = 0; i < 50; i++) {
            write(nbd, (round * 16 + i % 16) % (VOLUME_MIB * 16), 8);
            Map<Integer, Long> now = writtenPerServer(cluster);
            if (now.size() == 2 && now.entrySet().stream()
                    .allMatch(e -> e.getValue() > before.getOrDefault(e.getKey(), 0L))) {
                return;
            }
        }
        fail("writes never reached both servers: " + writtenPerServer(cluster));
    }

    /** {@code count} writes of 64 KiB, 8 at a time, starting at 64 KiB block {@code first}. */
    private static void write(NbdTestClient nbd, int first, int count) throws Exception {
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] data = NbdExportDataTest.random(64 << 10, first + i);
            writes.add(nbd.write((long) (first + i) * (64 << 10), data, false));
        }
        for (CompletableFuture<Void> w : writes) {
            w.get(30, TimeUnit.SECONDS);
        }
    }

    private static Map<Integer, Long> writtenPerServer(TestCluster cluster) {
        try {
            return control(cluster, "stat").rows(ControlRows.PathStatRow.class).stream()
                    .collect(Collectors.toMap(ControlRows.PathStatRow::repIndex, ControlRows.PathStatRow::writeBytes,
                            Long::sum));
        } catch (Exception e) {
            return Map.of();
        }
    }

    private static long connected(TestCluster cluster) {
        try {
            return control(cluster, "status").rows(ControlRows.PathRow.class).stream()
                    .filter(p -> p.state().equals("connected")).count();
        } catch (Exception e) {
            return -1;
        }
    }

    private static io.rsio.control.ControlResponse control(TestCluster cluster, String request) throws Exception {
        return new ControlClient(cluster.runDir.resolve("rsiod.sock")).call(request);
    }

    private static boolean logHas(TestCluster cluster, String text) {
        try {
            return cluster.log("rsiod").contains(text);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static NbdTestClient.NbdError flushError(NbdTestClient nbd, Duration limit) throws Exception {
        return assertInstanceOf(NbdTestClient.NbdError.class, expectFailure(nbd.flush(), limit).getCause());
    }

    private static ExecutionException expectFailure(CompletableFuture<Void> future, Duration limit)
            throws Exception {
        try {
            future.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            return e;
        }
        throw new AssertionError("FLUSH succeeded though acknowledged writes may be lost");
    }
}
