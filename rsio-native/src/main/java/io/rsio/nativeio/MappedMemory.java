package io.rsio.nativeio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Path;

/**
 * mmap(2) and munmap(2): an io_uring's rings (shared with the kernel), and large buffers that
 * should cost memory only where they are touched (an arena's allocation is zero-filled, which
 * makes every page resident at once).
 */
public final class MappedMemory {
    private static final int PROT_READ = 1;
    private static final int PROT_WRITE = 2;
    private static final int MAP_SHARED = 0x01;
    private static final int MAP_PRIVATE = 0x02;
    private static final int MAP_ANONYMOUS = 0x20;
    private static final int MAP_POPULATE = 0x8000;
    private static final long MAP_FAILED = -1L;

    private static final MethodHandle MMAP = Libc.capturing("mmap",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = Libc.capturing("munmap",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));

    private MappedMemory() {}

    /** A shared read-write mapping of {@code size} bytes of {@code fd} at {@code offset}, populated. */
    public static MemorySegment shared(int fd, long offset, long size, String what) throws NativeException {
        return map(size, MAP_SHARED | MAP_POPULATE, fd, offset, what);
    }

    /** Private anonymous memory: zeros, resident page by page as it is first touched. */
    public static MemorySegment anonymous(long size, String what) throws NativeException {
        return map(size, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0, what);
    }

    private static MemorySegment map(long size, int flags, int fd, long offset, String what) throws NativeException {
        MemorySegment cs = Libc.callState();
        MemorySegment address;
        try {
            address = (MemorySegment) MMAP.invokeExact(cs, MemorySegment.NULL, size, PROT_READ | PROT_WRITE, flags,
                    fd, offset);
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        if (address.address() == MAP_FAILED) {
            throw new NativeException(Libc.errno(cs), "mmap of " + size + " bytes", Path.of(what));
        }
        return address.reinterpret(size);
    }

    /** Unmaps what {@link #shared} or {@link #anonymous} returned; the segment must not be used afterwards. */
    public static void unmap(MemorySegment mapping, String what) throws NativeException {
        MemorySegment cs = Libc.callState();
        int rc;
        try {
            rc = (int) MUNMAP.invokeExact(cs, mapping, mapping.byteSize());
        } catch (Throwable t) {
            throw Libc.unexpected(t);
        }
        if (rc != 0) {
            throw new NativeException(Libc.errno(cs), "munmap", Path.of(what));
        }
    }
}
