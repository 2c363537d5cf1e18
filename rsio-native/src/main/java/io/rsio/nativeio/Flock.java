package io.rsio.nativeio;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * An flock(2) lock on a file, shared or exclusive, held until {@link #close()}. Locks belong to
 * the open file description, so two locks taken through two opens conflict even inside one
 * process (unlike POSIX record locks, which one process never conflicts with itself on, and
 * which any close of the file would drop): several rssrv, or several threads, on one pool
 * directory exclude each other the same way.
 */
public final class Flock implements AutoCloseable {
    private static final int LOCK_SH = 1;
    private static final int LOCK_EX = 2;
    private static final MethodHandle FLOCK = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("flock")
                    .orElseThrow(() -> new UnsupportedOperationException("C library has no flock()")),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.captureCallState("errno"));

    private final int fd;
    private final Path path;
    private boolean closed;

    private Flock(int fd, Path path) {
        this.fd = fd;
        this.path = path;
    }

    /** Waits for an exclusive lock on {@code path} (made, mode 0600, if missing). */
    public static Flock exclusive(Path path) throws NativeException {
        return take(path, LOCK_EX);
    }

    /** Waits for a shared lock: any number of readers, no writer. */
    public static Flock shared(Path path) throws NativeException {
        return take(path, LOCK_SH);
    }

    private static Flock take(Path path, int operation) throws NativeException {
        int fd = Syscalls.open(path, Syscalls.O_RDWR | LinuxAbi.O_CREAT);
        MemorySegment cs = Libc.callState();
        try {
            while (true) {
                int r;
                try {
                    r = (int) FLOCK.invokeExact(cs, fd, operation);
                } catch (Throwable t) {
                    throw new IllegalStateException("flock failed unexpectedly", t);
                }
                if (r == 0) {
                    return new Flock(fd, path);
                }
                int errno = Libc.errno(cs);
                if (errno != LinuxErrno.EINTR) {
                    throw new NativeException(errno, operation == LOCK_EX ? "flock(LOCK_EX)" : "flock(LOCK_SH)", path);
                }
            }
        } catch (NativeException | RuntimeException e) {
            Syscalls.close(fd, path);
            throw e;
        }
    }

    /** Releases the lock (closing the descriptor releases it). */
    @Override
    public void close() throws NativeException {
        if (!closed) {
            closed = true;
            Syscalls.close(fd, path);
        }
    }
}
