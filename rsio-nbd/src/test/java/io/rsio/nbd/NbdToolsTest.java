package io.rsio.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rsio.block.MemoryBlockTarget;
import io.rsio.block.NettyLeakCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Interoperability with the real NBD clients (libnbd's nbdinfo/nbdcopy, qemu-img/qemu-io, fio's
 * nbd engine) run as processes against the server on a unix socket. Needs the Debian packages
 * nbdkit libnbd-bin qemu-utils fio fuse3; a test whose tool is missing is skipped.
 */
@Tag("interop")
@ExtendWith(NettyLeakCheck.class)
class NbdToolsTest {
    private static final Duration TOOL_TIMEOUT = Duration.ofSeconds(15);
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;
    private TestServer test;
    private NbdServer server;
    private Path socket;

    @AfterEach
    void stopServer() {
        if (test != null) {
            test.close();
        }
    }

    private void serve(MemoryBlockTarget... targets) {
        test = TestServer.start(dir, targets);
        server = test.server;
        socket = test.socket;
    }

    private String uri(String export) {
        return test.uri(export);
    }

    private Tool.Result run(String... command) throws IOException, InterruptedException {
        assumeTrue(Tool.installed(command[0]), command[0] + " is not installed");
        return Tool.run(dir, TOOL_TIMEOUT, List.of(command));
    }

    private Tool.Result runOk(String... command) throws IOException, InterruptedException {
        Tool.Result r = run(command);
        assertEquals(0, r.exitCode(), r::toString);
        return r;
    }

    private Path randomFile(String name, int size, long seed) throws IOException {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return Files.write(dir.resolve(name), bytes);
    }

    @Test
    void nbdinfoListsEveryExport() throws Exception {
        serve(new MemoryBlockTarget("alpha", 4 * MIB), new MemoryBlockTarget("beta", 2 * MIB));
        Tool.Result r = runOk("nbdinfo", "--list", "nbd+unix:///?socket=" + socket);
        assertTrue(r.stdout().contains("export=\"alpha\""), r::toString);
        assertTrue(r.stdout().contains("export=\"beta\""), r::toString);
    }

    @Test
    void nbdinfoShowsSizeBlockSizesAndFlags() throws Exception {
        serve(new MemoryBlockTarget("alpha", 4 * MIB, 512, 256 * 1024, false));
        Tool.Result r = runOk("nbdinfo", uri("alpha"));
        String out = r.stdout();
        assertTrue(out.contains("export-size: 4194304"), r::toString);
        assertTrue(out.contains("block_size_minimum: 512"), r::toString);
        assertTrue(out.contains("block_size_preferred: 4096"), r::toString);
        assertTrue(out.contains("block_size_maximum: 262144"), r::toString);
        assertTrue(out.contains("can_multi_conn: true"), r::toString);
        assertTrue(out.contains("can_flush: true"), r::toString);
        assertTrue(out.contains("can_fua: true"), r::toString);
        assertTrue(out.contains("can_trim: true"), r::toString);
        assertTrue(out.contains("can_zero: true"), r::toString);
        assertTrue(out.contains("is_read_only: false"), r::toString);
        assertTrue(out.contains("base:allocation"), r::toString);

        // base:allocation answers: the whole export is allocated data
        Tool.Result map = runOk("nbdinfo", "--map", uri("alpha"));
        assertEquals(List.of("0", "4194304", "0", "data"), List.of(map.stdout().strip().split("\\s+")), map::toString);
    }

    @Test
    void emptyExportNameReachesTheDefaultExport() throws Exception {
        serve(new MemoryBlockTarget("first", 3 * MIB), new MemoryBlockTarget("second", 1 * MIB));
        Tool.Result r = runOk("nbdinfo", "--size", "nbd+unix:///?socket=" + socket);
        assertEquals("3145728", r.stdout().strip(), r::toString);
    }

    @Test
    void readOnlyExportIsShownReadOnlyAndRefusesWrites() throws Exception {
        MemoryBlockTarget ro = new MemoryBlockTarget("ro", 1 * MIB, 512, MIB, true);
        serve(ro);
        Tool.Result info = runOk("nbdinfo", uri("ro"));
        assertTrue(info.stdout().contains("is_read_only: true"), info::toString);
        Tool.Result write = run("qemu-io", "-f", "raw", "-c", "write -P 0x11 0 4k", uri("ro"));
        // qemu honours READ_ONLY and refuses to open for writing (EPERM from the server itself is
        // covered by RawProtocolTest, as no tool sends a write to a read-only export)
        assertNotEquals(0, write.exitCode(), write::toString);
        assertTrue(write.stderr().contains("Permission denied"), write::toString);
        assertEquals(0, ro.writes.get());
    }

    @Test
    void nbdcopyRoundTripIsByteIdentical() throws Exception {
        MemoryBlockTarget disk = new MemoryBlockTarget("disk", 8 * MIB);
        serve(disk);
        Path src = randomFile("src.img", 8 * MIB, 1);
        runOk("nbdcopy", src.toString(), uri("disk"));
        assertArrayEquals(Files.readAllBytes(src), disk.contents());
        Path out = dir.resolve("out.img");
        runOk("nbdcopy", uri("disk"), out.toString());
        assertEquals(-1, Files.mismatch(src, out));
    }

    @Test
    void largeRequestsAreSplitForASmallTarget() throws Exception {
        // the target takes 64 KiB at most; nbdcopy asks for far more in one request
        MemoryBlockTarget disk = new MemoryBlockTarget("disk", 8 * MIB, 512, 64 * 1024, false);
        serve(disk);
        Path src = randomFile("src.img", 8 * MIB, 2);
        runOk("nbdcopy", "--request-size=4194304", src.toString(), uri("disk"));
        Path out = dir.resolve("out.img");
        runOk("nbdcopy", "--request-size=4194304", uri("disk"), out.toString());
        assertEquals(-1, Files.mismatch(src, out));
        assertTrue(disk.largestIo.get() <= 64 * 1024, "target saw " + disk.largestIo.get());
    }

    @Test
    void qemuImgConvertAndCompare() throws Exception {
        MemoryBlockTarget disk = new MemoryBlockTarget("disk", 8 * MIB);
        serve(disk);
        Path src = randomFile("src.img", 8 * MIB, 3);
        runOk("qemu-img", "convert", "-n", "-f", "raw", "-O", "raw", src.toString(), uri("disk"));
        assertArrayEquals(Files.readAllBytes(src), disk.contents());
        Tool.Result same = runOk("qemu-img", "compare", "-f", "raw", "-F", "raw", src.toString(), uri("disk"));
        assertTrue(same.stdout().contains("Images are identical"), same::toString);

        byte[] changed = Files.readAllBytes(src);
        changed[5 * MIB + 7] ^= 1;
        Files.write(src, changed);
        Tool.Result differ = run("qemu-img", "compare", "-f", "raw", "-F", "raw", src.toString(), uri("disk"));
        assertEquals(1, differ.exitCode(), differ::toString); // 1 = images differ
    }

    @Test
    void qemuIoPatternWriteAndRead() throws Exception {
        MemoryBlockTarget disk = new MemoryBlockTarget("disk", 4 * MIB);
        serve(disk);
        Tool.Result r = runOk("qemu-io", "-f", "raw",
                "-c", "write -P 0xa5 1M 256k",
                "-c", "write -z 1088k 64k",
                "-c", "read -P 0xa5 1M 64k",
                "-c", "read -P 0 1088k 64k",
                "-c", "read -P 0xa5 1152k 128k",
                "-c", "flush",
                uri("disk"));
        assertTrue(!r.output().contains("Pattern verification failed"), r::toString);
        byte[] data = disk.contents();
        for (int i = 0; i < 256 * 1024; i++) {
            byte expected = i >= 64 * 1024 && i < 128 * 1024 ? 0 : (byte) 0xa5;
            assertEquals(expected, data[MIB + i], "byte " + (MIB + i));
        }
        assertEquals(0, data[MIB - 1]);
        assertTrue(disk.flushes.get() >= 1);
    }

    @Test
    void fioRandomWriteWithCrc32cVerify() throws Exception {
        serve(new MemoryBlockTarget("disk", 16 * MIB));
        Tool.Result r = runOk("fio", "--name=nbdverify", "--ioengine=nbd", "--uri=" + uri("disk"),
                "--rw=randwrite", "--bs=4k", "--size=16M", "--iodepth=16", "--verify=crc32c",
                "--do_verify=1", "--verify_fatal=1", "--runtime=20");
        assertTrue(r.stdout().contains("err= 0"), r::toString);
        assertTrue(!r.output().contains("verify: bad"), r::toString);
    }

    @Test
    void readErrorMakesNbdcopyAndQemuImgFail() throws Exception {
        MemoryBlockTarget disk = new MemoryBlockTarget("disk", 8 * MIB).failRange(5 * MIB, 4096);
        serve(disk);
        Tool.Result copy = run("nbdcopy", uri("disk"), dir.resolve("a.img").toString());
        assertNotEquals(0, copy.exitCode(), copy::toString);
        assertTrue(copy.stderr().contains("Input/output error"), copy::toString);
        Tool.Result convert = run("qemu-img", "convert", "-f", "raw", "-O", "raw", uri("disk"),
                dir.resolve("b.img").toString());
        assertNotEquals(0, convert.exitCode(), convert::toString);
        assertTrue(convert.stderr().contains("Input/output error"), convert::toString);
    }

    @Test
    void readBeyondTheEndAfterAShrinkIsAnError() throws Exception {
        // Clients check ranges against the size they were told, so the server's own check is
        // reached only when the export shrinks under a connected client.
        MemoryBlockTarget disk = new MemoryBlockTarget("disk", 4 * MIB);
        serve(disk);
        assumeTrue(Tool.installed("qemu-io"));
        Path out = dir.resolve("qemu-io.out");
        Path err = dir.resolve("qemu-io.err");
        Process p = Tool.start(dir, List.of("qemu-io", "-f", "raw", uri("disk")), out, err);
        var commands = new java.io.OutputStreamWriter(p.getOutputStream(), java.nio.charset.StandardCharsets.UTF_8);
        try {
            commands.write("read 0 4k\n"); // proves the connection is in transmission
            commands.flush();
            long deadline = System.nanoTime() + TOOL_TIMEOUT.toNanos();
            while (disk.reads.get() == 0) {
                assertTrue(System.nanoTime() < deadline && p.isAlive(), "qemu-io did not read");
                Thread.sleep(10);
            }
            disk.resize(2 * MIB);
            commands.write("read 3M 64k\nread 1M 64k\nquit\n");
            commands.close(); // qemu-io runs the rest of its input once it ends
            assertTrue(p.waitFor(TOOL_TIMEOUT.toSeconds(), TimeUnit.SECONDS),
                    () -> "qemu-io did not exit: " + readQuietly(out) + readQuietly(err));
        } finally {
            Tool.stop(p);
            commands.close();
        }
        String output = Files.readString(out) + Files.readString(err);
        assertTrue(output.contains("Invalid argument"), output);
        assertTrue(output.contains("read 65536/65536 bytes at offset 1048576"), output);
    }

    @Test
    void nbdfuseMountServesTheExportAsAFile() throws Exception {
        assumeTrue(Tool.installed("nbdfuse") && Files.exists(Path.of("/dev/fuse")), "nbdfuse or /dev/fuse missing");
        MemoryBlockTarget disk = new MemoryBlockTarget("disk", 4 * MIB);
        byte[] pattern = new byte[4 * MIB];
        new Random(4).nextBytes(pattern);
        disk.load(pattern);
        serve(disk);
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        Path pidFile = dir.resolve("nbdfuse.pid");
        Process p = Tool.start(dir, List.of("nbdfuse", "-P", pidFile.toString(), mnt + "/disk.img", uri("disk")),
                dir.resolve("fuse.out"), dir.resolve("fuse.err"));
        try {
            Path file = mnt.resolve("disk.img");
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!Files.exists(pidFile) && p.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assumeTrue(Files.exists(pidFile) && Files.exists(file),
                    () -> "FUSE mount not possible here: " + readQuietly(dir.resolve("fuse.err")));
            assertArrayEquals(pattern, Files.readAllBytes(file));
            byte[] page = new byte[4096];
            Arrays.fill(page, (byte) 0x3c);
            try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(page), 8192);
                ch.force(true);
            }
            assertArrayEquals(page, Arrays.copyOfRange(disk.contents(), 8192, 8192 + 4096));
        } finally {
            Tool.run(dir, Duration.ofSeconds(10), List.of("fusermount3", "-u", mnt.toString()));
            Tool.stop(p);
        }
    }

    private static String readQuietly(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            return e.toString();
        }
    }
}
