package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.rsio.wire.message.CopyJob;
import io.rsio.wire.message.Management;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import io.rsio.wire.message.VolumeInfo;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * kill -9 of rssrv at every step of a pool operation (docs/VOLUMES.md, "On disk"), with no hook
 * in the product: strace, attached to the rssrv thread that carries the operation out (the
 * management thread, or the copy threads for a background copy), kills the process on entry to
 * the N-th call of one file-changing system call (write, ftruncate, fallocate, fdatasync,
 * rename, unlink, ioctl, copy_file_range …), for every such call the operation makes (counted
 * in a first, untouched run). rssrv is started again on the same pool each time; the pool must
 * then hold the operation done whole or not at all (no half volume served, nothing that blocks
 * a later operation of the same name, no leftover of an unfinished copy), and the same operation
 * done again, and a delete, must work and leave the pool clean.
 */
@FaultSuite
class PoolCrashTest {
    private static final String ADDRESS = "127.0.0.172";
    private static final String CALLS = "write,pwrite64,pwritev,ftruncate,fallocate,fdatasync,fsync,rename,renameat,"
            + "renameat2,unlink,unlinkat,ioctl,copy_file_range";
    private static final Pattern CALL = Pattern.compile("^(?:\\d+ +)?([a-z0-9_]+)\\(");
    private static final int MIB = 1 << 20;
    private static final long SIZE = 8L * MIB;
    private static final byte[] DATA = new byte[MIB];

    static {
        new Random(14).nextBytes(DATA);
    }

    Path dir;
    Path pool;
    TestCluster server;
    final List<RawRsioClient> clients = new ArrayList<>();

    /** The operations under test; each knows its setup, its request, and the states allowed after a crash. */
    enum Operation {
        CREATE(false), DELETE(false), COPY(true), SNAPSHOT(true), BACKUP(true);

        /** Whether the operation's work runs on the copy threads after the answer. */
        final boolean background;

        Operation(boolean background) {
            this.background = background;
        }
    }

    /** One crash point: the N-th call of a system call on the threads of one role. */
    record Step(boolean copyThreads, String call, int n) {}

    @BeforeEach
    void requireStrace() throws Exception {
        Commands.requireTool("strace");
        dir = Files.createTempDirectory("rsio-poolcrash");
        pool = Files.createDirectories(dir.resolve("pool"));
    }

    @AfterEach
    void stop() throws Exception {
        closeClients();
        if (server != null) {
            server.close();
        }
    }

    /**
     * The suite kills at every step of create, delete and snapshot (issue 14's three); copies and
     * backups, the same steps on other threads and about 4 more minutes, run in
     * {@code scripts/test-long} ({@code -Drsio.poolcrash.all=true}).
     */
    static Stream<Operation> operations() {
        return Boolean.getBoolean("rsio.poolcrash.all") ? Stream.of(Operation.values())
                : Stream.of(Operation.CREATE, Operation.DELETE, Operation.SNAPSHOT);
    }

    @ParameterizedTest
    @MethodSource("operations")
    void aKillAtEveryStepLeavesThePoolWholeAndUsable(Operation op) throws Exception {
        List<Step> steps = steps(op);
        assertTrue(steps.stream().anyMatch(s -> s.call().startsWith("rename") || s.call().startsWith("unlink")),
                "the operation renames or removes a file: " + steps);
        for (Step step : steps) {
            System.out.println("PoolCrashTest " + op + ": kill at " + step);
            fresh();
            setUp(op);
            Process strace = strace(step.copyThreads(), "-e", "trace=" + step.call(), "-e",
                    "inject=" + step.call() + ":signal=KILL:when=" + step.n());
            try {
                RawRsioClient c = login();
                c.send(new Request.Manage(c.tag(), request(op)));
                server.await("rssrv killed at " + step, java.time.Duration.ofSeconds(60), () -> !server.serverAlive());
            } finally {
                strace.waitFor(10, TimeUnit.SECONDS);
                strace.destroyForcibly();
            }
            closeClients();
            server.startServer();
            checkAfterCrash(op, step);
            server.stopServerGracefully();
        }
    }

    /** The steps of {@code op}: a run under strace without injection, its file-changing calls counted per role. */
    private List<Step> steps(Operation op) throws Exception {
        List<Step> steps = new ArrayList<>();
        for (boolean copyThreads : op.background ? List.of(false, true) : List.of(false)) {
            fresh();
            setUp(op);
            Path log = dir.resolve("strace.log");
            Files.deleteIfExists(log);
            Process strace = strace(copyThreads, "-o", log.toString(), "-e", "trace=" + CALLS);
            RawRsioClient c = login();
            Reply reply = c.call(new Request.Manage(c.tag(), request(op)));
            assertTrue(reply instanceof Reply.Managed || reply instanceof Reply.ManagedJobs, reply.toString());
            if (copyThreads) {
                awaitJobs(c);
            } // the management thread's steps are those before the answer; what it does later only reads the pool
            strace.destroy(); // strace detaches and ends
            assertTrue(strace.waitFor(20, TimeUnit.SECONDS), "strace detached");
            Map<String, Integer> counts = new TreeMap<>();
            for (String line : Files.readAllLines(log)) {
                Matcher m = CALL.matcher(line);
                if (m.find() && !line.contains("resumed>")) {
                    counts.merge(m.group(1), 1, Integer::sum);
                }
            }
            counts.forEach((call, count) -> {
                for (int n = 1; n <= count; n++) {
                    steps.add(new Step(copyThreads, call, n));
                }
            });
            closeClients();
            server.stopServerGracefully();
        }
        System.out.println("PoolCrashTest " + op + ": " + steps.size() + " crash points " + steps);
        return steps;
    }

    /** A stopped server's pool emptied and a new rssrv started on it. */
    private void fresh() throws Exception {
        if (server != null && server.serverAlive()) {
            server.stopServerGracefully();
        }
        try (Stream<Path> files = Files.list(pool)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        if (server == null) {
            server = new TestCluster(Files.createDirectories(dir.resolve("srv")));
            Files.writeString(server.serverConfig, """
                    [namespace osl]
                    namespaceid = 200
                    port        = %d

                    [server big-9]
                    serverid  = 1
                    discovery = no

                    [interface if1]
                    address = %s

                    [clients]
                    big-2 0xbig2

                    [pool fast]
                    path     = %s
                    create   = big-2
                    delete   = big-2
                    snapshot = big-2
                    copy     = big-2
                    """.formatted(server.port, ADDRESS, pool));
        }
        server.startServer();
        RawRsioClient c = login();
        list(c); // the management thread exists from the first reading of the pool on
        closeClients();
        awaitNothingMarkedOpen();
    }

    /**
     * Waits until the server's open marker lists no volume: closing a client rewrites it on the
     * management thread, which must be done before strace counts that thread's calls.
     */
    private void awaitNothingMarkedOpen() throws Exception {
        Path marker = pool.resolve(".rsio-open.big-9");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(marker) || Files.readAllLines(marker).stream().anyMatch(l -> !l.startsWith("#"))) {
            assertTrue(System.nanoTime() < deadline, "the open marker empties");
            Thread.sleep(20);
        }
        Thread.sleep(200); // the rename done, the thread idle again
    }

    private void setUp(Operation op) throws Exception {
        if (op == Operation.CREATE) {
            return;
        }
        RawRsioClient c = login();
        assertInstanceOf(Reply.Managed.class, c.call(new Request.Manage(c.tag(), new Management.Create("fast", "x", SIZE,
                false))));
        Reply opened = c.open("x");
        int handle = ((Reply.Opened) opened).handle();
        assertInstanceOf(Reply.Done.class, c.call(new Request.Write(c.tag(), handle, 2L * MIB, true,
                Unpooled.wrappedBuffer(DATA))));
        c.call(new Request.Close(c.tag(), handle));
        closeClients();
        awaitNothingMarkedOpen();
    }

    private static Management request(Operation op) {
        return switch (op) {
            case CREATE -> new Management.Create("fast", "x", SIZE, false);
            case DELETE -> new Management.Delete("x");
            case COPY -> new Management.Copy("x", "y", CopyJob.Kind.VOLUME);
            case SNAPSHOT -> new Management.Copy("x", "y", CopyJob.Kind.SNAPSHOT);
            case BACKUP -> new Management.Copy("x", "x.bak.raw", CopyJob.Kind.FILE);
        };
    }

    /** After the restart: the operation happened whole or not at all; done again it works; the pool ends clean. */
    private void checkAfterCrash(Operation op, Step step) throws Exception {
        String at = "after a kill at " + step + ", pool " + poolFiles();
        assertFalse(poolFiles().stream().anyMatch(f -> f.contains(".part-")), "no unfinished backup is left " + at);
        RawRsioClient c = login();
        List<String> volumes = list(c);
        for (String name : volumes) {
            assertFalse(Files.readString(pool.resolve(name + ".vol")).contains("copying"), name + " is whole " + at);
        }
        switch (op) {
            case CREATE -> {
                if (volumes.contains("x")) {
                    assertEquals(SIZE, size(c, "x"), at);
                    manage(c, new Management.Delete("x"));
                }
                manage(c, new Management.Create("fast", "x", SIZE, false));
                manage(c, new Management.Delete("x"));
            }
            case DELETE -> {
                if (volumes.contains("x")) {
                    assertArrayEquals(DATA, read(c, "x"), "x is whole " + at);
                    manage(c, new Management.Delete("x"));
                } else {
                    assertFalse(Files.exists(pool.resolve("x.vol")), at);
                }
                manage(c, new Management.Create("fast", "x", SIZE, false));
                manage(c, new Management.Delete("x"));
            }
            case COPY, SNAPSHOT -> {
                assertTrue(volumes.contains("x"), "the source stays " + at);
                if (volumes.contains("y")) {
                    assertArrayEquals(DATA, read(c, "y"), "the copy is whole " + at);
                    manage(c, new Management.Delete("y"));
                } else {
                    assertFalse(Files.exists(pool.resolve("y.vol")), "no reservation is left " + at);
                }
                manage(c, request(op));
                awaitJobs(c);
                assertArrayEquals(DATA, read(c, "y"), "the copy made again " + at);
                manage(c, new Management.Delete("y"));
                manage(c, new Management.Delete("x"));
            }
            case BACKUP -> {
                assertTrue(volumes.contains("x"), "the source stays " + at);
                if (Files.exists(pool.resolve("x.bak.raw"))) {
                    assertArrayEquals(Files.readAllBytes(pool.resolve("x.img")), Files.readAllBytes(pool.resolve(
                            "x.bak.raw")), "the backup is whole " + at);
                    Files.delete(pool.resolve("x.bak.raw"));
                }
                manage(c, request(op));
                awaitJobs(c);
                assertArrayEquals(Files.readAllBytes(pool.resolve("x.img")), Files.readAllBytes(pool.resolve(
                        "x.bak.raw")), "the backup made again " + at);
                Files.delete(pool.resolve("x.bak.raw"));
                manage(c, new Management.Delete("x"));
            }
        }
        assertEquals(List.of(), poolFiles(), "the pool is empty again " + at);
        closeClients();
    }

    private static void manage(RawRsioClient c, Management op) throws IOException {
        Reply r = c.call(new Request.Manage(c.tag(), op));
        assertTrue(r instanceof Reply.Managed || r instanceof Reply.ManagedJobs, op + ": " + r);
    }

    /** Waits until no job of the server runs; fails if one did not end done. */
    private static void awaitJobs(RawRsioClient c) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            Reply.ManagedJobs jobs = (Reply.ManagedJobs) c.call(new Request.Manage(c.tag(), new Management.Jobs()));
            if (jobs.jobs().stream().allMatch(CopyJob::finished)) {
                jobs.jobs().forEach(j -> assertEquals(CopyJob.State.DONE, j.state(), j.toString()));
                // its volume is served from the management thread's next reading of the pool
                Thread.sleep(200);
                return;
            }
            assertTrue(System.nanoTime() < deadline, "jobs end: " + jobs);
            Thread.sleep(50);
        }
    }

    private static List<String> list(RawRsioClient c) throws IOException {
        return ((Reply.VolumeList) c.call(new Request.ListVolumes(c.tag()))).volumes().stream().map(VolumeInfo::name)
                .toList();
    }

    private static long size(RawRsioClient c, String volume) throws IOException {
        return ((Reply.VolumeList) c.call(new Request.ListVolumes(c.tag()))).volumes().stream()
                .filter(v -> v.name().equals(volume)).findFirst().orElseThrow().size();
    }

    /** The MiB at 2 MiB of {@code volume}, where the set-up wrote DATA. */
    private static byte[] read(RawRsioClient c, String volume) throws IOException {
        list(c); // the server reads the pool again: a copy completed meanwhile is opened
        int handle = ((Reply.Opened) c.open(volume)).handle();
        Reply r = c.call(new Request.Read(c.tag(), handle, 2L * MIB, MIB));
        byte[] bytes = RawRsioClient.bytesOf((Reply.ReadData) r);
        c.call(new Request.Close(c.tag(), handle));
        return bytes;
    }

    private RawRsioClient login() throws Exception {
        RawRsioClient c = RawRsioClient.connectTo(InetAddress.getByName(ADDRESS), server.port);
        clients.add(c);
        assertInstanceOf(Reply.AuthAccepted.class, c.login(200, "big-2", "0xbig2"));
        return c;
    }

    private void closeClients() throws IOException {
        for (RawRsioClient c : clients) {
            c.close();
        }
        clients.clear();
    }

    private List<String> poolFiles() throws IOException {
        try (Stream<Path> files = Files.list(pool)) {
            // not the lock nor the servers' open markers
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".rsio-"))
                    .sorted(Comparator.naturalOrder()).toList();
        }
    }

    /**
     * strace attached to rssrv's management thread, or to its copy threads, with {@code options};
     * returns once every thread is attached.
     */
    private Process strace(boolean copyThreads, String... options) throws Exception {
        List<String> tids = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(server.serverPid()), "task"))) {
            for (Path task : tasks.toList()) {
                String comm = Files.readString(task.resolve("comm")).strip();
                if (copyThreads ? comm.startsWith("rssrv-copy") : comm.startsWith("rssrv-manage")) {
                    tids.add(task.getFileName().toString());
                }
            }
        }
        assertEquals(copyThreads ? 2 : 1, tids.size(), "rssrv's " + (copyThreads ? "copy" : "management") + " threads");
        List<String> command = new ArrayList<>(List.of("strace"));
        command.addAll(List.of(options));
        for (String tid : tids) {
            command.addAll(List.of("-p", tid));
        }
        Path err = dir.resolve("strace.err");
        Files.deleteIfExists(err);
        Process p = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(err.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!Files.exists(err) || Files.readString(err).split("attached", -1).length - 1 < tids.size()) {
            assertTrue(p.isAlive() && System.nanoTime() < deadline, "strace attaches: " + (Files.exists(err)
                    ? Files.readString(err) : ""));
            Thread.sleep(20);
        }
        return p;
    }
}
