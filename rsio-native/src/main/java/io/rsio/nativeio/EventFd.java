package io.rsio.nativeio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * An eventfd(2) counter: one thread waits for it (a read, here an io_uring read), any other
 * thread wakes it with {@link #signal}. Used to wake a thread that sleeps in io_uring_enter.
 */
public final class EventFd implements AutoCloseable {
    private static final int EFD_CLOEXEC = 02000000;
    private static final Path WHAT = Path.of("eventfd");
    private static final MethodHandle EVENTFD = Libc.capturing("eventfd",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle WRITE = Libc.capturing("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    /** The 8-byte increment each signal adds; never changed after class initialisation. */
    private static final MemorySegment ONE = Arena.global().allocateFrom(JAVA_LONG, 1L);

    private final int fd;

    private EventFd(int fd) {
        this.fd = fd;
    }

    public static EventFd create() throws NativeException {
        MemorySegment cs = Libc.callState();
        int fd;
        try {
            fd = (int) EVENTFD.invokeExact(cs, 0, EFD_CLOEXEC);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        if (fd < 0) {
            throw new NativeException(Libc.errno(cs), "eventfd", WHAT);
        }
        return new EventFd(fd);
    }

    public int fd() {
        return fd;
    }

    /** Adds one to the counter: a waiting reader wakes up. Safe from any thread. */
    public void signal() throws NativeException {
        MemorySegment cs = Libc.callState();
        while (true) {
            long n;
            try {
                n = (long) WRITE.invokeExact(cs, fd, ONE, 8L);
            } catch (Throwable t) {
                throw Libc.unexpected(t);
            }
            if (n == 8) {
                return;
            }
            int errno = Libc.errno(cs);
            if (errno != LinuxErrno.EINTR) {
                throw new NativeException(errno, "eventfd write", WHAT);
            }
        }
    }

    @Override
    public void close() throws NativeException {
        Syscalls.close(fd, WHAT);
    }
}
