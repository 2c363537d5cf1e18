package io.rsio.server.pool;

import io.rsio.block.Errno;
import io.rsio.config.ServerConfig;
import io.rsio.nativeio.LinuxErrno;
import io.rsio.nativeio.rbd.CephException;
import io.rsio.nativeio.rbd.RadosCluster;
import io.rsio.nativeio.rbd.RadosPool;
import io.rsio.nativeio.rbd.RbdImage;
import io.rsio.server.store.RbdVolumeStore;
import io.rsio.server.store.VolumeStore;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A pool whose volumes are RBD images in a Ceph pool ({@code [pool] type = rbd},
 * docs/VOLUMES.md, "RBD pools"). The records live in one RADOS object, the pool's catalog
 * ({@code rsio_pool.NAME}, {@link RbdCatalog}), replaced whole; every change holds the
 * catalog's RADOS exclusive lock, which expires if its holder dies, so several gateways on one
 * Ceph pool change it one at a time. A volume's image has the volume's name; a snapshot is an
 * RBD snapshot of the origin ({@code rsio.SNAPSHOT}, protected) and a clone of it named after
 * the snapshot volume. An image still open elsewhere cannot be removed yet: the catalog lists
 * it under {@code [remove]} and whichever gateway reads the catalog next tries again.
 *
 * <p>Runs on {@link PoolManager}'s management thread only.
 */
final class RbdPoolStorage implements PoolStorage {
    private static final Logger LOG = LogManager.getLogger(RbdPoolStorage.class);
    static final String LOCK = "rsio-pool";
    /** The cluster drops a lock its holder did not release after this long (a gateway that died). */
    static final int LOCK_SECONDS = 60;
    /** How long a change waits for another gateway's lock before it is refused. */
    static final long LOCK_WAIT_SECONDS = 30;
    static final String SNAPSHOT_PREFIX = "rsio.";
    /** librados answers a blocklisted client with ESHUTDOWN. */
    private static final int EBLOCKLISTED = 108;

    private final ServerConfig.Pool pool;
    private final ServerConfig.CephPool ceph;
    private final String object;
    /** This process's lock cookie: a restarted gateway is another holder. */
    private final String cookie;
    private RadosCluster cluster;
    private RadosPool io;
    /** The catalog as the change in progress has it (changes write it whole). */
    private RbdCatalog changing;
    private long version;
    private final Set<String> warned = new HashSet<>();

    private RbdPoolStorage(ServerConfig.Pool pool, String serverName) {
        this.pool = pool;
        this.ceph = pool.rbd().orElseThrow();
        this.object = "rsio_pool." + pool.name();
        this.cookie = serverName + "-" + UUID.randomUUID();
    }

    /** Connects to the Ceph pool (failing rssrv's start with the reason when it cannot). */
    static RbdPoolStorage connect(ServerConfig.Pool pool, String serverName) throws IOException {
        RbdPoolStorage storage = new RbdPoolStorage(pool, serverName);
        storage.reconnect();
        return storage;
    }

    private void reconnect() throws IOException {
        closeConnection();
        RadosCluster c = RbdVolumeStore.connect(ceph);
        try {
            io = c.pool(ceph.pool());
        } catch (CephException e) {
            c.close();
            throw new IOException("pool " + pool.name() + ": Ceph pool " + ceph.pool() + ": " + e.getMessage(), e);
        }
        cluster = c;
    }

    @Override
    public ServerConfig.Pool pool() {
        return pool;
    }

    @Override
    public String where() {
        return ceph.describe() + " (catalog " + object + ")";
    }

    /** The catalog's RADOS object version as of the last read: changes with every change of the pool. */
    long version() {
        return version;
    }

    @Override
    public List<VolumeRecord> read() throws IOException {
        RbdCatalog catalog = retryFenced(this::readCatalog);
        if (!catalog.removals().isEmpty()) {
            try {
                change(records -> null); // a change finishes removals left by a delete
            } catch (ManagementRefusal e) {
                LOG.debug("pool {}: removals not retried now: {}", pool.name(), e.getMessage());
            }
        }
        return catalog.records();
    }

    private RbdCatalog readCatalog() throws IOException {
        var content = io.readObject(object);
        if (content.isEmpty()) {
            return RbdCatalog.EMPTY;
        }
        version = content.get().version();
        return RbdCatalog.parse("rados:" + ceph.pool() + "/" + object, content.get().data());
    }

    @Override
    public <T> T change(Locked<T> work) throws IOException, ManagementRefusal {
        retryFenced(() -> {
            lock();
            return null;
        });
        try {
            changing = readCatalog();
            T result = work.run(changing.records());
            finishRemovals();
            return result;
        } finally {
            changing = null;
            try {
                io.unlock(object, LOCK, cookie);
            } catch (CephException e) {
                LOG.warn("pool {}: lock not released ({}); it expires in {} s", pool.name(), e.getMessage(), LOCK_SECONDS);
            }
        }
    }

    private void lock() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(LOCK_WAIT_SECONDS);
        while (!io.tryLockExclusive(object, LOCK, cookie, "rssrv pool change", LOCK_SECONDS)) {
            if (System.nanoTime() > deadline) {
                throw new IOException("pool " + pool.name() + ": the catalog " + object + " in Ceph pool "
                        + ceph.pool() + " stayed locked by another gateway for " + LOCK_WAIT_SECONDS + " s");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the lock of pool " + pool.name(), e);
            }
        }
    }

    private interface CephCall<T> {
        T call() throws IOException;
    }

    /**
     * Runs {@code call}, once more on a new connection if this one was blocklisted: a gateway's
     * takeover fences whatever held an image's lock, and a management handle (a snapshot) may
     * have held it for a moment.
     */
    private <T> T retryFenced(CephCall<T> call) throws IOException {
        try {
            return call.call();
        } catch (CephException e) {
            if (e.errno() != EBLOCKLISTED) {
                throw e;
            }
            LOG.warn("pool {}: its Ceph connection was blocklisted; connecting again", pool.name());
            reconnect();
            return call.call();
        }
    }

    @Override
    public void createData(VolumeRecord record) throws IOException, ManagementRefusal {
        if (record.thick()) {
            throw new ManagementRefusal(Errno.ENOTSUP, "--thick: pool " + pool.name()
                    + " keeps volumes in RBD images, which are thin");
        }
        try {
            io.createImage(record.name(), record.size());
        } catch (CephException e) {
            throw imageExists(e, record.name());
        }
    }

    /** An image of the name exists already: one being removed, or one that is no volume of this pool. */
    private IOException imageExists(CephException e, String image) throws ManagementRefusal {
        if (e.errno() != LinuxErrno.EEXIST) {
            return e;
        }
        if (changing.removals().contains(image)) {
            throw new ManagementRefusal(Errno.EBUSY, "the RBD image " + ceph.pool() + "/" + image + " of a deleted volume "
                    + image + " is still open on another gateway; it is removed within seconds, try again then");
        }
        throw new ManagementRefusal(Errno.EEXIST, "an RBD image " + ceph.pool() + "/" + image
                + " exists but is no volume of pool " + pool.name() + " (not RSIO's, or left by a crash during a"
                + " create); remove it with \"rbd rm\" if nothing needs it");
    }

    @Override
    public void resizeData(VolumeRecord now, long size, VolumeStore store) throws IOException {
        ((RbdVolumeStore) store).resize(size);
    }

    /** An RBD snapshot of the origin (taken by the image's lock owner), protected, and a clone of it. */
    @Override
    public void snapshotData(VolumeRecord source, VolumeRecord snapshot) throws IOException, ManagementRefusal {
        String snap = SNAPSHOT_PREFIX + snapshot.name();
        try (RbdImage origin = io.open(source.name())) {
            origin.createSnapshot(snap);
            try {
                origin.protectSnapshot(snap);
                io.cloneImage(source.name(), snap, snapshot.name());
            } catch (CephException e) {
                dropSnapshot(origin, snap);
                throw imageExists(e, snapshot.name());
            }
        }
    }

    private static void dropSnapshot(RbdImage origin, String snap) {
        try {
            origin.unprotectSnapshot(snap);
        } catch (CephException ignored) {
            // not protected yet
        }
        try {
            origin.removeSnapshot(snap);
        } catch (CephException e) {
            LOG.warn("snapshot {}@{} left behind: {}", origin.name(), snap, e.getMessage());
        }
    }

    @Override
    public void write(VolumeRecord record) throws IOException {
        changing = changing.with(record);
        io.writeObject(object, changing.bytes(pool.name()));
    }

    /**
     * The record goes first; then the image (a snapshot volume's clone, then the origin's RBD
     * snapshot). An origin with snapshot volumes is refused: their clones depend on it.
     */
    @Override
    public void remove(VolumeRecord record, List<VolumeRecord> records, Runnable stopServing)
            throws IOException, ManagementRefusal {
        List<String> snapshots = records.stream().filter(r -> r.origin().equals(record.name()))
                .map(VolumeRecord::name).toList();
        if (!snapshots.isEmpty()) {
            throw new ManagementRefusal(Errno.EBUSY, "volume " + record.name() + " not deleted: snapshot(s) "
                    + String.join(", ", snapshots) + " in pool " + pool.name()
                    + " are clones of it (RBD); delete them first");
        }
        List<String> data = new ArrayList<>(List.of(record.name()));
        if (!record.origin().isEmpty()) {
            data.add(record.origin() + "@" + SNAPSHOT_PREFIX + record.name());
        }
        changing = changing.removing(record.name(), data);
        io.writeObject(object, changing.bytes(pool.name()));
        stopServing.run();
    }

    /**
     * Removes what deleted volumes left, in order, while nothing holds it open; stops at the
     * first that is still in use (another gateway closes its store at its next reading of the
     * catalog). With the pool locked.
     */
    private void finishRemovals() throws IOException {
        List<String> left = new ArrayList<>(changing.removals());
        while (!left.isEmpty()) {
            String next = left.getFirst();
            try {
                removeData(next);
            } catch (CephException e) {
                if (warned.add(next)) {
                    LOG.info("pool {}: {} not removed yet ({}); tried again at the next reading", pool.name(), next,
                            e.getMessage());
                }
                break;
            }
            warned.remove(next);
            LOG.info("pool {}: removed RBD {} {}/{}", pool.name(), next.contains("@") ? "snapshot" : "image",
                    ceph.pool(), next);
            left.removeFirst();
        }
        if (left.size() != changing.removals().size()) {
            changing = changing.withRemovals(left);
            io.writeObject(object, changing.bytes(pool.name()));
        }
    }

    private void removeData(String what) throws CephException {
        int at = what.indexOf('@');
        try {
            if (at < 0) {
                io.removeImage(what);
                return;
            }
            try (RbdImage origin = io.open(what.substring(0, at))) {
                String snap = what.substring(at + 1);
                try {
                    origin.unprotectSnapshot(snap);
                } catch (CephException e) {
                    if (e.errno() != LinuxErrno.EINVAL) { // EINVAL: not protected
                        throw e;
                    }
                }
                origin.removeSnapshot(snap);
            }
        } catch (CephException e) {
            if (e.errno() != LinuxErrno.ENOENT) { // already gone
                throw e;
            }
        }
    }

    @Override
    public VolumeStore open(VolumeRecord record) throws IOException {
        return RbdVolumeStore.open(record.name(), ceph.image(record.name()), OptionalLong.empty(), record.blockSize(),
                record.readOnly());
    }

    @Override
    public void adoptSize(VolumeStore store, long size) throws IOException {
        ((RbdVolumeStore) store).refreshSize();
    }

    @Override
    public long allocatedBytes(VolumeStore store) throws IOException {
        return ((RbdVolumeStore) store).allocatedBytes();
    }

    @Override
    public void close() {
        closeConnection();
    }

    private void closeConnection() {
        if (io != null) {
            io.close();
            io = null;
        }
        if (cluster != null) {
            cluster.close();
            cluster = null;
        }
    }
}
