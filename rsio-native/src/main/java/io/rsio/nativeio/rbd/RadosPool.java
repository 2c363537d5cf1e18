package io.rsio.nativeio.rbd;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.rsio.nativeio.LinuxErrno;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** An I/O context on one pool ({@code rados_ioctx_t}): where images live. */
public final class RadosPool implements AutoCloseable {
    private final RadosCluster cluster;
    private final String name;
    private final MemorySegment ioctx;
    private boolean closed;

    RadosPool(RadosCluster cluster, String name, MemorySegment ioctx) {
        this.cluster = cluster;
        this.name = name;
        this.ioctx = ioctx;
    }

    public String name() {
        return name;
    }

    public RadosCluster cluster() {
        return cluster;
    }

    /** Creates image {@code image} of {@code size} bytes with the cluster's default features. */
    public void createImage(String image, long size) throws CephException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment options = newOptions(arena);
            try {
                int r;
                try {
                    r = (int) CephLibraries.RBD_CREATE4.invokeExact(live(), arena.allocateFrom(image), size, options);
                } catch (Throwable t) {
                    throw CephLibraries.unexpected(t);
                }
                CephException.check(r, "rbd_create4 of " + name + "/" + image);
            } finally {
                destroyOptions(options);
            }
        }
    }

    /** Removes image {@code image} (with no snapshots left). */
    public void removeImage(String image) throws CephException {
        try (Arena arena = Arena.ofConfined()) {
            int r;
            try {
                r = (int) CephLibraries.RBD_REMOVE.invokeExact(live(), arena.allocateFrom(image));
            } catch (Throwable t) {
                throw CephLibraries.unexpected(t);
            }
            CephException.check(r, "rbd_remove of " + name + "/" + image);
        }
    }

    /**
     * Clones {@code parent@snapshot} (a protected snapshot of an image in this pool) as
     * {@code child}: a copy-on-write image that shares the parent's data until written.
     */
    public void cloneImage(String parent, String snapshot, String child) throws CephException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment options = newOptions(arena);
            try {
                int r;
                try {
                    r = (int) CephLibraries.RBD_CLONE3.invokeExact(live(), arena.allocateFrom(parent),
                            arena.allocateFrom(snapshot), live(), arena.allocateFrom(child), options);
                } catch (Throwable t) {
                    throw CephLibraries.unexpected(t);
                }
                CephException.check(r, "rbd_clone3 of " + name + "/" + parent + "@" + snapshot + " as " + child);
            } finally {
                destroyOptions(options);
            }
        }
    }

    /** Opens {@code image} for I/O (its head, not a snapshot). */
    public RbdImage open(String image) throws CephException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(ADDRESS);
            int r;
            try {
                r = (int) CephLibraries.RBD_OPEN.invokeExact(live(), arena.allocateFrom(image), slot, MemorySegment.NULL);
            } catch (Throwable t) {
                throw CephLibraries.unexpected(t);
            }
            CephException.check(r, "rbd_open of " + name + "/" + image);
            return new RbdImage(this, name + "/" + image, slot.get(ADDRESS, 0));
        }
    }

    /** An object's bytes and the version the OSD gave it (rados_get_last_version after the read). */
    public record ObjectContent(byte[] data, long version) {}

    /** Reads object {@code object} whole; empty when it does not exist. */
    public java.util.Optional<ObjectContent> readObject(String object) throws CephException {
        long capacity = 64 * 1024;
        while (true) {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment buffer = arena.allocate(capacity);
                int r;
                long version;
                synchronized (this) {
                    try {
                        r = (int) CephLibraries.RADOS_READ.invokeExact(live(), arena.allocateFrom(object), buffer,
                                capacity, 0L);
                        version = (long) CephLibraries.RADOS_GET_LAST_VERSION.invokeExact(ioctx);
                    } catch (Throwable t) {
                        throw CephLibraries.unexpected(t);
                    }
                }
                if (r == -LinuxErrno.ENOENT) {
                    return java.util.Optional.empty();
                }
                CephException.check(r, "rados_read of " + name + "/" + object);
                if (r < capacity) {
                    return java.util.Optional.of(new ObjectContent(buffer.asSlice(0, r).toArray(JAVA_BYTE), version));
                }
                capacity *= 4; // it may have more: read again, whole
            }
        }
    }

    /** Replaces object {@code object} whole, atomically: a reader sees the old bytes or the new. */
    public void writeObject(String object, byte[] data) throws CephException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment bytes = arena.allocate(Math.max(1, data.length));
            MemorySegment.copy(data, 0, bytes, JAVA_BYTE, 0, data.length);
            int r;
            try {
                r = (int) CephLibraries.RADOS_WRITE_FULL.invokeExact(live(), arena.allocateFrom(object), bytes,
                        (long) data.length);
            } catch (Throwable t) {
                throw CephLibraries.unexpected(t);
            }
            CephException.check(r, "rados_write_full of " + name + "/" + object);
        }
    }

    /**
     * Takes the advisory exclusive lock {@code lock} on {@code object} as {@code cookie} for
     * {@code seconds} (after which the cluster drops it: a holder that died does not keep it).
     * False when another holder has it; taking it again as the same cookie renews it.
     */
    public boolean tryLockExclusive(String object, String lock, String cookie, String description, int seconds)
            throws CephException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment duration = arena.allocate(16, 8); // struct timeval {tv_sec; tv_usec}
            duration.set(JAVA_LONG, 0, seconds);
            duration.set(JAVA_LONG, 8, 0L);
            int r;
            try {
                r = (int) CephLibraries.RADOS_LOCK_EXCLUSIVE.invokeExact(live(), arena.allocateFrom(object),
                        arena.allocateFrom(lock), arena.allocateFrom(cookie), arena.allocateFrom(description), duration,
                        (byte) 1 /* LOCK_FLAG_MAY_RENEW */);
            } catch (Throwable t) {
                throw CephLibraries.unexpected(t);
            }
            if (r == -LinuxErrno.EBUSY || r == -LinuxErrno.EEXIST) {
                return false;
            }
            CephException.check(r, "rados_lock_exclusive of " + name + "/" + object);
            return true;
        }
    }

    /** Releases a lock taken by {@link #tryLockExclusive}. */
    public void unlock(String object, String lock, String cookie) throws CephException {
        try (Arena arena = Arena.ofConfined()) {
            int r;
            try {
                r = (int) CephLibraries.RADOS_UNLOCK.invokeExact(live(), arena.allocateFrom(object),
                        arena.allocateFrom(lock), arena.allocateFrom(cookie));
            } catch (Throwable t) {
                throw CephLibraries.unexpected(t);
            }
            CephException.check(r, "rados_unlock of " + name + "/" + object);
        }
    }

    private static MemorySegment newOptions(Arena arena) {
        MemorySegment slot = arena.allocate(ADDRESS);
        try {
            CephLibraries.RBD_IMAGE_OPTIONS_CREATE.invokeExact(slot);
        } catch (Throwable t) {
            throw CephLibraries.unexpected(t);
        }
        return slot.get(ADDRESS, 0);
    }

    private static void destroyOptions(MemorySegment options) {
        try {
            CephLibraries.RBD_IMAGE_OPTIONS_DESTROY.invokeExact(options);
        } catch (Throwable t) {
            throw CephLibraries.unexpected(t);
        }
    }

    synchronized MemorySegment live() throws CephException {
        if (closed) {
            throw new CephException("pool " + name + " is closed; a call", 108);
        }
        cluster.live();
        return ioctx;
    }

    /** Images opened through this pool must be closed first. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            try {
                CephLibraries.RADOS_IOCTX_DESTROY.invokeExact(ioctx);
            } catch (Throwable t) {
                throw CephLibraries.unexpected(t);
            }
        }
    }
}
