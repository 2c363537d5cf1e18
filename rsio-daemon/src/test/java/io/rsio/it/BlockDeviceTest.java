package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.nativeio.NativeFile;
import io.rsio.nativeio.fuse.FuseUringSupport;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rsconfig -a/-d/-l against a real rsiod and rssrv, with real kernel devices (root only): a
 * filesystem made, filled, detached, attached again and checked; raw O_DIRECT I/O on the c:
 * path; detach refused while mounted and forced; the local view in the seed's format. After
 * every test nothing of ours is left: no loop device, no mount, no link.
 */
class BlockDeviceTest {
    static final int VOLUME_MIB = 64;
    @TempDir
    static Path dir;
    static TestCluster cluster;
    static BlockDevices devices;

    @BeforeAll
    static void start() throws Exception {
        cluster = BlockDevices.startConnectedCluster(dir, VOLUME_MIB);
        devices = new BlockDevices(cluster);
    }

    @AfterEach
    void nothingLeftBehind() throws Exception {
        try {
            cluster.rsconfig("-d", "-f"); // whatever a failed test left attached
            devices.assertNothingLeft();
        } finally {
            devices.cleanUp();
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            try {
                cluster.close();
            } finally {
                devices.cleanUp();
            }
        }
    }

    private static ProcessResult rsconfig(int expectedExit, String... args) throws Exception {
        ProcessResult r = cluster.rsconfig(args);
        assertEquals(expectedExit, r.exitCode(), () -> "rsconfig " + String.join(" ", args) + "\n" + r + "\n--- rsiod.log\n"
                + logTail());
        return r;
    }

    private static String logTail() {
        try {
            String log = cluster.log("rsiod");
            return log.substring(Math.max(0, log.length() - 4000));
        } catch (Exception e) {
            return e.toString();
        }
    }

    @Test
    void filesystemSurvivesDetachAndAttachWithTheSameChecksums() throws Exception {
        Path mnt = Files.createDirectories(dir.resolve("mnt-fs"));
        ProcessResult attached = rsconfig(0, "-a", "oracle");
        Path b = devices.blockLink("oracle");
        assertEquals("osl:oracle attached: b: " + b + "  c: " + devices.charLink("oracle") + "\n", attached.stdout());
        assertTrue(Files.isSymbolicLink(b));
        assertTrue(devices.loopOf("oracle").toString().startsWith("/dev/loop"), "b: is a loop block device");

        devices.run("mkfs.ext4", "-q", "-F", b.toString());
        devices.run("mount", b.toString(), mnt.toString());
        Map<String, byte[]> tree = BlockDevices.tree(42);
        BlockDevices.writeTree(mnt, tree);
        devices.run("sync");
        devices.run("umount", mnt.toString());
        assertTrue(rsconfig(0, "-d", "oracle").stdout().contains("osl:oracle detached"));
        assertFalse(Files.exists(b, LinkOption.NOFOLLOW_LINKS), "b: link removed");
        assertEquals(java.util.List.of(), devices.ourLoops(), "loop device released");

        rsconfig(0, "-a", "oracle");
        devices.loopOf("oracle");
        devices.run("mount", b.toString(), mnt.toString());
        assertEquals(BlockDevices.checksums(tree), BlockDevices.checksums(mnt), "files read back through a new device");
        devices.run("umount", mnt.toString());
        devices.run("fsck.ext4", "-fn", b.toString());
        rsconfig(0, "-d");
    }

    @Test
    void rawPathTakesODirectIoAtRandomOffsets() throws Exception {
        rsconfig(0, "-a", "osl:S10_oracle");
        Path c = devices.charLink("S10_oracle");
        devices.loopOf("S10_oracle");
        int size = VOLUME_MIB << 20;
        byte[] model = new byte[size];
        Random random = new Random(7);
        long[] offsets = new long[48];
        int[] lengths = new int[48];
        try (NativeFile raw = NativeFile.open(c, false, false, true); Arena arena = Arena.ofConfined()) {
            assertEquals(size, raw.size());
            MemorySegment buf = arena.allocate(256 << 10, 4096);
            for (int i = 0; i < offsets.length; i++) {
                lengths[i] = 4096 * (1 + random.nextInt(64));
                offsets[i] = 4096L * random.nextInt((size - lengths[i]) / 4096);
                byte[] data = new byte[lengths[i]];
                random.nextBytes(data);
                System.arraycopy(data, 0, model, (int) offsets[i], data.length);
                MemorySegment.copy(data, 0, buf, ValueLayout.JAVA_BYTE, 0, data.length);
                raw.pwrite(buf.asSlice(0, data.length), offsets[i]);
            }
            raw.fdatasync();
            for (int i = 0; i < offsets.length; i++) {
                MemorySegment piece = buf.asSlice(0, lengths[i]);
                assertEquals(lengths[i], raw.pread(piece, offsets[i]));
                byte[] expected = Arrays.copyOfRange(model, (int) offsets[i], (int) offsets[i] + lengths[i]);
                assertArrayEquals(expected, piece.toArray(ValueLayout.JAVA_BYTE), "c: read at " + offsets[i]);
            }
        }
        // The same bytes through the block device, and in the server's volume file.
        try (NativeFile block = NativeFile.open(devices.blockLink("S10_oracle"), true, false, true);
                Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(256 << 10, 4096);
            for (int i = 0; i < offsets.length; i += 5) {
                MemorySegment piece = buf.asSlice(0, lengths[i]);
                block.pread(piece, offsets[i]);
                assertArrayEquals(Arrays.copyOfRange(model, (int) offsets[i], (int) offsets[i] + lengths[i]),
                        piece.toArray(ValueLayout.JAVA_BYTE), "b: read at " + offsets[i]);
            }
        }
        byte[] served = Files.readAllBytes(dir.resolve("s10.img"));
        for (int i = 0; i < offsets.length; i++) {
            assertArrayEquals(Arrays.copyOfRange(model, (int) offsets[i], (int) offsets[i] + lengths[i]),
                    Arrays.copyOfRange(served, (int) offsets[i], (int) offsets[i] + lengths[i]),
                    "volume file at " + offsets[i]);
        }
        // dd opens with O_TRUNC: a device ignores that, and so does the raw path.
        byte[] block = new byte[4096];
        Arrays.fill(block, (byte) 0x5a);
        Path source = Files.write(dir.resolve("block.bin"), block);
        devices.run("dd", "if=" + source, "of=" + c, "bs=4096", "count=1", "oflag=direct");
        assertEquals(size, Files.size(c), "the raw path keeps the volume's size");
        assertArrayEquals(block, Arrays.copyOf(Files.readAllBytes(dir.resolve("s10.img")), 4096), "dd's block landed");
        rsconfig(0, "-d", "S10_oracle");
    }

    @Test
    void detachOfAMountedDeviceIsRefusedNamingTheMountPointAndForceWorks() throws Exception {
        Path mnt = Files.createDirectories(dir.resolve("mnt-busy"));
        rsconfig(0, "-a", "oracle");
        Path b = devices.blockLink("oracle");
        devices.loopOf("oracle");
        devices.run("mkfs.ext4", "-q", "-F", b.toString());
        devices.run("mount", b.toString(), mnt.toString());
        Files.writeString(mnt.resolve("note"), "still here");

        ProcessResult refused = rsconfig(1, "-d", "oracle");
        assertTrue(refused.stderr().contains("osl:oracle not detached: " + b + " is mounted on " + mnt),
                refused.stderr());
        assertTrue(rsconfig(0, "-l").stdout().contains("osl:oracle@0"), "still attached");
        assertTrue(Files.isSymbolicLink(b));
        ProcessResult all = rsconfig(1, "-d");
        assertTrue(all.stderr().contains("is mounted on " + mnt), "detaching everything refuses it too");

        ProcessResult forced = rsconfig(0, "-d", "-f", "oracle");
        assertTrue(forced.stdout().contains("osl:oracle detached by force"), forced.stdout());
        assertTrue(forced.stdout().contains("mounted on " + mnt), forced.stdout());
        assertFalse(devices.ourMounts().stream().anyMatch(m -> m.mountPoint().equals(mnt)), "unmounted");
        assertEquals(java.util.List.of(), devices.ourLoops(), "loop device gone");
        assertTrue(rsconfig(0, "-l").stdout().startsWith("no devices attached"));
        assertTrue(cluster.log("rsiod").contains("forced detach of osl:oracle"));
    }

    @Test
    void localViewIsTheSeedsFormat() throws Exception {
        assertTrue(rsconfig(0, "-l").stdout().startsWith("no devices attached"), "nothing attached");
        assertTrue(rsconfig(0, "-lvv").stdout().startsWith("no devices attached; attach method fuse+loop"));
        rsconfig(0, "-a");
        Path loopS10 = devices.loopOf("S10_oracle");
        Path loopOracle = devices.loopOf("oracle");
        assertEquals("osl:S10_oracle@0\nosl:oracle@0\n", rsconfig(0, "-l").stdout());
        String blocks = String.format("%13d blocks,  1 server(s)", (VOLUME_MIB << 20) / 512);
        String lv = rsconfig(0, "-lv").stdout();
        assertEquals("osl:S10_oracle@0\n"
                + "    c: " + String.format("%-20s", devices.charLink("S10_oracle")) + " " + blocks + "\n"
                + "    b: " + devices.blockLink("S10_oracle") + "\n"
                + "osl:oracle@0\n"
                + "    c: " + String.format("%-20s", devices.charLink("oracle")) + " " + blocks + "\n"
                + "    b: " + devices.blockLink("oracle") + "\n", lv);
        String lvv = rsconfig(0, "-lvv").stdout();
        assertTrue(lvv.startsWith("osl:S10_oracle@0\n    c: "), lvv);
        assertTrue(lvv.contains("    m: fuse+loop " + loopS10 + " (direct I/O), block size 512, on "
                + devices.fuseDir().resolve("osl:S10_oracle") + "\n"), lvv);
        assertTrue(lvv.contains("    m: fuse+loop " + loopOracle + " (direct I/O)"), lvv);
        assertEquals(lvv, rsconfig(0, "-l", "-v", "-v").stdout());
        assertTrue(cluster.log("rsiod").contains("block devices: attach method fuse+loop"), "method in the log");
        // fuse_transport = auto: io_uring where the kernel offers it (enable_uring = Y), else
        // /dev/fuse with the reason; the same in -lvv and the log
        Matcher transport = Pattern.compile("\nFUSE transport: (io_uring|/dev/fuse) \\(").matcher(lvv);
        assertTrue(transport.find(), lvv);
        if (FuseUringSupport.probe().state() == FuseUringSupport.State.MISSING) {
            assertEquals("/dev/fuse", transport.group(1), "no io_uring in this kernel");
        }
        assertTrue(cluster.log("rsiod").contains("transport " + transport.group(1) + " ("), "transport in the log");

        ProcessResult again = rsconfig(0, "-a", "oracle");
        assertTrue(again.stdout().startsWith("osl:oracle already attached"), again.stdout());
        ProcessResult unknown = rsconfig(1, "-a", "nosuch");
        assertTrue(unknown.stderr().contains("no volume nosuch (known: osl:S10_oracle, osl:oracle)"), unknown.stderr());
        ProcessResult notAttached = rsconfig(1, "-d", "osl:nosuch");
        assertTrue(notAttached.stderr().contains("no attached device for osl:nosuch"), notAttached.stderr());
        assertEquals(2, cluster.rsconfig("-a", "x", "y").exitCode(), "usage error");
        assertTrue(Pattern.compile("osl:S10_oracle detached.*\\n.*osl:oracle detached", Pattern.DOTALL)
                .matcher(rsconfig(0, "-d").stdout()).find());
    }
}
