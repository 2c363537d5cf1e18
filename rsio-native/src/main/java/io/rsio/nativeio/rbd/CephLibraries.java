package io.rsio.nativeio.rbd;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Downcall handles into librados ({@code librados.so.2}) and librbd ({@code librbd.so.1}),
 * Debian's {@code librados2}/{@code librbd1}, made once per JVM on first use. Signatures follow
 * {@code rados/librados.h} and {@code rbd/librbd.h} of Ceph 16 ("pacific"); handles, pointers and
 * {@code size_t}/{@code uint64_t} are 64 bits (64-bit Linux only, as the rest of rsio-native).
 */
final class CephLibraries {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup RADOS = load("librados.so.2");
    private static final SymbolLookup RBD = load("librbd.so.1");

    // librados
    static final MethodHandle RADOS_CREATE2 = rados("rados_create2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
    static final MethodHandle RADOS_CONF_READ_FILE = rados("rados_conf_read_file",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle RADOS_CONF_SET = rados("rados_conf_set",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle RADOS_CONNECT = rados("rados_connect", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle RADOS_SHUTDOWN = rados("rados_shutdown", FunctionDescriptor.ofVoid(ADDRESS));
    static final MethodHandle RADOS_IOCTX_CREATE = rados("rados_ioctx_create",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle RADOS_IOCTX_DESTROY = rados("rados_ioctx_destroy", FunctionDescriptor.ofVoid(ADDRESS));
    static final MethodHandle RADOS_BLOCKLIST_ADD = rados("rados_blocklist_add",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    static final MethodHandle RADOS_GETADDRS = rados("rados_getaddrs", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle RADOS_BUFFER_FREE = rados("rados_buffer_free", FunctionDescriptor.ofVoid(ADDRESS));

    // librados: whole objects and advisory locks (a pool's catalog, docs/VOLUMES.md)
    static final MethodHandle RADOS_WRITE_FULL = rados("rados_write_full",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG));
    static final MethodHandle RADOS_READ = rados("rados_read",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_LONG, JAVA_LONG));
    static final MethodHandle RADOS_GET_LAST_VERSION = rados("rados_get_last_version",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    static final MethodHandle RADOS_LOCK_EXCLUSIVE = rados("rados_lock_exclusive",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, JAVA_BYTE));
    static final MethodHandle RADOS_UNLOCK = rados("rados_unlock",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));

    // librbd: images
    static final MethodHandle RBD_CREATE4 = rbd("rbd_create4",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, ADDRESS));
    static final MethodHandle RBD_REMOVE = rbd("rbd_remove", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle RBD_IMAGE_OPTIONS_CREATE = rbd("rbd_image_options_create",
            FunctionDescriptor.ofVoid(ADDRESS));
    static final MethodHandle RBD_IMAGE_OPTIONS_DESTROY = rbd("rbd_image_options_destroy",
            FunctionDescriptor.ofVoid(ADDRESS));
    static final MethodHandle RBD_CLONE3 = rbd("rbd_clone3",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle RBD_OPEN = rbd("rbd_open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle RBD_CLOSE = rbd("rbd_close", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle RBD_GET_SIZE = rbd("rbd_get_size", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle RBD_RESIZE2 = rbd("rbd_resize2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_BOOLEAN, ADDRESS, ADDRESS));
    static final MethodHandle RBD_SNAP_CREATE2 = rbd("rbd_snap_create2",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle RBD_SNAP_REMOVE = rbd("rbd_snap_remove", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle RBD_SNAP_PROTECT = rbd("rbd_snap_protect", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle RBD_SNAP_UNPROTECT = rbd("rbd_snap_unprotect",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle RBD_DIFF_ITERATE2 = rbd("rbd_diff_iterate2", FunctionDescriptor.of(JAVA_INT, ADDRESS,
            ADDRESS, JAVA_LONG, JAVA_LONG, JAVA_BYTE, JAVA_BYTE, ADDRESS, ADDRESS));

    // librbd: asynchronous I/O
    static final MethodHandle RBD_AIO_CREATE_COMPLETION = rbd("rbd_aio_create_completion",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle RBD_AIO_GET_RETURN_VALUE = rbd("rbd_aio_get_return_value",
            FunctionDescriptor.of(JAVA_LONG, ADDRESS));
    static final MethodHandle RBD_AIO_RELEASE = rbd("rbd_aio_release", FunctionDescriptor.ofVoid(ADDRESS));
    static final MethodHandle RBD_AIO_READ = rbd("rbd_aio_read",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, ADDRESS));
    static final MethodHandle RBD_AIO_WRITEV = rbd("rbd_aio_writev",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_LONG, ADDRESS));
    static final MethodHandle RBD_AIO_FLUSH = rbd("rbd_aio_flush", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle RBD_AIO_DISCARD = rbd("rbd_aio_discard",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS));
    static final MethodHandle RBD_AIO_WRITE_ZEROES = rbd("rbd_aio_write_zeroes",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG, ADDRESS, JAVA_INT, JAVA_INT));

    // librbd: change notices and the exclusive lock
    static final MethodHandle RBD_UPDATE_WATCH = rbd("rbd_update_watch",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle RBD_UPDATE_UNWATCH = rbd("rbd_update_unwatch",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    static final MethodHandle RBD_IS_EXCLUSIVE_LOCK_OWNER = rbd("rbd_is_exclusive_lock_owner",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle RBD_LOCK_ACQUIRE = rbd("rbd_lock_acquire", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    static final MethodHandle RBD_LOCK_RELEASE = rbd("rbd_lock_release", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle RBD_LOCK_GET_OWNERS = rbd("rbd_lock_get_owners",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle RBD_LOCK_GET_OWNERS_CLEANUP = rbd("rbd_lock_get_owners_cleanup",
            FunctionDescriptor.ofVoid(ADDRESS, JAVA_LONG));
    static final MethodHandle RBD_LOCK_BREAK = rbd("rbd_lock_break",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));

    static final int RBD_LOCK_MODE_EXCLUSIVE = 0;

    /**
     * A {@code librbd_progress_fn_t} that does nothing: librbd's C API calls the progress
     * function of resize2, snap_create2 and the like without checking it for NULL.
     */
    static final MemorySegment NO_PROGRESS = noProgress();

    private CephLibraries() {}

    private static MemorySegment noProgress() {
        try {
            var target = MethodHandles.lookup().findStatic(CephLibraries.class, "progress",
                    MethodType.methodType(int.class, long.class, long.class, MemorySegment.class));
            return LINKER.upcallStub(target, FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS), Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused")
    private static int progress(long done, long total, MemorySegment arg) {
        return 0;
    }

    private static SymbolLookup load(String library) {
        try {
            return SymbolLookup.libraryLookup(library, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new UnsupportedOperationException("cannot load " + library
                    + " (install Debian's librados2 and librbd1, e.g. with ceph-common): " + e.getMessage(), e);
        }
    }

    private static MethodHandle rados(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(RADOS.findOrThrow(name), descriptor);
    }

    private static MethodHandle rbd(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(RBD.findOrThrow(name), descriptor);
    }

    /** A Throwable out of invokeExact is a bug in a handle's type, never a C error. */
    static IllegalStateException unexpected(Throwable t) {
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
