package io.rsio.crsio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.admin.DaemonControl;
import io.rsio.cli.Units;
import io.rsio.common.RsioEnvironment;
import io.rsio.control.ControlClient;
import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.ServerRow;
import io.rsio.control.ControlRows.ServerVolumeStatRow;
import io.rsio.nativeio.Posix;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Volume management from crsio's Volumes screen on a real pty (tmux, 80x24, PuTTY's key bytes)
 * against a real rssrv process with two pools and a real rsiod: create (thin in one pool, thick
 * in the other), grow, snapshot, a delete kept by the confirmation's focused button, a delete
 * done, a delete the server refuses for a missing right, a copy to a volume and a backup to a file
 * (background jobs: pool "plain" has no reflinks) and a copy refused, throttle, pause and resume, each by
 * keys, and each checked where the server keeps it (the pool's files) or by rsiod's control
 * socket as rsconfig asks it. The pool "fast" is an XFS made with reflink=1 in a loop-backed file
 * where the host can (root, mkfs.xfs): then the snapshot is made; elsewhere it is a directory and
 * the snapshot is the server's background copy, followed to its end (or a reflink, on a file system
 * with reflinks).
 * The server listens on 127.0.0.191 (rsiod's interface must be an address the host has
 * configured: 127.0.0.1).
 */
@Timeout(240)
class VolumeOperationsTmuxTest {
    static final Path HOME = Path.of(System.getProperty("user.dir")).getParent();
    static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;
    private Path xfsDir;
    private Path fast;
    private boolean reflinks;
    private TmuxTerminal tmux;
    private Process rssrv;
    private DaemonControl rsiod;

    @AfterEach
    void cleanUp() throws Exception {
        if (tmux != null) {
            tmux.close();
        }
        if (rsiod != null && rsiod.state().running()) {
            rsiod.stop(true);
        }
        if (rssrv != null) {
            rssrv.destroy();
            rssrv.waitFor(20, TimeUnit.SECONDS);
        }
        if (xfsDir != null) {
            TmuxTerminal.run("umount", fast.toString());
            TmuxTerminal.run("rm", "-rf", xfsDir.toString());
        }
    }

    @Test
    void createGrowSnapshotDeleteRefusedThrottlePauseShrinkByKeys() throws Exception {
        fast = poolFast();
        Path plain = Files.createDirectories(dir.resolve("plain"));
        int port = TestServer.freePort();
        Path serverConfig = dir.resolve("rssrvcfg");
        Files.writeString(serverConfig, """
                [namespace osl]
                namespaceid = 214
                port        = %d

                [server big-9]
                serverid = 1

                [interface if1]
                address = 127.0.0.191

                [clients]
                big-2 0x5eedc0ffee

                [pool fast]
                path     = %s
                create   = big-2
                grow     = big-2
                snapshot = big-2
                delete   = big-2
                throttle = big-2
                pause    = big-2

                [pool plain]
                path     = %s
                create   = big-2
                copy     = big-2
                """.formatted(port, fast, plain));
        rssrv = TmuxTerminal.startRssrv(dir, serverConfig);

        Path config = dir.resolve("etc/rscltcfg");
        TestServer.writeClientConfig(config, port, 214, "0x5eedc0ffee", "127.0.0.191");
        Path runDir = Files.createDirectories(dir.resolve("run"));
        Path logDir = Files.createDirectories(dir.resolve("log"));
        RsioEnvironment env = RsioEnvironment.from(Map.of("RSIO_RUN_DIR", runDir.toString(),
                "RSIO_LOG_DIR", logDir.toString(), "RSIO_DEV_DIR", dir.resolve("dev").toString()));
        rsiod = new DaemonControl(env, DaemonControl.thisJava());
        rsiod.start(config);
        ControlClient control = new ControlClient(env.controlSocket());
        awaitLoggedIn(control, dir);

        tmux = new TmuxTerminal("s14b-vol-" + ProcessHandle.current().pid(), TmuxTerminal.crsioCommand(HOME, config,
                runDir, logDir, dir.resolve("dev"), "xterm"));
        tmux.await("[F10 Exit]");
        tmux.keys("F9");
        tmux.await("Main menu (Enter opens");
        tmux.keys("Home", "Down", "Down", "Down", "Down", "Down", "Down", "Enter");
        tmux.await("0 volume(s) in 1 namespace(s)");
        tmux.await("C create G grow S snapshot K copy B backup D delete T throttle P pause R resume");

        // Create (C): thin, 64M, in pool fast.
        create("data", "64M", "fast", false);
        tmux.await("osl:data: created data in pool fast: 64M thin on server big-9");
        assertEquals(64 * MIB, Files.size(fast.resolve("data.img")));
        assertTrue(vol(fast, "data").contains("size = " + 64 * MIB + "\nblocksize = 512\nthick = no\n"),
                vol(fast, "data"));
        // Provisioned and allocated, as du counts the server's file, after 3 MiB written by a client
        // (qemu-io through rsiod's NBD export): the row and the detail follow within a refresh.
        Path nbd = runDir.resolve("nbd/data.sock");
        TmuxTerminal.awaitFile(nbd); // rsiod exports the new volume once it has listed it
        must("qemu-io", "-f", "raw", "-c", "write -P 0x5a 1M 3M", "nbd+unix:///data?socket=" + nbd);
        assertTrue(du(fast.resolve("data.img")) >= 3 * MIB, "the server's file holds the 3 MiB");
        String row = awaitAllocatedAsDu("data", fast.resolve("data.img"));
        assertTrue(row.matches(".*osl +big-9 +data +64\\.0 MiB +[0-9.]+ MiB +\\d+ +rw +- *"), row);
        selectRow("data");
        tmux.await("space: allocated " + Units.bytes(du(fast.resolve("data.img"))) + " of 64.0 MiB");

        // Create a thick one in the other pool: the Pool field names it, space ticks Thick.
        create("other", "8M", "plain", true);
        tmux.await("osl:other: created other in pool plain: 8M thick on server big-9");
        assertTrue(vol(plain, "other").contains("thick = yes"), vol(plain, "other"));
        assertEquals(8 * MIB, du(plain.resolve("other.img")), "thick: every byte allocated");
        assertTrue(rowOf("other").matches(".*osl +big-9 +other +8\\.0 MiB +8\\.0 MiB +\\d+ +rw +- *"), tmux.screen());

        // Grow (G) data to 96M.
        selectRow("data");
        tmux.text("G");
        tmux.await("Grow osl:data");
        tmux.keys("End", "BSpace", "BSpace", "BSpace");
        tmux.text("96M");
        tmux.keys("Enter");
        tmux.await("osl:data: grew data from 64M to 96M on server big-9");
        assertEquals(96 * MIB, Files.size(fast.resolve("data.img")));
        assertTrue(vol(fast, "data").contains("size = " + 96 * MIB + "\n"), vol(fast, "data"));
        tmux.await("96.0 MiB");

        // Snapshot (S): a reflink where the pool has them, else the server's background copy (job 1),
        // followed to its end.
        tmux.text("S");
        tmux.await("Snapshot osl:data");
        tmux.await("data.snap");
        tmux.keys("Enter");
        String made = "osl:data: snapshot data.snap of data made (reflink, 96M) on server big-9";
        boolean reflinked = awaitEither(made, "job 1 on big-9: snapshot data.snap done, 96.0 MiB in").equals(made);
        assertTrue(!reflinks || reflinked, "the XFS pool makes reflinks:\n" + tmux.screen());
        String snap = vol(fast, "data.snap");
        assertTrue(snap.contains("readonly = yes") && snap.contains("origin = data") && !snap.contains("copying"),
                snap);
        assertEquals(-1, Files.mismatch(fast.resolve("data.img"), fast.resolve("data.snap.img")));
        String victim = "data.snap";
        long victimSize = 96 * MIB;

        // Delete (D), kept: the question names the volume and what is lost; Enter keeps it.
        selectRow(victim);
        tmux.text("D");
        String ask = tmux.await("Delete osl:" + victim + " on server big-9?");
        assertTrue(flat(ask).contains("Its data is lost for good: " + Units.bytes(victimSize) + " provisioned"), ask);
        tmux.keys("Enter");
        tmux.awaitGone("Delete osl:" + victim + " on");
        tmux.await("Kept osl:" + victim);
        assertTrue(Files.exists(fast.resolve(victim + ".vol")) && Files.exists(fast.resolve(victim + ".img")));
        // ... and done: the other button.
        tmux.text("D");
        tmux.await("Delete osl:" + victim + " on server big-9?");
        tmux.keys("Right", "Enter");
        tmux.await("osl:" + victim + ": deleted " + victim + " from pool fast on server big-9");
        assertFalse(Files.exists(fast.resolve(victim + ".vol")) || Files.exists(fast.resolve(victim + ".img")));
        awaitNoRow(victim);

        // Delete refused: no right "delete" in pool plain; the reason in a dialog, nothing changes.
        selectRow("other");
        tmux.text("D");
        tmux.await("Delete osl:other on server big-9?");
        tmux.keys("Right", "Enter");
        String refused = tmux.await("Refused: Delete osl:other");
        assertTrue(flat(refused).contains("client big-2 lacks the right \"delete\" in pool plain"), refused);
        tmux.keys("Enter");
        tmux.awaitGone("Refused: Delete");
        assertTrue(tmux.screen().contains("lacks the right"), "the reason stays on the message line");
        assertTrue(Files.exists(plain.resolve("other.vol")) && Files.exists(plain.resolve("other.img")));

        // Copy (K) and backup (B) in pool plain, which has no reflinks: the server's background job,
        // followed to its end; the copy's data file and the backup hold other's bytes.
        must("qemu-io", "-f", "raw", "-c", "write -P 0x3c 2M 3M", "nbd+unix:///other?socket="
                + runDir.resolve("nbd/other.sock"));
        tmux.keys("F7"); // the F7 menu has them too, with their letters
        tmux.await("Copy osl:other to a new volume...  (K)");
        tmux.await("Back up osl:other to a file in its pool...  (B)");
        tmux.keys("Escape");
        tmux.awaitGone("Copy osl:other to a new volume");
        tmux.text("K");
        tmux.await("Copy osl:other");
        tmux.await("other.copy");
        tmux.keys("Enter");
        awaitFlat("job 2 on big-9: volume other.copy done, 8.0 MiB in");
        assertFalse(vol(plain, "other.copy").contains("copying"), vol(plain, "other.copy"));
        assertEquals(-1, Files.mismatch(plain.resolve("other.img"), plain.resolve("other.copy.img")));
        rowOf("other.copy");
        selectRow("other");
        tmux.text("B");
        tmux.await("Back up osl:other");
        tmux.text("nightly.raw");
        tmux.keys("Enter");
        awaitFlat("job 3 on big-9: file nightly.raw done, 8.0 MiB in");
        assertEquals(-1, Files.mismatch(plain.resolve("other.img"), plain.resolve("nightly.raw")));
        // Copy refused: no right "copy" in pool fast; the reason in a dialog, nothing made.
        selectRow("data");
        tmux.text("K");
        tmux.await("Copy osl:data");
        tmux.keys("Enter");
        String noCopy = tmux.await("Refused: Copy osl:data");
        assertTrue(flat(noCopy).contains("client big-2 lacks the right \"copy\" in pool fast"), noCopy);
        tmux.keys("Enter");
        tmux.awaitGone("Refused: Copy");
        assertFalse(Files.exists(fast.resolve("data.copy.vol")) || Files.exists(fast.resolve("data.copy.img")));

        selectRow("data");
        // Throttle (T): 10M and 500 IOPS for the volume, in its .vol and shown.
        tmux.text("T");
        tmux.await("Throttle osl:data");
        tmux.text("10M");
        tmux.keys("Tab");
        tmux.text("500");
        tmux.keys("Enter");
        tmux.await("limits: volume 10.0 MiB/s 500 IOPS");
        assertTrue(vol(fast, "data").contains("limit = " + 10 * MIB + " 500\n"), vol(fast, "data"));

        // Pause (P) and resume (R).
        tmux.text("P");
        tmux.await("Pause the I/O of these volumes of osl");
        tmux.keys("Enter");
        tmux.await("PAUSED (R resumes)");
        assertTrue(paused(control, "data"), "the server holds data's I/O");
        assertTrue(rowOf("data").contains(" paused "), tmux.screen());
        tmux.text("R");
        tmux.await("Let the held I/O");
        tmux.keys("Enter");
        tmux.await("running, limits: volume 10.0 MiB/s 500 IOPS");
        assertFalse(paused(control, "data"), "resumed on the server");

        // One client's own limit: IOPS only, Client big-2.
        tmux.text("T");
        tmux.await("Now: volume 10.0 MiB/s 500 IOPS.");
        tmux.keys("Tab");
        tmux.text("100");
        tmux.keys("Tab");
        tmux.text("big-2");
        tmux.keys("Enter");
        String limits = flat(tmux.await("client big-2"));
        assertTrue(limits.contains("limits: volume 10.0 MiB/s 500 IOPS; client big-2 100 IOPS"), limits);
        assertTrue(vol(fast, "data").contains("limit.big-2 = 0 100\n"), vol(fast, "data"));

        // The volume's limit off: both limits left empty, no client; big-2's own stays.
        tmux.text("T");
        tmux.await("Throttle osl:data");
        tmux.keys("Enter");
        tmux.await("running, limits: client big-2 100 IOPS");
        assertFalse(vol(fast, "data").contains("limit ="), vol(fast, "data"));
        assertTrue(vol(fast, "data").contains("limit.big-2 = 0 100\n"), vol(fast, "data"));

        // A smaller size asks first; Enter keeps the size.
        tmux.text("G");
        tmux.await("Grow osl:data");
        tmux.keys("End", "BSpace", "BSpace", "BSpace");
        tmux.text("32M");
        tmux.keys("Enter");
        String shrink = tmux.await("Shrink osl:data from 96.0 MiB to 32.0 MiB?");
        assertTrue(flat(shrink).contains("Everything stored beyond 32.0 MiB is lost."), shrink);
        tmux.keys("Enter");
        tmux.awaitGone("Shrink osl:data from");
        assertEquals(96 * MIB, Files.size(fast.resolve("data.img")));
    }

    /** The row of {@code name} once its Alloc column says what du says of the server's file now. */
    private String awaitAllocatedAsDu(String name, Path file) throws Exception {
        long deadline = System.nanoTime() + TmuxTerminal.WAIT.toNanos();
        while (true) {
            String row = rowOf(name);
            String allocated = Units.bytes(du(file));
            if (row.matches(".* " + Pattern.quote(Units.bytes(64 * MIB)) + " +" + Pattern.quote(allocated) + " .*")) {
                return row;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("du says " + allocated + ", the row " + row);
            }
            Thread.sleep(200);
        }
    }

    /** {@code text} on the screen, the message line's wrap taken as a space. */
    private void awaitFlat(String text) throws Exception {
        awaitEither(text, text);
    }

    /** Which of two texts the screen shows first (wrapped lines joined). */
    private String awaitEither(String one, String other) throws Exception {
        long deadline = System.nanoTime() + TmuxTerminal.WAIT.toNanos();
        while (true) {
            String screen = flat(tmux.screen());
            if (screen.contains(one) || screen.contains(other)) {
                return screen.contains(one) ? one : other;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("neither \"" + one + "\" nor \"" + other + "\":\n" + screen);
            }
            Thread.sleep(50);
        }
    }

    /** C and the form: the Pool field holds the selected volume's pool at first, so it is emptied. */
    private void create(String name, String size, String pool, boolean thick) throws Exception {
        tmux.text("C");
        tmux.await("Create a volume");
        tmux.text(name);
        tmux.keys("Tab");
        tmux.text(size);
        tmux.keys("Tab", "End");
        for (int i = 0; i < 8; i++) {
            tmux.keys("BSpace");
        }
        tmux.text(pool);
        if (thick) {
            tmux.keys("Tab", "Space", "Tab", "Enter"); // Thick ticked, then OK
        } else {
            tmux.keys("Enter"); // Enter in a field is OK
        }
    }

    /** The pool "fast": XFS with reflinks where the host can make one, else a plain directory. */
    private Path poolFast() throws Exception {
        boolean xfs = Posix.geteuid() == 0 && Files.isExecutable(Path.of("/usr/sbin/mkfs.xfs"))
                && Files.exists(Path.of("/dev/loop-control"));
        if (!xfs) {
            System.err.println("VolumeOperationsTmuxTest: no root or mkfs.xfs: the snapshot's refusal is tested");
            return Files.createDirectories(dir.resolve("fast"));
        }
        xfsDir = Files.createTempDirectory("s14b-xfs");
        Path image = xfsDir.resolve("xfs.img");
        Path mount = Files.createDirectories(xfsDir.resolve("pool"));
        must("truncate", "-s", "512M", image.toString());
        must("mkfs.xfs", "-q", "-m", "reflink=1", image.toString());
        must("mount", "-o", "loop", image.toString(), mount.toString());
        reflinks = true;
        return mount;
    }

    private static void must(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), String.join(" ", command));
        assertEquals(0, p.exitValue(), () -> String.join(" ", command) + ": " + out);
    }

    /** Bytes the file holds, as du counts them (st_blocks x 512). */
    private static long du(Path file) throws Exception {
        Process p = new ProcessBuilder("du", "-B1", file.toString()).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return Long.parseLong(out.split("\\s+")[0]);
    }

    private static String vol(Path pool, String name) throws Exception {
        return Files.readString(pool.resolve(name + ".vol"));
    }

    /** The dialog's text as one line: wrapped lines joined, frames and padding gone. */
    private static String flat(String screen) {
        return screen.replaceAll("[\\s│|]+", " ");
    }

    /** The table row of volume {@code name}. */
    private String rowOf(String name) throws Exception {
        Pattern p = Pattern.compile("^osl +big-9 +" + Pattern.quote(name) + " .*$", Pattern.MULTILINE);
        long deadline = System.nanoTime() + TmuxTerminal.WAIT.toNanos();
        while (true) {
            Matcher m = p.matcher(tmux.screen());
            if (m.find()) {
                return m.group();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no row of " + name + ":\n" + tmux.screen());
            }
            Thread.sleep(100);
        }
    }

    private void awaitNoRow(String name) throws Exception {
        Pattern p = Pattern.compile("^osl +big-9 +" + Pattern.quote(name) + " .*$", Pattern.MULTILINE);
        long deadline = System.nanoTime() + TmuxTerminal.WAIT.toNanos();
        while (p.matcher(tmux.screen()).find()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the row of " + name + " stays:\n" + tmux.screen());
            }
            Thread.sleep(100);
        }
    }

    /** Moves the table's selection to {@code name}: its detail line names it. */
    private void selectRow(String name) throws Exception {
        rowOf(name);
        tmux.keys("Home");
        for (int i = 0; i < 10; i++) {
            tmux.settle();
            if (tmux.screen().contains(" osl:" + name + "@")) {
                return;
            }
            tmux.keys("Down");
        }
        throw new AssertionError(name + " never selected:\n" + tmux.screen());
    }

    private static boolean paused(ControlClient control, String name) throws Exception {
        ControlResponse r = control.call("volume", "stats", "osl:" + name);
        assertTrue(r.ok(), r.error());
        List<ServerVolumeStatRow> rows = r.rows(ServerVolumeStatRow.class);
        assertEquals(1, rows.size(), rows.toString());
        return rows.getFirst().paused();
    }

    private static void awaitLoggedIn(ControlClient control, Path dir) throws Exception {
        long deadline = System.nanoTime() + TmuxTerminal.WAIT.toNanos();
        while (true) {
            try {
                if (!control.call("query").rows(ServerRow.class).isEmpty()) {
                    return;
                }
            } catch (ControlClient.ControlException e) {
                // not up yet
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("rsiod never logged in to big-9; rssrv.out:\n"
                        + logged(dir.resolve("rssrv.out"))
                        + "\nrsiod.log:\n" + logged(dir.resolve("log/rsiod.log")));
            }
            Thread.sleep(100);
        }
    }

    private static String logged(Path file) throws java.io.IOException {
        return Files.exists(file) ? Files.readString(file) : "(none)";
    }
}
