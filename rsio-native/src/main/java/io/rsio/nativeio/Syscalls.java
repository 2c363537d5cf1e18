package io.rsio.nativeio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * System calls on raw descriptors that {@link NativeFile} does not wrap: what the block-device
 * layer needs for {@code /dev/fuse} (read, writev, the clone ioctl), loop devices (ioctls with
 * an integer or a pointer argument) and mounts (mount, umount2, syncfs).
 *
 * <p>Every call that fails throws a {@link NativeException} with the errno and a message naming
 * the call and the file; EINTR is retried where the call is restartable. Descriptors are plain
 * ints: the caller owns them and closes them with {@link #close}.
 */
public final class Syscalls {
    public static final int O_RDONLY = LinuxAbi.O_RDONLY;
    public static final int O_RDWR = LinuxAbi.O_RDWR;
    public static final int O_CLOEXEC = LinuxAbi.O_CLOEXEC;
    /** For block devices: fails with EBUSY while a filesystem or driver holds the device. */
    public static final int O_EXCL = 0200;

    public static final long MS_NOSUID = 2;
    public static final long MS_NODEV = 4;
    public static final long MS_NOEXEC = 8;
    /** umount2: detach now, clean up when the last user is gone. */
    public static final int MNT_DETACH = 2;

    // open, close and ioctl with a pointer are Libc's; these are the calls only this class makes.
    private static final MethodHandle READ = Libc.capturing("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITEV = Libc.capturing("writev",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle IOCTL_LONG = Libc.capturing("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle MOUNT = Libc.capturing("mount",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    private static final MethodHandle UMOUNT2 = Libc.capturing("umount2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SYNCFS = Libc.capturing("syncfs", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKET = Libc.capturing("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKETPAIR = Libc.capturing("socketpair",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle BIND = Libc.capturing("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SEND = Libc.capturing("send",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle SENDTO = Libc.capturing("sendto",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECV = Libc.capturing("recv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    private Syscalls() {}

    /** O_DIRECT for this architecture. */
    public static int oDirect() {
        return LinuxAbi.oDirect();
    }

    /** open(2) with O_CLOEXEC added; returns the descriptor. */
    public static int open(Path path, int flags) throws NativeException {
        MemorySegment cs = Libc.callState();
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cPath = arena.allocateFrom(path.toString());
            do {
                fd = Libc.open(cs, cPath, flags | O_CLOEXEC, 0600);
            } while (fd < 0 && Libc.errno(cs) == LinuxErrno.EINTR);
        }
        if (fd < 0) {
            throw new NativeException(Libc.errno(cs), "open", path);
        }
        return fd;
    }

    /** close(2); never retried (Linux releases the descriptor even on EINTR). */
    public static void close(int fd, Path what) throws NativeException {
        MemorySegment cs = Libc.callState();
        if (Libc.close(cs, fd) != 0) {
            throw new NativeException(Libc.errno(cs), "close", what);
        }
    }

    /** One read(2) into {@code buf} (up to its size), retried on EINTR; returns the byte count. */
    public static long read(int fd, MemorySegment buf, Path what) throws NativeException {
        return retryingEintr("read", what, cs -> (long) READ.invokeExact(cs, fd, buf, buf.byteSize()));
    }

    /**
     * One writev(2) of {@code count} iovecs ({void *base; size_t len} pairs in {@code iov}),
     * retried on EINTR; returns the bytes written.
     */
    public static long writev(int fd, MemorySegment iov, int count, Path what) throws NativeException {
        return retryingEintr("writev", what, cs -> (long) WRITEV.invokeExact(cs, fd, iov, count));
    }

    /** ioctl(2) with a pointer argument; returns the (non-negative) result. */
    public static int ioctl(int fd, long request, MemorySegment arg, String name, Path what) throws NativeException {
        return (int) retryingEintr(name, what, cs -> Libc.ioctl(cs, fd, request, arg));
    }

    /** ioctl(2) with an integer argument (or none: pass 0); returns the (non-negative) result. */
    public static int ioctl(int fd, long request, long arg, String name, Path what) throws NativeException {
        return (int) retryingEintr(name, what, cs -> (int) IOCTL_LONG.invokeExact(cs, fd, request, arg));
    }

    /** mount(2). {@code data} is the filesystem's option string. */
    public static void mount(String source, Path target, String fsType, long flags, String data)
            throws NativeException {
        MemorySegment cs = Libc.callState();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment src = arena.allocateFrom(source);
            MemorySegment dst = arena.allocateFrom(target.toString());
            MemorySegment type = arena.allocateFrom(fsType);
            MemorySegment opts = arena.allocateFrom(data);
            if ((int) invoke(() -> (int) MOUNT.invokeExact(cs, src, dst, type, flags, opts)) != 0) {
                throw new NativeException(Libc.errno(cs), "mount of " + fsType, target);
            }
        }
    }

    /** umount2(2), e.g. with {@link #MNT_DETACH}. */
    public static void umount2(Path target, int flags) throws NativeException {
        MemorySegment cs = Libc.callState();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dst = arena.allocateFrom(target.toString());
            if ((int) invoke(() -> (int) UMOUNT2.invokeExact(cs, dst, flags)) != 0) {
                throw new NativeException(Libc.errno(cs), flags == 0 ? "umount" : "umount2 (flags " + flags + ")",
                        target);
            }
        }
    }

    /** syncfs(2) on the filesystem that holds {@code path} (a mount point, say). */
    public static void syncfs(Path path) throws NativeException {
        int fd = open(path, O_RDONLY);
        try {
            MemorySegment cs = Libc.callState();
            if ((int) invoke(() -> (int) SYNCFS.invokeExact(cs, fd)) != 0) {
                throw new NativeException(Libc.errno(cs), "syncfs", path);
            }
        } finally {
            close(fd, path);
        }
    }

    public static final int AF_UNIX = 1;
    public static final int AF_NETLINK = 16;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_DGRAM = 2;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = 02000000;

    /** socket(2) with SOCK_CLOEXEC added. */
    public static int socket(int domain, int type, int protocol, String what) throws NativeException {
        MemorySegment cs = Libc.callState();
        int fd = (int) invoke(() -> (int) SOCKET.invokeExact(cs, domain, type | SOCK_CLOEXEC, protocol));
        if (fd < 0) {
            throw new NativeException(Libc.errno(cs), "socket", Path.of(what));
        }
        return fd;
    }

    /** socketpair(2) with SOCK_CLOEXEC added: the two connected descriptors. */
    public static int[] socketpair(int domain, int type) throws NativeException {
        MemorySegment cs = Libc.callState();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            if ((int) invoke(() -> (int) SOCKETPAIR.invokeExact(cs, domain, type | SOCK_CLOEXEC, 0, fds)) != 0) {
                throw new NativeException(Libc.errno(cs), "socketpair", Path.of("socketpair"));
            }
            return new int[] {fds.getAtIndex(JAVA_INT, 0), fds.getAtIndex(JAVA_INT, 1)};
        }
    }

    /** bind(2) to the first {@code length} bytes of {@code address}. */
    public static void bind(int fd, MemorySegment address, int length, String what) throws NativeException {
        MemorySegment cs = Libc.callState();
        if ((int) invoke(() -> (int) BIND.invokeExact(cs, fd, address, length)) != 0) {
            throw new NativeException(Libc.errno(cs), "bind", Path.of(what));
        }
    }

    /** One send(2) of the whole segment, retried on EINTR; returns the bytes sent. */
    public static long send(int fd, MemorySegment data, String what) throws NativeException {
        return retryingEintr("send", Path.of(what), cs -> (long) SEND.invokeExact(cs, fd, data, data.byteSize(), 0));
    }

    /** One sendto(2) of the whole segment to the first {@code length} bytes of {@code address}, retried on EINTR. */
    public static long sendTo(int fd, MemorySegment data, MemorySegment address, int length, String what)
            throws NativeException {
        return retryingEintr("sendto", Path.of(what),
                cs -> (long) SENDTO.invokeExact(cs, fd, data, data.byteSize(), 0, address, length));
    }

    /** One recv(2) into {@code buf}, retried on EINTR; returns the bytes received. */
    public static long recv(int fd, MemorySegment buf, String what) throws NativeException {
        return retryingEintr("recv", Path.of(what), cs -> (long) RECV.invokeExact(cs, fd, buf, buf.byteSize(), 0));
    }

    private interface SizeCall {
        long run(MemorySegment callState) throws Throwable;
    }

    /** Calls {@code call} until it does not fail with EINTR; a negative result is the errno's exception. */
    private static long retryingEintr(String name, Path what, SizeCall call) throws NativeException {
        MemorySegment cs = Libc.callState();
        while (true) {
            long n;
            try {
                n = call.run(cs);
            } catch (Throwable t) {
                throw Libc.unexpected(t);
            }
            if (n >= 0) {
                return n;
            }
            int errno = Libc.errno(cs);
            if (errno != LinuxErrno.EINTR) {
                throw new NativeException(errno, name, what);
            }
        }
    }

    /** The C library's text for an errno. */
    public static String strerror(int errno) {
        return Libc.strerror(errno);
    }

    @FunctionalInterface
    private interface Call {
        Object run() throws Throwable;
    }

    /** Downcalls only throw on programming errors (wrong segment kind, closed arena). */
    private static Object invoke(Call call) {
        try {
            return call.run();
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
    }
}
