package io.rsio.server;

import io.rsio.config.ConfigLocations;
import io.rsio.config.ServerConfig;
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

/** The volumes of this server's namespace, opened once at start-up. */
public final class VolumeCatalog implements AutoCloseable {
    private final List<ServedVolume> volumes;

    private VolumeCatalog(List<ServedVolume> volumes) {
        this.volumes = List.copyOf(volumes);
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
        return new VolumeCatalog(opened);
    }

    /**
     * Servers of one namespace share storage, so the identity of a volume depends only on the
     * namespace and its name: every server exporting "oracle" in namespace 200 gives the same id,
     * which lets a client see them as paths to one volume.
     */
    static UUID derivedId(int namespaceId, String volumeName) {
        return UUID.nameUUIDFromBytes(("rsio:" + namespaceId + ":" + volumeName).getBytes(StandardCharsets.UTF_8));
    }

    public List<ServedVolume> all() {
        return volumes;
    }

    public List<ServedVolume> visibleTo(String nodeName) {
        return volumes.stream().filter(v -> v.allows(nodeName)).toList();
    }

    public Optional<ServedVolume> find(String name) {
        return volumes.stream().filter(v -> v.info().name().equals(name)).findFirst();
    }

    @Override
    public void close() {
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
