package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.PathRow;
import io.rsio.control.ControlRows.ReloadRow;
import io.rsio.nativeio.Posix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reload} applies changes to a running rsiod under verified I/O, on real test hosts
 * (network namespaces, two links): an interface added, a server added (its path opens), the
 * first interface and server removed (their path closes, I/O moves on), a wrong node key
 * refused with the paths kept, a path setting changed (every path logs in again, make before
 * break), policy and chunk size changed, and finally the namespace removed. Not one I/O fails,
 * and every read returns what was written.
 */
@Timeout(180)
class ReloadTest {
    @TempDir
    Path dir;

    @Test
    void changesAreAppliedUnderIoWithoutAnError() throws Exception {
        assumeTrue(Posix.geteuid() == 0, "network namespaces need root");
        try (Testbed bed = Testbed.up("rsitrl", dir, 1, "--paths", "2", "--rate", "none", "--ping", "100ms",
                "--path-timeout", "1s")) {
            Path config = dir.resolve("rscltcfg");
            Matcher m = Pattern.compile("nodekey\\s*=\\s*(\\S+)").matcher(Files.readString(config));
            assertTrue(m.find());
            String key = m.group(1);
            Files.writeString(config, text(key, "100ms", "", true, false, true, false));
            bed.startServer(0);
            bed.startClient();
            bed.await("first path", Duration.ofSeconds(20), () -> bed.connectedPaths() == 1);
            bed.await("NBD export", Duration.ofSeconds(20), () -> Files.exists(dir.resolve("run/nbd/vol.sock")));

            try (Load load = new Load(dir.resolve("run/nbd/vol.sock"))) {
                load.awaitOps(50);
                assertEquals(List.of(applied("interface if1 198.18.1.20 added")),
                        reload(bed, config, text(key, "100ms", "", true, true, true, false)));
                assertEquals(List.of(applied("namespace tb: 1 path(s) opened, 1 connected")),
                        reload(bed, config, text(key, "100ms", "", true, true, true, true)));
                assertEquals(2, bed.connectedPaths());
                load.awaitOps(load.ops() + 50);

                // The first interface and its server go: their path closes, the I/O on it moves over.
                assertEquals(List.of(applied("interface if0 198.18.0.20 removed"),
                        applied("namespace tb: 1 path(s) closed")),
                        reload(bed, config, text(key, "100ms", "", false, true, false, true)));
                List<PathRow> paths = bed.control("status").rows(PathRow.class);
                assertEquals(List.of("0 000 198.18.1.10 connected"), paths.stream().map(p -> p.interfaceIndex() + " "
                        + String.format("%03d", p.repIndex()) + " " + p.address() + " " + p.state()).toList());
                long since = paths.getFirst().stateSinceMillis();
                load.awaitOps(load.ops() + 50);

                // A wrong key is refused; the running path is not touched.
                List<ReloadRow> wrong = reload(bed, config, text("0xbad", "100ms", "", false, true, false, true));
                assertEquals(1, wrong.size(), wrong.toString());
                assertEquals("refused", wrong.getFirst().action());
                assertTrue(wrong.getFirst().change().startsWith("namespace tb: new log-in data not applied: no path"
                        + " logged in with it (login refused"), wrong.toString());
                assertFalse(wrong.toString().contains("0xbad"), "the key is never said");
                assertEquals(since, bed.control("status").rows(PathRow.class).getFirst().stateSinceMillis());
                load.awaitOps(load.ops() + 50);

                // Back to the right key, with another ping interval: the path logs in again.
                assertEquals(List.of(applied("[defaults] changed: the namespaces that inherit them follow"),
                        applied("namespace tb: logged in again on 1 of 1 path(s); multipath settings now"
                        + " policy adaptive, chunk 262144 bytes, no-path timeout 60000 ms, path timeout 1000 ms, data digests on")),
                        reload(bed, config, text(key, "150ms", "", false, true, false, true)));
                assertEquals(1, bed.connectedPaths());
                load.awaitOps(load.ops() + 50);

                // Volume settings only: applied without touching the path.
                long before = bed.control("status").rows(PathRow.class).getFirst().stateSinceMillis();
                assertEquals(List.of(applied("[defaults] changed: the namespaces that inherit them follow"),
                        applied("namespace tb: multipath settings now policy roundrobin, chunk 131072 bytes, no-path"
                                + " timeout 60000 ms, path timeout 1000 ms, data digests on")),
                        reload(bed, config, text(key, "150ms", "policy = roundrobin\nchunk_size = 128K\n", false, true,
                                false, true)));
                assertEquals(before, bed.control("status").rows(PathRow.class).getFirst().stateSinceMillis());
                assertEquals(List.of(new ReloadRow("none", "no changes in " + config)), reload(bed, config,
                        text(key, "150ms", "policy = roundrobin\nchunk_size = 128K\n", false, true, false, true)));
                load.awaitOps(load.ops() + 50);
                load.stop();
                assertEquals(List.of(), load.errors, "I/O errors during the reloads");
                assertTrue(load.ops() >= 300, "ops " + load.ops());
            }

            // The namespace removed (nothing attached): its paths close and its export goes.
            String noNamespace = text(key, "150ms", "", false, true, false, true);
            noNamespace = noNamespace.substring(0, noNamespace.indexOf("[namespace tb]"));
            assertEquals(List.of(applied("[defaults] changed: the namespaces that inherit them follow"),
                    applied("namespace tb (id 300) removed")), reload(bed, config, noNamespace));
            assertEquals(List.of(), bed.control("status").rows(PathRow.class));
            assertFalse(Files.exists(dir.resolve("run/nbd/vol.sock")), "the NBD export is gone");
        }
    }

    private static ReloadRow applied(String change) {
        return new ReloadRow("applied", change);
    }

    private static List<ReloadRow> reload(Testbed bed, Path config, String text) throws Exception {
        Files.writeString(config, text);
        ControlResponse r = bed.control("reload");
        assertTrue(r.ok(), () -> "reload: " + r.error());
        return r.rows(ReloadRow.class);
    }

    /** The testbed's client file with the chosen interfaces and servers (link 0 and link 1). */
    private static String text(String key, String ping, String extraDefaults, boolean if0, boolean if1, boolean srv0,
                               boolean srv1) {
        StringBuilder b = new StringBuilder("""
                [defaults]
                protocol       = tcp
                port           = 5000
                ping_interval  = %s
                path_timeout   = 1s
                reconnect_max  = 1s
                %s
                """.formatted(ping, extraDefaults));
        if (if0) {
            b.append("[interface if0]\naddress = 198.18.0.20\n\n");
        }
        if (if1) {
            b.append("[interface if1]\naddress = 198.18.1.20\n\n");
        }
        b.append("[namespace tb]\nnamespaceid = 300\nnodename = tbclient\nnodekey = ").append(key).append("\n\n");
        if (srv0) {
            b.append("[server tb-s0-0]\naddress = 198.18.0.10\n\n");
        }
        if (srv1) {
            b.append("[server tb-s0-1]\naddress = 198.18.1.10\n\n");
        }
        return b.toString();
    }

    /** Two threads writing random 64 KiB blocks through the NBD export and reading each back. */
    static final class Load implements AutoCloseable {
        final List<String> errors = new CopyOnWriteArrayList<>();
        private final NbdTestClient nbd;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong ops = new AtomicLong();
        private final List<Thread> threads = new ArrayList<>();

        Load(Path socket) throws Exception {
            nbd = NbdTestClient.connect(socket, "vol");
            for (int t = 0; t < 2; t++) {
                int index = t;
                threads.add(Thread.ofPlatform().name("reload-load-" + t).start(() -> run(index)));
            }
        }

        private void run(int index) {
            Random random = new Random(index);
            long region = nbd.size() / 2 * index;
            byte[] data = new byte[64 * 1024];
            while (running.get() && errors.isEmpty()) {
                long offset = region + (long) random.nextInt(1024) * data.length;
                random.nextBytes(data);
                try {
                    nbd.write(offset, data, false).get(30, TimeUnit.SECONDS);
                    byte[] back = nbd.read(offset, data.length).get(30, TimeUnit.SECONDS);
                    if (!Arrays.equals(data, back)) {
                        errors.add("read at " + offset + " is not what was written");
                    }
                    ops.addAndGet(2);
                } catch (Exception e) {
                    errors.add("I/O at " + offset + ": " + e);
                }
            }
        }

        long ops() {
            return ops.get();
        }

        void awaitOps(long n) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (ops.get() < n && errors.isEmpty()) {
                assertTrue(System.nanoTime() < deadline, "I/O stalled at " + ops.get() + " ops");
                Thread.sleep(20);
            }
            assertEquals(List.of(), errors);
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) {
                t.join(Duration.ofSeconds(40));
            }
        }

        @Override
        public void close() throws Exception {
            stop();
            nbd.close();
        }
    }
}
