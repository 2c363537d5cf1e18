package io.rsio.server;

import io.rsio.server.store.ServedVolume;
import io.rsio.config.ConfigLocations;
import io.rsio.config.ServerConfig;
import io.rsio.server.pool.PoolManager;
import io.rsio.server.pool.VolumeUsers;
import io.rsio.server.store.FileVolumeStore;
import io.rsio.server.store.RbdVolumeStore;
import io.rsio.server.store.VolumeSetupException;
import io.rsio.server.store.VolumeStore;
import io.rsio.wire.message.VolumeInfo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The volumes of this server's namespace: the [volume] sections, opened once at start-up, and
 * the volumes of its pools, which clients create and delete at run time (docs/VOLUMES.md).
 */
public final class VolumeCatalog implements AutoCloseable {
    private final List<ServedVolume> volumes;
    private final VolumeUsers users = new VolumeUsers();
    private final PoolManager pools;

    private VolumeCatalog(ServerConfig config, List<ServedVolume> volumes) throws IOException {
        this.volumes = List.copyOf(volumes);
        this.pools = new PoolManager(config, this.volumes, users);
    }

    public static VolumeCatalog open(ServerConfig config) throws IOException {
        List<ServedVolume> opened = new ArrayList<>();
        try {
            for (ServerConfig.Volume v : config.volumes()) {
                VolumeStore store;
                try {
                    store = v.rbd().isPresent()
                            ? RbdVolumeStore.open(v.name(), v.rbd().get(), v.size(), v.blockSize(), v.readOnly())
                            : FileVolumeStore.open(v.name(), v.path(), v.size(), v.blockSize(), v.readOnly());
                } catch (VolumeSetupException e) {
                    // FILE:LINE of the key at fault, then the volume's name once.
                    throw new IOException(ConfigLocations.of(config.file(), "volume", v.name(), e.key()) + ": volume "
                            + v.name() + ": " + e.getMessage(), e);
                } catch (IOException e) {
                    throw new IOException(ConfigLocations.of(config.file(), "volume", v.name(),
                            v.rbd().isPresent() ? "rbd" : "path") + ": volume "
                            + v.name() + ": " + e.getMessage(), e);
                }
                UUID id = v.id().orElseGet(() -> derivedId(config.namespace().id(), v.name()));
                // RBD gateways serve an image one at a time, and what they acknowledged is in the cluster.
                VolumeInfo info = new VolumeInfo(v.name(), store.size(), store.blockSize(), v.device(), id, store.readOnly(),
                        store instanceof RbdVolumeStore);
                opened.add(new ServedVolume(info, store, v.access()));
            }
        } catch (IOException | RuntimeException e) {
            opened.forEach(sv -> closeQuietly(sv.store()));
            throw e;
        }
        try {
            return new VolumeCatalog(config, opened);
        } catch (IOException | RuntimeException e) {
            opened.forEach(sv -> closeQuietly(sv.store()));
            throw e;
        }
    }

    /**
     * Servers of one namespace share storage, so the identity of a volume depends only on the
     * namespace and its name: every server exporting "oracle" in namespace 200 gives the same id,
     * which lets a client see them as paths to one volume.
     */
    static UUID derivedId(int namespaceId, String volumeName) {
        return UUID.nameUUIDFromBytes(("rsio:" + namespaceId + ":" + volumeName).getBytes(StandardCharsets.UTF_8));
    }

    /** Every volume: the configured ones, then the pools' as last read (see {@link PoolManager#refreshThen}). */
    public List<ServedVolume> all() {
        List<ServedVolume> all = new ArrayList<>(volumes);
        all.addAll(pools.volumes());
        return all;
    }

    /**
     * A value that changes when this server's volumes change while served: the size of a
     * [volume] or a pool volume (an RBD image resized elsewhere: the store's update watch takes
     * the new size), and which pool volumes there are (created, deleted, as of the server's last
     * reading of its pools). PING replies carry it (docs/PROTOCOL.md §5), so connected clients
     * list the volumes again at once rather than at their periodic re-list. Never 0, which means
     * "not reported". Cheap enough for every PING: no pool is read for it, each size is a field read.
     */
    public int sizesVersion() {
        int version = 1;
        for (ServedVolume v : volumes) {
            version = 31 * version + Long.hashCode(v.store().size());
        }
        for (ServedVolume v : pools.volumes()) {
            version = 31 * (31 * version + v.name().hashCode()) + Long.hashCode(v.store().size());
        }
        return version == 0 ? 1 : version;
    }

    public List<ServedVolume> visibleTo(String nodeName) {
        return all().stream().filter(v -> v.allows(nodeName)).toList();
    }

    public Optional<ServedVolume> find(String name) {
        return all().stream().filter(v -> v.name().equals(name)).findFirst();
    }

    /** Who has which volume open: sessions report their OPENs and CLOSEs here. */
    public VolumeUsers users() {
        return users;
    }

    /** Carries out management requests (docs/VOLUMES.md); its calls block on disk I/O. */
    public PoolManager pools() {
        return pools;
    }

    @Override
    public void close() {
        pools.close();
        volumes.forEach(v -> closeQuietly(v.store()));
    }

    private static void closeQuietly(VolumeStore store) {
        try {
            store.close();
        } catch (Exception ignored) {
            // closing at shutdown: nothing left to tell the client
        }
    }
}
