package io.rsio.nativeio.rbd;

import static java.lang.foreign.ValueLayout.ADDRESS;

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
