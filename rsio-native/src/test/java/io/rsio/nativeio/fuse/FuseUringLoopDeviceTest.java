package io.rsio.nativeio.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rsio.block.MemoryBlockTarget;
import io.rsio.nativeio.NativeFile;
import io.rsio.nativeio.Posix;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The same real kernel path as {@link FuseLoopDeviceTest} (every test of it runs here again),
 * with requests over io_uring queues instead of /dev/fuse reads: mounted with
 * {@code fuse_transport = uring}, which switches the kernel's enable_uring on. Skipped on
 * kernels without CONFIG_FUSE_IO_URING.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FuseUringLoopDeviceTest extends FuseLoopDeviceTest {
    /** enable_uring as the test found it: put back afterwards, the host's switch is not ours. */
    private static String enableUringBefore;

    @BeforeAll
    static void rememberTheKernelSwitch() throws IOException {
        if (Files.exists(FuseUringSupport.ENABLE_URING)) {
            enableUringBefore = Files.readString(FuseUringSupport.ENABLE_URING).trim();
        }
    }

    @AfterAll
    static void restoreTheKernelSwitch() throws IOException {
        if (enableUringBefore != null && Posix.geteuid() == 0) {
            Files.writeString(FuseUringSupport.ENABLE_URING, enableUringBefore);
        }
    }

    @BeforeEach
    void requireFuseOverIoUring() {
        assumeTrue(FuseUringSupport.probe().state() != FuseUringSupport.State.MISSING,
                "kernel without FUSE over io_uring: " + FuseUringSupport.probe().reason());
    }

    @Test
    void autoFollowsTheKernelSwitchAndSaysWhy() throws Exception {
        Files.writeString(FuseUringSupport.ENABLE_URING, "N");
        mount = FuseMount.mount(dir.resolve("fuse"), 2, "test-auto", FuseTransport.Setting.AUTO);
        assertEquals(FuseTransport.DEV_FUSE, mount.transport().transport());
        assertTrue(mount.transport().reason().contains("enable_uring = N"), mount.transport().reason());
        assertEquals("N", Files.readString(FuseUringSupport.ENABLE_URING).trim(), "auto leaves the switch alone");
        MemoryBlockTarget target = new MemoryBlockTarget("vol", 1 << 20, 512, 1 << 20, false);
        assertEquals(1 << 20, Files.size(mount.add("vol", target)), "served over /dev/fuse");
        mount.close();

        Files.writeString(FuseUringSupport.ENABLE_URING, "Y");
        mount = FuseMount.mount(dir.resolve("fuse"), 2, "test-auto", FuseTransport.Setting.AUTO);
        assertEquals(FuseTransport.IO_URING, mount.transport().transport(), mount.transport().describe());
        assertEquals(1 << 20, Files.size(mount.add("vol", target)));
        assertTrue(mount.ringRequests() > 0, "the stat came over io_uring");
        mount.close();

        mount = FuseMount.mount(dir.resolve("fuse"), 2, "test-dev", FuseTransport.Setting.DEV);
        assertEquals(new FuseTransport.Choice(FuseTransport.DEV_FUSE, "fuse_transport = dev"), mount.transport());
    }

    @Override
    protected FuseMount mountFuse(int readers) throws IOException {
        FuseMount m = FuseMount.mount(dir.resolve("fuse"), readers, "test-uring", FuseTransport.Setting.URING);
        assertEquals(FuseTransport.IO_URING, m.transport().transport(), "transport: " + m.transport().describe());
        assertTrue(m.negotiated().overIoUring(), "FUSE_OVER_IO_URING negotiated");
        assertEquals(FuseUringSupport.possibleCpus(), m.ringQueues(), "one queue per possible CPU");
        assertEquals(FuseUringSupport.State.ON, FuseUringSupport.probe().state(), "enable_uring switched on");
        return m;
    }

    @Test
    void manyConcurrentWritesThroughTheLoopDeviceReadBack() throws Exception {
        int size = 64 << 20;
        MemoryBlockTarget target = new MemoryBlockTarget("vol", size, 512, 1 << 20, false);
        mount = mountFuse(2);
        Path file = mount.add("vol", target);
        byte[] expected = new byte[size];
        new Random(3).nextBytes(expected);
        // several threads, each writing its own stripes through one descriptor on the FUSE file:
        // many requests in flight on the queues at once, small and large
        int threads = 4;
        try (NativeFile f = NativeFile.open(file, false, false, true)) {
            Thread[] writers = new Thread[threads];
            Throwable[] failure = new Throwable[1];
            for (int t = 0; t < threads; t++) {
                int id = t;
                writers[t] = Thread.ofPlatform().start(() -> {
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment buf = arena.allocate(1 << 20, 4096);
                        for (long at = (long) id << 20; at < size; at += (long) threads << 20) {
                            int len = (int) ((at >> 20) % 3 == 0 ? 1 << 20 : 4096);
                            MemorySegment.copy(expected, (int) at, buf, ValueLayout.JAVA_BYTE, 0, len);
                            f.pwrite(buf.asSlice(0, len), at);
                        }
                    } catch (Throwable e) {
                        failure[0] = e;
                    }
                });
            }
            for (Thread w : writers) {
                w.join();
            }
            if (failure[0] != null) {
                throw new AssertionError("a writer failed", failure[0]);
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buf = arena.allocate(1 << 20, 4096);
                for (long at = 0; at < size; at += 1 << 20) {
                    int len = (int) ((at >> 20) % 3 == 0 ? 1 << 20 : 4096);
                    f.pread(buf.asSlice(0, len), at);
                    assertArrayEquals(Arrays.copyOfRange(expected, (int) at, (int) at + len),
                            buf.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE), "read back at " + at);
                    assertArrayEquals(Arrays.copyOfRange(expected, (int) at, (int) at + len),
                            Arrays.copyOfRange(target.contents(), (int) at, (int) at + len), "target at " + at);
                }
            }
        }
        assertTrue(mount.ringRequests() >= 2 * (size >> 20), "the reads and writes came over io_uring: "
                + mount.ringRequests());
    }
}
