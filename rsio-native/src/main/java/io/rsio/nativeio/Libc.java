package io.rsio.nativeio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * Downcall handles into the C library, made once per JVM.
 *
 * <p>Calls that can fail take a "call state" segment first, where the linker stores errno
 * right after the call returns (reading errno later from Java would be unreliable: the JVM
 * itself makes C calls in between). Each thread reuses one such segment, so the hot
 * pread/pwrite path allocates nothing. Only 64-bit Linux is supported: {@code size_t},
 * {@code ssize_t} and {@code off_t} are mapped to {@code long}.
 */
final class Libc {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE_LAYOUT.varHandle(PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /** One errno slot per thread; an automatic arena frees it once the thread is gone. */
    private static final ThreadLocal<MemorySegment> CALL_STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CALL_STATE_LAYOUT));

    static {
        if (ADDRESS.byteSize() != 8 || !System.getProperty("os.name", "").startsWith("Linux")) {
            throw new UnsupportedOperationException("rsio-native supports 64-bit Linux only");
        }
    }

    // open(const char *path, int flags, ...): the mode is a variadic argument.
    private static final MethodHandle OPEN = capturing("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = capturing("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle PREAD = capturing("pread",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    // preadv2(int fd, const struct iovec *iov, int iovcnt, off_t offset, int flags)
    private static final MethodHandle PREADV2 = capturing("preadv2",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG, JAVA_INT));
    /** One struct iovec {void *base; size_t len} per thread, for preadv2. */
    private static final ThreadLocal<MemorySegment> IOVEC = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(16, 8));
    // pwritev(int fd, const struct iovec *iov, int iovcnt, off_t offset)
    private static final MethodHandle PWRITEV = capturing("pwritev",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, JAVA_LONG));
    private static final MethodHandle FDATASYNC = capturing("fdatasync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle FALLOCATE = capturing("fallocate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    // posix_fadvise(int fd, off_t offset, off_t len, int advice): returns the error number itself.
    private static final MethodHandle POSIX_FADVISE = plain("posix_fadvise",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle FTRUNCATE = capturing("ftruncate",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    // statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *buf):
    // its layout is the same on every architecture, unlike struct stat.
    private static final MethodHandle STATX = capturing("statx",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    // ioctl(int fd, unsigned long request, ...): the argument is variadic.
    private static final MethodHandle IOCTL_PTR = capturing("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle LSEEK = capturing("lseek",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
    // copy_file_range(int fd_in, off_t *off_in, int fd_out, off_t *off_out, size_t len, unsigned int flags)
    private static final MethodHandle COPY_FILE_RANGE = capturing("copy_file_range",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle STRERROR = plain("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    private static final MethodHandle GETEUID = plain("geteuid", FunctionDescriptor.of(JAVA_INT));

    private Libc() {}

    /** This thread's errno slot; pass it to a call, then read {@link #errno} from it. */
    static MemorySegment callState() {
        return CALL_STATE.get();
    }

    static int errno(MemorySegment callState) {
        return (int) ERRNO.get(callState, 0L);
    }

    static int open(MemorySegment cs, MemorySegment path, int flags, int mode) {
        try {
            return (int) OPEN.invokeExact(cs, path, flags, mode);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int close(MemorySegment cs, int fd) {
        try {
            return (int) CLOSE.invokeExact(cs, fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static long pread(MemorySegment cs, int fd, MemorySegment buf, long count, long offset) {
        try {
            return (long) PREAD.invokeExact(cs, fd, buf, count, offset);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** preadv2 of one buffer with {@code flags} (RWF_NOWAIT = 8: fail with EAGAIN rather than wait for the disk). */
    static long preadv2(MemorySegment cs, int fd, MemorySegment buf, long count, long offset, int flags) {
        MemorySegment iov = IOVEC.get();
        iov.set(ADDRESS, 0, buf);
        iov.set(JAVA_LONG, 8, count);
        try {
            return (long) PREADV2.invokeExact(cs, fd, iov, 1, offset, flags);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** pwritev of {@code count} struct iovecs at {@code iov}. */
    static long pwritev(MemorySegment cs, int fd, MemorySegment iov, int count, long offset) {
        try {
            return (long) PWRITEV.invokeExact(cs, fd, iov, count, offset);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int fdatasync(MemorySegment cs, int fd) {
        try {
            return (int) FDATASYNC.invokeExact(cs, fd);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** posix_fadvise: 0, or the error number (it does not set errno). */
    static int posixFadvise(int fd, long offset, long length, int advice) {
        try {
            return (int) POSIX_FADVISE.invokeExact(fd, offset, length, advice);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int fallocate(MemorySegment cs, int fd, int mode, long offset, long length) {
        try {
            return (int) FALLOCATE.invokeExact(cs, fd, mode, offset, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int ftruncate(MemorySegment cs, int fd, long length) {
        try {
            return (int) FTRUNCATE.invokeExact(cs, fd, length);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int statx(MemorySegment cs, int dirfd, MemorySegment path, int flags, int mask, MemorySegment buf) {
        try {
            return (int) STATX.invokeExact(cs, dirfd, path, flags, mask, buf);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int ioctl(MemorySegment cs, int fd, long request, MemorySegment arg) {
        try {
            return (int) IOCTL_PTR.invokeExact(cs, fd, request, arg);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static long lseek(MemorySegment cs, int fd, long offset, int whence) {
        try {
            return (long) LSEEK.invokeExact(cs, fd, offset, whence);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** copy_file_range; {@code offIn} and {@code offOut} point at off_t values the call advances. */
    static long copyFileRange(MemorySegment cs, int fdIn, MemorySegment offIn, int fdOut, MemorySegment offOut,
                              long length) {
        try {
            return (long) COPY_FILE_RANGE.invokeExact(cs, fdIn, offIn, fdOut, offOut, length, 0);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** The C library's text for an errno, e.g. "No space left on device". */
    static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            // strerror returns a NUL-terminated string of unknown length; 1 KiB is far beyond any.
            return text.equals(MemorySegment.NULL) ? "errno " + errno : text.reinterpret(1024).getString(0);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    static int geteuid() {
        try {
            return (int) GETEUID.invokeExact();
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** A downcall handle that stores errno in the call state passed as its first argument. */
    static MethodHandle capturing(String name, FunctionDescriptor descriptor, Linker.Option... extra) {
        Linker.Option[] options = new Linker.Option[extra.length + 1];
        options[0] = CAPTURE_ERRNO;
        System.arraycopy(extra, 0, options, 1, extra.length);
        return LINKER.downcallHandle(symbol(name), descriptor, options);
    }

    private static MethodHandle plain(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(symbol(name), descriptor);
    }

    private static MemorySegment symbol(String name) {
        return LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsupportedOperationException("C library has no " + name + "()"));
    }

    /** Downcalls only throw on programming errors (wrong segment kind, closed arena). */
    static RuntimeException unexpected(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed unexpectedly", t);
    }
}
