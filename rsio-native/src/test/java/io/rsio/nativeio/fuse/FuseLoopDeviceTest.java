package io.rsio.nativeio.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rsio.block.MemoryBlockTarget;
import io.rsio.block.NettyLeakCheck;
import io.rsio.nativeio.MountTable;
import io.rsio.nativeio.NativeException;
import io.rsio.nativeio.NativeFile;
import io.rsio.nativeio.Posix;
import io.rsio.nativeio.Syscalls;
import io.rsio.nativeio.loop.LoopConfig;
import io.rsio.nativeio.loop.LoopDevice;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real kernel path (root only, else skipped): our FUSE server mounted, a loop device with
 * direct I/O on one of its files, and block I/O through /dev/loopN landing in the target.
 */
@ExtendWith(NettyLeakCheck.class)
class FuseLoopDeviceTest {
    private static final int SIZE = 32 << 20;

    @TempDir
    Path dir;
    FuseMount mount;
    private LoopDevice loop;

    @BeforeEach
    void requireRoot() {
        assumeTrue(Posix.geteuid() == 0 && FuseMount.available() && LoopDevice.available(),
                "needs root, /dev/fuse and /dev/loop-control");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (loop != null) {
            loop.detach();
            loop.awaitDetached(Duration.ofSeconds(5));
        }
        if (mount != null) {
            mount.close();
        }
        if (mount != null && isMounted(mount.dir())) {
            Syscalls.umount2(mount.dir(), Syscalls.MNT_DETACH);
        }
    }

    /** Mounts the filesystem under test with {@code readers} reader threads; subclasses pick the transport. */
    protected FuseMount mountFuse(int readers) throws IOException {
        FuseMount m = FuseMount.mount(dir.resolve("fuse"), readers, "test-fuse");
        assertEquals(FuseTransport.DEV_FUSE, m.transport().transport());
        return m;
    }

    private static boolean isMounted(Path dir) throws IOException {
        return MountTable.read().stream().anyMatch(m -> m.mountPoint().equals(dir));
    }

    private LoopDevice attachLoop(Path file, int blockSize) throws IOException {
        try (NativeFile f = NativeFile.open(file, false, false, true)) {
            return LoopDevice.attach(f.fd(), file.toString(), blockSize, LoopConfig.LO_FLAGS_DIRECT_IO);
        }
    }

    @Test
    void loopDeviceOnFuseFileReadsWritesDiscardsAndFlushesTheTarget() throws Exception {
        MemoryBlockTarget target = new MemoryBlockTarget("vol", SIZE, 512, 1 << 20, false);
        byte[] initial = new byte[SIZE];
        new Random(1).nextBytes(initial);
        target.load(initial);
        mount = mountFuse(3);
        assertTrue(mount.negotiated().maxWrite() >= 1 << 20, "1 MiB requests negotiated");
        assertTrue(mount.negotiated().asyncDirectIo(), "asynchronous direct I/O negotiated");
        Path file = mount.add("vol", target);
        assertEquals(SIZE, Files.size(file));
        try (var listing = Files.list(mount.dir())) {
            assertEquals(List.of(file), listing.toList());
        }

        loop = attachLoop(file, 4096);
        assertTrue(loop.directIo(), "loop device does direct I/O on the FUSE file");
        assertEquals(SIZE, loop.sizeBytes());
        assertEquals(1, mount.openHandles("vol"), "the loop device holds one handle");

        try (NativeFile dev = NativeFile.open(loop.path(), false, false, true);
                Arena arena = Arena.ofConfined()) {
            assertTrue(dev.isBlockDevice());
            // reads see what the target holds
            MemorySegment buf = arena.allocate(1 << 20, 4096);
            dev.pread(buf, 3 << 20);
            assertArrayEquals(Arrays.copyOfRange(initial, 3 << 20, 4 << 20), buf.toArray(ValueLayout.JAVA_BYTE));

            // writes land in the target
            byte[] pattern = new byte[1 << 20];
            new Random(2).nextBytes(pattern);
            MemorySegment.copy(pattern, 0, buf, ValueLayout.JAVA_BYTE, 0, pattern.length);
            dev.pwrite(buf, 5 << 20);
            dev.fdatasync();
            assertArrayEquals(pattern, Arrays.copyOfRange(target.contents(), 5 << 20, 6 << 20));
            assertTrue(target.flushes.get() >= 1, "fdatasync on the device flushed the target");
            assertTrue(target.largestIo.get() >= 512 << 10, "large requests reach the target unsplit: "
                    + target.largestIo.get());

            // discard becomes a punched hole: zeros, deallocation allowed
            dev.discardBlocks(5 << 20, 64 << 10);
            assertTrue(target.zeroes.get() >= 1, "discard reached the target as write-zeroes");
            byte[] zeros = new byte[64 << 10];
            assertArrayEquals(zeros, Arrays.copyOfRange(target.contents(), 5 << 20, (5 << 20) + (64 << 10)));
        }
        loop.detach();
        assertTrue(loop.awaitDetached(Duration.ofSeconds(5)), "loop device released");
        loop = null;
        awaitHandles("vol", 0);
        mount.remove("vol");
        assertFalse(Files.exists(file));
        mount.close();
        assertFalse(isMounted(dir.resolve("fuse")), "unmounted");
        assertFalse(mount.serving(), "reader threads ended");
        mount = null;
    }

    @Test
    void theFileIsAFixedSizeDeviceForDirectUsers() throws Exception {
        MemoryBlockTarget target = new MemoryBlockTarget("vol", 1 << 20, 512, 1 << 20, false);
        mount = mountFuse(1);
        Path file = mount.add("vol", target);
        try (NativeFile f = NativeFile.open(file, false, false, true); Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(8192, 4096);
            buf.fill((byte) 7);
            f.pwrite(buf, 4096);
            assertEquals(7, target.contents()[4096]);
            // unaligned offsets work too: nothing in between caches or aligns
            f.pwrite(buf.asSlice(0, 100), 10);
            assertEquals(7, target.contents()[109]);
            NativeException past = assertThrows(NativeException.class, () -> f.pwrite(buf, (1 << 20) - 4096));
            assertEquals("ENOSPC", past.errnoName());
            assertEquals(0, f.pread(buf, 1 << 20), "end of file at the volume's end");
            f.truncate(0); // ignored: a device keeps its size
            assertEquals(1 << 20, f.size());
            f.zeroRange(4096, 4096);
            assertEquals(0, target.contents()[4096]);
            assertEquals(1, target.zeroesWithoutHoles.get(), "zero range keeps the blocks allocated");
        }
        awaitHandles("vol", 0);
    }

    @Test
    void growthReachesTheLoopDevice() throws Exception {
        MemoryBlockTarget target = new MemoryBlockTarget("vol", 8 << 20, 512, 1 << 20, false);
        mount = mountFuse(2);
        Path file = mount.add("vol", target);
        loop = attachLoop(file, 512);
        assertEquals(8 << 20, loop.sizeBytes());
        target.resize(16 << 20);
        assertEquals(16 << 20, mount.refreshSize("vol"));
        loop.setCapacity();
        assertEquals(16 << 20, loop.sizeBytes());
    }

    @Test
    void aRemovedFileFailsWithEioInsteadOfHanging() throws Exception {
        MemoryBlockTarget target = new MemoryBlockTarget("vol", 1 << 20, 512, 1 << 20, false);
        mount = mountFuse(1);
        Path file = mount.add("vol", target);
        try (NativeFile f = NativeFile.open(file, false, false, true); Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(4096, 4096);
            assertEquals(1, mount.openers("vol").size());
            assertEquals(List.of((int) ProcessHandle.current().pid()), mount.openers("vol"));
            mount.remove("vol");
            NativeException e = assertThrows(NativeException.class, () -> f.pread(buf, 0));
            assertEquals("EIO", e.errnoName());
        }
    }

    private void awaitHandles(String name, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (mount.openHandles(name) != expected && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(expected, mount.openHandles(name));
    }
}
