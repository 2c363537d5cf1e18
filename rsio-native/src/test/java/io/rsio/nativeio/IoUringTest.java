package io.rsio.nativeio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The io_uring binding against the running kernel: real rings, real reads, a real eventfd. */
class IoUringTest {
    @TempDir
    Path dir;

    @BeforeEach
    void requireIoUring() {
        assumeTrue(IoUring.allowed(), "io_uring is disabled on this host (kernel.io_uring_disabled)");
    }

    private record Completion(long userData, int result) {}

    @Test
    void nopsCompleteWithTheirUserData() throws Exception {
        try (IoUring ring = IoUring.setup(8, IoUring.SETUP_SQE128 | IoUring.SETUP_SINGLE_ISSUER
                | IoUring.SETUP_DEFER_TASKRUN)) {
            assertEquals(128, ring.sqeSize());
            assertTrue(ring.submissionEntries() >= 8);
            for (int i = 0; i < 3; i++) {
                IoUring.prepare(ring.nextSqe(), IoUring.OP_NOP, -1, 0, 0, 0, 100 + i);
            }
            assertEquals(3, ring.submitAndWait(3));
            List<Completion> done = new ArrayList<>();
            assertEquals(3, ring.reap((userData, result, flags) -> done.add(new Completion(userData, result))));
            assertEquals(List.of(new Completion(100, 0), new Completion(101, 0), new Completion(102, 0)), done);
            assertEquals(0, ring.reap((u, r, f) -> done.add(null)), "nothing left");
        }
    }

    @Test
    void theSubmissionRingReportsFullInsteadOfOverwriting() throws Exception {
        try (IoUring ring = IoUring.setup(4, 0)) {
            int slots = ring.submissionEntries();
            for (int i = 0; i < slots; i++) {
                assertNotNull(ring.nextSqe());
            }
            assertNull(ring.nextSqe(), "full");
            ring.submitAndWait(0);
            assertNotNull(ring.nextSqe(), "room again once the kernel took them");
        }
    }

    @Test
    void aReadReturnsTheFileBytesAndAFailureItsErrno() throws Exception {
        Path file = dir.resolve("data");
        Files.writeString(file, "hello io_uring");
        int fd = Syscalls.open(file, Syscalls.O_RDONLY);
        try (IoUring ring = IoUring.setup(4, 0); Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(64);
            IoUring.prepare(ring.nextSqe(), IoUring.OP_READ, fd, 6, buf.address(), 64, 7);
            IoUring.prepare(ring.nextSqe(), IoUring.OP_READ, 12345, 0, buf.address(), 64, 8);
            ring.submitAndWait(2);
            List<Completion> done = new ArrayList<>();
            ring.reap((userData, result, flags) -> done.add(new Completion(userData, result)));
            assertEquals(List.of(new Completion(7, 8), new Completion(8, -LinuxErrno.EBADF)), done);
            assertEquals("io_uring", new String(buf.asSlice(0, 8).toArray(ValueLayout.JAVA_BYTE),
                    StandardCharsets.US_ASCII));
        } finally {
            Syscalls.close(fd, file);
        }
    }

    @Test
    void anEventFdSignalFromAnotherThreadWakesAWaitingRing() throws Exception {
        try (IoUring ring = IoUring.setup(4, IoUring.SETUP_SINGLE_ISSUER | IoUring.SETUP_DEFER_TASKRUN);
                EventFd wakeup = EventFd.create(); Arena arena = Arena.ofConfined()) {
            MemorySegment counter = arena.allocate(8, 8);
            IoUring.prepare(ring.nextSqe(), IoUring.OP_READ, wakeup.fd(), 0, counter.address(), 8, 42);
            ring.submitAndWait(0);
            assertTrue(!ring.hasCompletions(), "nothing before the signal");
            Thread signaller = Thread.ofPlatform().start(() -> {
                try {
                    Thread.sleep(50);
                    wakeup.signal();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            ring.submitAndWait(1); // blocks until the other thread signals
            AtomicInteger result = new AtomicInteger();
            ring.reap((userData, res, flags) -> {
                assertEquals(42, userData);
                result.set(res);
            });
            assertEquals(8, result.get());
            assertEquals(1, counter.get(ValueLayout.JAVA_LONG, 0));
            signaller.join(5000);
        }
    }

    @Test
    void anonymousMemoryIsZeroedAndUnmaps() throws Exception {
        MemorySegment m = MappedMemory.anonymous(1 << 20, "test");
        assertEquals(1 << 20, m.byteSize());
        assertEquals(0, m.get(ValueLayout.JAVA_LONG, (1 << 20) - 8));
        m.set(ValueLayout.JAVA_LONG, 0, 5);
        assertEquals(5, m.get(ValueLayout.JAVA_LONG, 0));
        MappedMemory.unmap(m, "test");
    }
}
