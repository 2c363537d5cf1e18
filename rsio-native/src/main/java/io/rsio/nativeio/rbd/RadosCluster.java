package io.rsio.nativeio.rbd;

import static java.lang.foreign.ValueLayout.ADDRESS;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One connection to a Ceph cluster ({@code rados_t}): monitors, OSDs, authentication. An RBD
 * gateway opens one per process and shares it between its images. Its address (the
 * {@code entity_addr} with this instance's nonce) is what a takeover blocklists.
 */
public final class RadosCluster implements AutoCloseable {
    private final MemorySegment handle;
    private final String user;
    private boolean closed;

    private RadosCluster(MemorySegment handle, String user) {
        this.handle = handle;
        this.user = user;
    }

    /**
     * Connects as {@code user} (e.g. {@code client.rsio}) with the settings of {@code confFile},
     * then {@code options} (e.g. {@code keyring}, {@code rbd_cache}), which win over the file.
     * Fails with the reason librados gives (ENOENT for a missing conf file, EACCES or EPERM for a
     * bad key, ETIMEDOUT when no monitor answers within {@code client_mount_timeout}).
     */
    public static RadosCluster connect(Path confFile, String user, Map<String, String> options) throws CephException {
        Objects.requireNonNull(user, "user");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(ADDRESS);
            CephException.check(invokeCreate(slot, arena.allocateFrom(user)), "rados_create2 as " + user);
            MemorySegment handle = slot.get(ADDRESS, 0);
            try {
                if (confFile != null) {
                    CephException.check(call(CephLibraries.RADOS_CONF_READ_FILE, handle,
                            arena.allocateFrom(confFile.toString())), "reading Ceph configuration " + confFile);
                }
                for (var option : new LinkedHashMap<>(options).entrySet()) {
                    CephException.check(call(CephLibraries.RADOS_CONF_SET, handle,
                            arena.allocateFrom(option.getKey()), arena.allocateFrom(option.getValue())),
                            "setting Ceph option " + option.getKey());
                }
                int r;
                try {
                    r = (int) CephLibraries.RADOS_CONNECT.invokeExact(handle);
                } catch (Throwable t) {
                    throw CephLibraries.unexpected(t);
                }
                CephException.check(r, "connecting to the Ceph cluster of " + confFile + " as " + user);
                return new RadosCluster(handle, user);
            } catch (CephException | RuntimeException e) {
                shutdown(handle);
                throw e;
            }
        }
    }

    private static int invokeCreate(MemorySegment slot, MemorySegment name) {
        try (Arena arena = Arena.ofConfined()) {
            return (int) CephLibraries.RADOS_CREATE2.invokeExact(slot, arena.allocateFrom("ceph"), name, 0L);
        } catch (Throwable t) {
            throw CephLibraries.unexpected(t);
        }
    }

    private static int call(java.lang.invoke.MethodHandle h, MemorySegment a, MemorySegment b) {
        try {
            return (int) h.invokeExact(a, b);
        } catch (Throwable t) {
            throw CephLibraries.unexpected(t);
        }
    }

    private static int call(java.lang.invoke.MethodHandle h, MemorySegment a, MemorySegment b, MemorySegment c) {
        try {
            return (int) h.invokeExact(a, b, c);
        } catch (Throwable t) {
            throw CephLibraries.unexpected(t);
        }
    }

    /** The user this connection authenticated as. */
    public String user() {
        return user;
    }

    /** An I/O context on {@code pool}: what images are opened and created in. */
    public RadosPool pool(String pool) throws CephException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(ADDRESS);
            CephException.check(call(CephLibraries.RADOS_IOCTX_CREATE, live(), arena.allocateFrom(pool), slot),
                    "opening pool " + pool);
            return new RadosPool(this, pool, slot.get(ADDRESS, 0));
        }
    }

    /**
     * This connection's addresses as the cluster knows them, e.g. {@code 127.0.0.1:0/1234567}:
     * what another gateway blocklists to fence this one.
     */
    public String address() throws CephException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(ADDRESS);
            CephException.check(call(CephLibraries.RADOS_GETADDRS, live(), slot), "rados_getaddrs");
            MemorySegment text = slot.get(ADDRESS, 0);
            try {
                return text.reinterpret(4096).getString(0);
            } finally {
                try {
                    CephLibraries.RADOS_BUFFER_FREE.invokeExact(text);
                } catch (Throwable t) {
                    throw CephLibraries.unexpected(t);
                }
            }
        }
    }

    /**
     * Fences a client: the OSDs refuse every request of {@code clientAddress} from now on (and
     * drop its watches) for {@code expireSeconds}; returns once the cluster's OSD map says so.
     * Needs the {@code osd blocklist} monitor capability (part of {@code profile rbd}).
     */
    public void blocklist(String clientAddress, int expireSeconds) throws CephException {
        try (Arena arena = Arena.ofConfined()) {
            int r;
            try {
                r = (int) CephLibraries.RADOS_BLOCKLIST_ADD.invokeExact(live(), arena.allocateFrom(clientAddress),
                        expireSeconds);
            } catch (Throwable t) {
                throw CephLibraries.unexpected(t);
            }
            CephException.check(r, "blocklisting " + clientAddress);
        }
    }

    synchronized MemorySegment live() throws CephException {
        if (closed) {
            throw new CephException("the Ceph connection of " + user + " is closed; a call", 108);
        }
        return handle;
    }

    /** Disconnects; pools and images opened through it must be closed first. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            shutdown(handle);
        }
    }

    private static void shutdown(MemorySegment handle) {
        try {
            CephLibraries.RADOS_SHUTDOWN.invokeExact(handle);
        } catch (Throwable t) {
            throw CephLibraries.unexpected(t);
        }
    }
}
