package io.rsio.nativeio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One io_uring instance, bound with raw system calls (io_uring_setup, io_uring_enter): the
 * submission ring, the SQE array and the completion ring mapped into this process. liburing is
 * not used: its API is mostly static inline functions, which FFM cannot call.
 *
 * <p>Not thread-safe: one thread prepares SQEs, submits and reaps completions (rings made with
 * {@link #SETUP_SINGLE_ISSUER} even require that). Byte layouts: {@code linux/io_uring.h},
 * summarised in docs/BLOCKDEV.md.
 */
public final class IoUring implements AutoCloseable {
    public static final int SETUP_CLAMP = 1 << 4;
    public static final int SETUP_SUBMIT_ALL = 1 << 7;
    /** 128-byte SQEs: 80 bytes of command data for IORING_OP_URING_CMD (FUSE needs them). */
    public static final int SETUP_SQE128 = 1 << 10;
    public static final int SETUP_CQE32 = 1 << 11;
    public static final int SETUP_SINGLE_ISSUER = 1 << 12;
    /** Kernel-side completion work runs only when the owner thread waits in io_uring_enter. */
    public static final int SETUP_DEFER_TASKRUN = 1 << 13;

    public static final byte OP_NOP = 0;
    public static final byte OP_READ = 22;
    public static final byte OP_URING_CMD = 46;

    private static final int ENTER_GETEVENTS = 1;
    private static final int FEAT_SINGLE_MMAP = 1;
    private static final long OFF_SQ_RING = 0L;
    private static final long OFF_CQ_RING = 0x8000000L;
    private static final long OFF_SQES = 0x10000000L;
    private static final long SYS_IO_URING_SETUP = 425;
    private static final long SYS_IO_URING_ENTER = 426;
    private static final int PARAMS_SIZE = 120;
    private static final int CQE_SIZE = 16;
    /** Offset of the command area in an SQE (the addr3 union): 16 bytes, 80 with SQE128. */
    public static final int SQE_COMMAND_OFFSET = 48;

    // syscall(long number, ...): every argument after the number is variadic; all passed as longs.
    private static final MethodHandle SYSCALL_2 = Libc.capturing("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(1));
    private static final MethodHandle SYSCALL_6 = Libc.capturing("syscall",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG,
                    JAVA_LONG), Linker.Option.firstVariadicArg(1));
    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final Path WHAT = Path.of("io_uring");

    private final int fd;
    private final int sqeSize;
    private final MemorySegment sqRing;
    private final MemorySegment cqRing;
    private final MemorySegment sqes;
    private final int sqHead;
    private final int sqTail;
    private final int sqMask;
    private final int sqEntries;
    private final int cqHead;
    private final int cqTail;
    private final int cqMask;
    private final int cqes;
    private final int cqEntries;
    /** Bytes per CQE: 16, or 32 with {@link #SETUP_CQE32} (the extra 16 are not read here). */
    private final long cqeStride;
    /** SQEs prepared but not yet submitted, and the tail they will be published with. */
    private int pending;
    private int localTail;
    private boolean closed;

    /** What a completion carries: the SQE's user data, the result (negative errno on failure), flags. */
    @FunctionalInterface
    public interface CompletionHandler {
        void completed(long userData, int result, int flags);
    }

    private IoUring(int fd, int sqeSize, MemorySegment sqRing, MemorySegment cqRing, MemorySegment sqes,
                    MemorySegment params, int flags) {
        this.fd = fd;
        this.cqeStride = cqeSize(flags);
        this.sqeSize = sqeSize;
        this.sqRing = sqRing;
        this.cqRing = cqRing;
        this.sqes = sqes;
        sqHead = params.get(JAVA_INT, 40);
        sqTail = params.get(JAVA_INT, 44);
        sqMask = sqRing.get(JAVA_INT, params.get(JAVA_INT, 48));
        sqEntries = sqRing.get(JAVA_INT, params.get(JAVA_INT, 52));
        int sqArray = params.get(JAVA_INT, 64);
        cqHead = params.get(JAVA_INT, 80);
        cqTail = params.get(JAVA_INT, 84);
        cqMask = cqRing.get(JAVA_INT, params.get(JAVA_INT, 88));
        cqEntries = cqRing.get(JAVA_INT, params.get(JAVA_INT, 92));
        cqes = params.get(JAVA_INT, 100);
        // The indirection array maps ring slots to SQEs; slot i always uses SQE i.
        for (int i = 0; i < sqEntries; i++) {
            sqRing.set(JAVA_INT, sqArray + 4L * i, i);
        }
        localTail = (int) INT.getAcquire(sqRing, (long) sqTail);
    }

    /** True when this kernel allows io_uring for this process (sysctl kernel.io_uring_disabled is 0). */
    public static boolean allowed() {
        try {
            Path sysctl = Path.of("/proc/sys/kernel/io_uring_disabled");
            return !Files.exists(sysctl) || Files.readString(sysctl).trim().equals("0");
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /**
     * io_uring_setup with at least {@code entries} submission slots (twice as many completion
     * slots) and {@code flags} (SETUP_*), rings mapped. With {@link #SETUP_SINGLE_ISSUER} the
     * calling thread is the only one that may submit.
     */
    public static IoUring setup(int entries, int flags) throws NativeException {
        MemorySegment cs = Libc.callState();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment params = arena.allocate(PARAMS_SIZE, 8);
            params.set(JAVA_INT, 8, flags);
            long fd;
            try {
                fd = (long) SYSCALL_2.invokeExact(cs, SYS_IO_URING_SETUP, (long) entries, params);
            } catch (Throwable t) {
                throw Libc.unexpected(t);
            }
            if (fd < 0) {
                throw new NativeException(Libc.errno(cs), "io_uring_setup of " + entries + " entries, flags 0x"
                        + Integer.toHexString(flags), WHAT);
            }
            int ringFd = (int) fd;
            try {
                if ((params.get(JAVA_INT, 20) & FEAT_SINGLE_MMAP) == 0) {
                    throw new NativeException(LinuxErrno.EINVAL, "io_uring without IORING_FEAT_SINGLE_MMAP (kernel "
                            + "older than 5.4)", WHAT);
                }
                int sqEntries = params.get(JAVA_INT, 0);
                int cqEntries = params.get(JAVA_INT, 4);
                long sqRingSize = params.get(JAVA_INT, 64) + 4L * sqEntries;
                long cqRingSize = params.get(JAVA_INT, 100) + (long) cqEntries * cqeSize(flags);
                MemorySegment rings = MappedMemory.shared(ringFd, OFF_SQ_RING, Math.max(sqRingSize, cqRingSize),
                        "io_uring rings");
                int sqeSize = (flags & SETUP_SQE128) != 0 ? 128 : 64;
                MemorySegment sqes;
                try {
                    sqes = MappedMemory.shared(ringFd, OFF_SQES, (long) sqEntries * sqeSize, "io_uring SQEs");
                } catch (NativeException e) {
                    MappedMemory.unmap(rings, "io_uring rings");
                    throw e;
                }
                return new IoUring(ringFd, sqeSize, rings, rings, sqes, params, flags);
            } catch (NativeException | RuntimeException e) {
                Syscalls.close(ringFd, WHAT);
                throw e;
            }
        }
    }

    private static int cqeSize(int flags) {
        return (flags & SETUP_CQE32) != 0 ? 2 * CQE_SIZE : CQE_SIZE;
    }

    public int fd() {
        return fd;
    }

    public int submissionEntries() {
        return sqEntries;
    }

    public int completionEntries() {
        return cqEntries;
    }

    /** Bytes per SQE: 64, or 128 with {@link #SETUP_SQE128}. */
    public int sqeSize() {
        return sqeSize;
    }

    /**
     * The next free SQE, zeroed, or null when the submission ring is full (submit first). It is
     * submitted by the next {@link #submitAndWait}.
     */
    public MemorySegment nextSqe() {
        int head = (int) INT.getAcquire(sqRing, (long) sqHead);
        if (localTail - head >= sqEntries) {
            return null;
        }
        MemorySegment sqe = sqes.asSlice((long) (localTail & sqMask) * sqeSize, sqeSize);
        sqe.fill((byte) 0);
        localTail++;
        pending++;
        return sqe;
    }

    /** Fills the common fields of an SQE from {@link #nextSqe}. */
    public static void prepare(MemorySegment sqe, byte opcode, int fd, long offset, long address, int length,
                               long userData) {
        sqe.set(ValueLayout.JAVA_BYTE, 0, opcode);
        sqe.set(JAVA_INT, 4, fd);
        sqe.set(JAVA_LONG, 8, offset);
        sqe.set(JAVA_LONG, 16, address);
        sqe.set(JAVA_INT, 24, length);
        sqe.set(JAVA_LONG, 32, userData);
    }

    /**
     * An IORING_OP_URING_CMD for {@code fd}'s driver: {@code commandOp} goes where the offset
     * would be; returns the command area (80 bytes with SQE128) for the driver's structure.
     */
    public static MemorySegment prepareCommand(MemorySegment sqe, int fd, int commandOp, long address, int length,
                                               long userData) {
        prepare(sqe, OP_URING_CMD, fd, Integer.toUnsignedLong(commandOp), address, length, userData);
        return sqe.asSlice(SQE_COMMAND_OFFSET);
    }

    /**
     * Publishes the prepared SQEs and enters the kernel: submits them and, when
     * {@code waitFor} > 0, waits until that many completions are there. Returns the number of
     * SQEs the kernel took. EINTR is retried (completions are then simply reaped).
     */
    public int submitAndWait(int waitFor) throws NativeException {
        INT.setRelease(sqRing, (long) sqTail, localTail);
        int toSubmit = pending;
        int flags = waitFor > 0 ? ENTER_GETEVENTS : 0;
        MemorySegment cs = Libc.callState();
        while (true) {
            long n;
            try {
                n = (long) SYSCALL_6.invokeExact(cs, SYS_IO_URING_ENTER, (long) fd, (long) toSubmit, (long) waitFor,
                        (long) flags, 0L, 0L);
            } catch (Throwable t) {
                throw Libc.unexpected(t);
            }
            if (n >= 0) {
                pending -= (int) n;
                return (int) n;
            }
            int errno = Libc.errno(cs);
            if (errno != LinuxErrno.EINTR) {
                throw new NativeException(errno, "io_uring_enter (" + toSubmit + " to submit, wait for " + waitFor + ")",
                        WHAT);
            }
            if (waitFor > 0 && hasCompletions()) {
                return 0;
            }
        }
    }

    /** True when completions wait to be reaped. */
    public boolean hasCompletions() {
        return (int) INT.getAcquire(cqRing, (long) cqTail) != (int) INT.getAcquire(cqRing, (long) cqHead);
    }

    /** Hands every completion that is there to {@code handler}, then frees their slots; returns how many. */
    public int reap(CompletionHandler handler) {
        int head = (int) INT.getAcquire(cqRing, (long) cqHead);
        int tail = (int) INT.getAcquire(cqRing, (long) cqTail);
        int count = 0;
        while (head != tail) {
            long at = cqes + (long) (head & cqMask) * cqeStride;
            long userData = cqRing.get(JAVA_LONG, at);
            int result = cqRing.get(JAVA_INT, at + 8);
            int flags = cqRing.get(JAVA_INT, at + 12);
            head++;
            count++;
            // The slot is released before the handler runs: the handler may submit new work.
            INT.setRelease(cqRing, (long) cqHead, head);
            handler.completed(userData, result, flags);
        }
        return count;
    }

    @Override
    public void close() throws NativeException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            MappedMemory.unmap(sqes, "io_uring SQEs");
            MappedMemory.unmap(sqRing, "io_uring rings");
        } finally {
            Syscalls.close(fd, WHAT);
        }
    }
}
