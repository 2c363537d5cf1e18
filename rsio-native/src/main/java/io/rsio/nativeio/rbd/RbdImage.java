package io.rsio.nativeio.rbd;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * An open RBD image ({@code rbd_image_t}). Asynchronous I/O ({@code aio*}) returns at once and
 * reports through an {@link AioCallback} on a librbd thread; buffers handed to it must stay
 * valid until then. Every method is thread-safe; {@link #close} waits for calls in progress.
 */
public final class RbdImage implements AutoCloseable {
    private final RadosPool pool;
    private final String name;
    private final MemorySegment image;
    /** Calls hold it shared; close holds it exclusively, so no call sees a freed handle. */
    private final ReentrantReadWriteLock use = new ReentrantReadWriteLock();
    private boolean closed;
    private final List<Watch> watches = new ArrayList<>();

    RbdImage(RadosPool pool, String name, MemorySegment image) {
        this.pool = pool;
        this.name = name;
        this.image = image;
    }

    /** {@code pool/image}. */
    public String name() {
        return name;
    }

    public RadosPool pool() {
        return pool;
    }

    public long size() throws CephException {
        enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(JAVA_LONG);
            CephException.check(invoke(() -> (int) CephLibraries.RBD_GET_SIZE.invokeExact(image, slot)),
                    "rbd_get_size of " + name);
            return slot.get(JAVA_LONG, 0);
        } finally {
            leave();
        }
    }

    /** Grows or shrinks the image; other handles learn of it through their update watches. */
    public void resize(long size, boolean allowShrink) throws CephException {
        enter();
        try {
            CephException.check(invoke(() -> (int) CephLibraries.RBD_RESIZE2.invokeExact(image, size, allowShrink,
                    CephLibraries.NO_PROGRESS, MemorySegment.NULL)), "rbd_resize2 of " + name + " to " + size);
        } finally {
            leave();
        }
    }

    // ---- asynchronous I/O

    /** Reads {@code dst.byteSize()} bytes at {@code offset} into {@code dst}. */
    public void aioRead(long offset, MemorySegment dst, AioCallback done) throws CephException {
        submit(done, "rbd_aio_read of " + dst.byteSize() + " bytes at " + offset + " on " + name,
                c -> (int) CephLibraries.RBD_AIO_READ.invokeExact(image, offset, dst.byteSize(), dst, c));
    }

    /** Writes the concatenation of {@code buffers} at {@code offset} (one request, one completion). */
    public void aioWrite(long offset, List<MemorySegment> buffers, AioCallback done) throws CephException {
        long total = 0;
        for (MemorySegment b : buffers) {
            total += b.byteSize();
        }
        String what = "rbd_aio_writev of " + total + " bytes at " + offset + " on " + name;
        try (Arena arena = Arena.ofConfined()) {
            // librbd reads the iovec array during the call only.
            MemorySegment iov = arena.allocate(16L * buffers.size(), 8);
            for (int i = 0; i < buffers.size(); i++) {
                iov.set(ADDRESS, 16L * i, buffers.get(i));
                iov.set(JAVA_LONG, 16L * i + 8, buffers.get(i).byteSize());
            }
            int count = buffers.size();
            submit(done, what, c -> (int) CephLibraries.RBD_AIO_WRITEV.invokeExact(image, iov, count, offset, c));
        }
    }

    /** Completes once every write that completed before it is durable in the cluster. */
    public void aioFlush(AioCallback done) throws CephException {
        submit(done, "rbd_aio_flush on " + name, c -> (int) CephLibraries.RBD_AIO_FLUSH.invokeExact(image, c));
    }

    /** Frees the range; it reads back as zeros. */
    public void aioDiscard(long offset, long length, AioCallback done) throws CephException {
        submit(done, "rbd_aio_discard of " + length + " bytes at " + offset + " on " + name,
                c -> (int) CephLibraries.RBD_AIO_DISCARD.invokeExact(image, offset, length, c));
    }

    /** Makes the range read as zeros; {@code thick} keeps it allocated (RBD_WRITE_ZEROES_FLAG_THICK_PROVISION). */
    public void aioWriteZeroes(long offset, long length, boolean thick, AioCallback done) throws CephException {
        int flags = thick ? 1 : 0;
        submit(done, "rbd_aio_write_zeroes of " + length + " bytes at " + offset + " on " + name,
                c -> (int) CephLibraries.RBD_AIO_WRITE_ZEROES.invokeExact(image, offset, length, c, flags, 0));
    }

    private interface AioCall {
        int start(MemorySegment completion) throws Throwable;
    }

    private void submit(AioCallback done, String what, AioCall call) throws CephException {
        enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment completion = AioCompletions.create(done, arena.allocate(ADDRESS));
            int r;
            try {
                r = call.start(completion);
            } catch (Throwable t) {
                AioCompletions.abandon(completion, done);
                throw CephLibraries.unexpected(t);
            }
            if (r < 0) {
                AioCompletions.abandon(completion, done);
                throw new CephException(what, -r);
            }
        } finally {
            leave();
        }
    }

    // ---- snapshots

    public void createSnapshot(String snapshot) throws CephException {
        withName(snapshot, "rbd_snap_create2 of " + name + "@" + snapshot, s -> (int) CephLibraries.RBD_SNAP_CREATE2
                .invokeExact(image, s, 0, CephLibraries.NO_PROGRESS, MemorySegment.NULL));
    }

    /** Protects a snapshot so clones can be made of it. */
    public void protectSnapshot(String snapshot) throws CephException {
        withName(snapshot, "rbd_snap_protect of " + name + "@" + snapshot,
                s -> (int) CephLibraries.RBD_SNAP_PROTECT.invokeExact(image, s));
    }

    public void removeSnapshot(String snapshot) throws CephException {
        withName(snapshot, "rbd_snap_remove of " + name + "@" + snapshot,
                s -> (int) CephLibraries.RBD_SNAP_REMOVE.invokeExact(image, s));
    }

    /** Unprotects a snapshot (it has no clones left), so it can be removed. */
    public void unprotectSnapshot(String snapshot) throws CephException {
        withName(snapshot, "rbd_snap_unprotect of " + name + "@" + snapshot,
                s -> (int) CephLibraries.RBD_SNAP_UNPROTECT.invokeExact(image, s));
    }

    /**
     * The bytes of the image's own allocated objects (whole objects, not what a clone shares
     * with its parent), from {@code rbd_diff_iterate2} against nothing: what {@code rbd du}
     * reports. Cheap with the fast-diff feature (the object map); without it librbd asks the OSDs
     * about every object.
     */
    public long allocatedBytes() throws CephException {
        long size = size();
        enter();
        try (Arena arena = Arena.ofShared()) {
            java.util.concurrent.atomic.AtomicLong total = new java.util.concurrent.atomic.AtomicLong();
            MemorySegment stub;
            try {
                var target = MethodHandles.lookup().findStatic(RbdImage.class, "countExtent", MethodType.methodType(
                        int.class, java.util.concurrent.atomic.AtomicLong.class, long.class, long.class, int.class,
                        MemorySegment.class)).bindTo(total);
                stub = Linker.nativeLinker().upcallStub(target,
                        FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT, ADDRESS), arena);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            CephException.check(invoke(() -> (int) CephLibraries.RBD_DIFF_ITERATE2.invokeExact(image,
                    MemorySegment.NULL, 0L, size, (byte) 0, (byte) 1, stub, MemorySegment.NULL)),
                    "rbd_diff_iterate2 of " + name);
            return total.get();
        } finally {
            leave();
        }
    }

    @SuppressWarnings("unused") // the rbd_diff_iterate2 callback
    private static int countExtent(java.util.concurrent.atomic.AtomicLong total, long offset, long length, int exists,
            MemorySegment arg) {
        if (exists != 0) {
            total.addAndGet(length);
        }
        return 0;
    }

    // ---- the exclusive lock

    /** True when this handle holds the image's exclusive lock. */
    public boolean isExclusiveLockOwner() throws CephException {
        enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(JAVA_INT);
            CephException.check(invoke(() -> (int) CephLibraries.RBD_IS_EXCLUSIVE_LOCK_OWNER.invokeExact(image, slot)),
                    "rbd_is_exclusive_lock_owner on " + name);
            return slot.get(JAVA_INT, 0) != 0;
        } finally {
            leave();
        }
    }

    /**
     * Takes the exclusive lock and keeps it: librbd then refuses to hand it over when another
     * client asks (a peer must {@link #breakLock} it). Fails with EROFS or EBUSY while a live
     * owner holds it.
     */
    public void acquireExclusiveLock() throws CephException {
        enter();
        try {
            CephException.check(invoke(() -> (int) CephLibraries.RBD_LOCK_ACQUIRE.invokeExact(image,
                    CephLibraries.RBD_LOCK_MODE_EXCLUSIVE)), "rbd_lock_acquire on " + name);
        } finally {
            leave();
        }
    }

    public void releaseLock() throws CephException {
        enter();
        try {
            CephException.check(invoke(() -> (int) CephLibraries.RBD_LOCK_RELEASE.invokeExact(image)),
                    "rbd_lock_release on " + name);
        } finally {
            leave();
        }
    }

    /** The client addresses holding the lock (empty when nobody does). */
    public List<String> lockOwners() throws CephException {
        enter();
        try (Arena arena = Arena.ofConfined()) {
            int max = 8;
            MemorySegment mode = arena.allocate(JAVA_INT);
            MemorySegment owners = arena.allocate(ADDRESS, max);
            MemorySegment count = arena.allocate(JAVA_LONG);
            count.set(JAVA_LONG, 0, max);
            int r = invoke(() -> (int) CephLibraries.RBD_LOCK_GET_OWNERS.invokeExact(image, mode, owners, count));
            if (r == -2) { // ENOENT: not locked
                return List.of();
            }
            CephException.check(r, "rbd_lock_get_owners on " + name);
            long n = count.get(JAVA_LONG, 0);
            List<String> result = new ArrayList<>();
            for (long i = 0; i < n; i++) {
                result.add(owners.getAtIndex(ADDRESS, i).reinterpret(4096).getString(0));
            }
            try {
                CephLibraries.RBD_LOCK_GET_OWNERS_CLEANUP.invokeExact(owners, n);
            } catch (Throwable t) {
                throw CephLibraries.unexpected(t);
            }
            return List.copyOf(result);
        } finally {
            leave();
        }
    }

    /**
     * Breaks {@code owner}'s exclusive lock. With Ceph's default
     * {@code rbd_blocklist_on_break_lock = true} librbd also blocklists the owner and waits for
     * the OSD map that says so, so the old owner cannot write afterwards.
     */
    public void breakLock(String owner) throws CephException {
        withName(owner, "rbd_lock_break of " + owner + " on " + name, o -> (int) CephLibraries.RBD_LOCK_BREAK
                .invokeExact(image, CephLibraries.RBD_LOCK_MODE_EXCLUSIVE, o));
    }

    // ---- change notices

    /**
     * Calls {@code onChange} (on a librbd thread) whenever the image's header changes through
     * any client: a resize, a snapshot, a lock change. Stops at {@link #close}.
     */
    public void watchUpdates(Runnable onChange) throws CephException {
        enter();
        try {
            Arena arena = Arena.ofShared();
            MemorySegment stub;
            try {
                var target = MethodHandles.lookup().findVirtual(Runnable.class, "run", MethodType.methodType(void.class))
                        .bindTo(safe(onChange));
                // void (*)(void *arg): drop the argument.
                target = MethodHandles.dropArguments(target, 0, MemorySegment.class);
                stub = Linker.nativeLinker().upcallStub(target, FunctionDescriptor.ofVoid(ADDRESS), arena);
            } catch (ReflectiveOperationException e) {
                arena.close();
                throw new IllegalStateException(e);
            }
            MemorySegment slot = arena.allocate(JAVA_LONG);
            int r = invoke(() -> (int) CephLibraries.RBD_UPDATE_WATCH.invokeExact(image, slot, stub, MemorySegment.NULL));
            if (r < 0) {
                arena.close();
                throw new CephException("rbd_update_watch on " + name, -r);
            }
            synchronized (watches) {
                watches.add(new Watch(slot.get(JAVA_LONG, 0), arena));
            }
        } finally {
            leave();
        }
    }

    private record Watch(long handle, Arena arena) {}

    private static Runnable safe(Runnable r) {
        return () -> {
            try {
                r.run();
            } catch (Throwable t) {
                org.apache.logging.log4j.LogManager.getLogger(RbdImage.class).error("an RBD update watch failed", t);
            }
        };
    }

    // ---- plumbing

    private interface NativeCall {
        int call() throws Throwable;
    }

    private interface NamedCall {
        int call(MemorySegment text) throws Throwable;
    }

    private static int invoke(NativeCall call) {
        try {
            return call.call();
        } catch (Throwable t) {
            throw CephLibraries.unexpected(t);
        }
    }

    private void withName(String text, String what, NamedCall call) throws CephException {
        enter();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = arena.allocateFrom(text);
            CephException.check(invoke(() -> call.call(s)), what);
        } finally {
            leave();
        }
    }

    private void enter() throws CephException {
        use.readLock().lock();
        if (closed) {
            use.readLock().unlock();
            throw new CephException("image " + name + " is closed; a call", 108);
        }
    }

    private void leave() {
        use.readLock().unlock();
    }

    /** Stops the watches, waits for I/O in flight (librbd does) and closes the handle. */
    @Override
    public void close() {
        use.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            synchronized (watches) {
                for (Watch w : watches) {
                    invoke(() -> (int) CephLibraries.RBD_UPDATE_UNWATCH.invokeExact(image, w.handle()));
                    w.arena().close();
                }
                watches.clear();
            }
            invoke(() -> (int) CephLibraries.RBD_CLOSE.invokeExact(image));
        } finally {
            use.writeLock().unlock();
        }
    }
}
