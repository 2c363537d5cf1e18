package io.rsio.server.store;

import io.rsio.server.qos.VolumeGate;
import io.rsio.wire.message.VolumeInfo;
import java.util.List;

/**
 * A volume this server exports: what clients are told, where the bytes live, who may use it,
 * what was done with it (for the metrics endpoint and MANAGE STATISTICS), and the limits its
 * requests pass ({@link VolumeGate}).
 */
public record ServedVolume(VolumeInfo info, VolumeStore store, List<String> access, VolumeCounters counters,
                           VolumeGate gate) {
    public ServedVolume(VolumeInfo info, VolumeStore store, List<String> access) {
        this(info, store, access, new VolumeCounters(info.name()), new VolumeGate());
    }

    /** What clients are told, with the size the store has now: a pool volume grows while served,
     * and an RBD image can be resized by another client (docs/SCALE-OUT.md): LIST, OPEN and the
     * range checks follow it. */
    @Override
    public VolumeInfo info() {
        long size = store.size();
        return size == info.size() ? info
                : new VolumeInfo(info.name(), size, info.blockSize(), info.deviceDir(), info.id(), info.readOnly(),
                        info.oneActiveServer());
    }

    /**
     * The volume's name. Requests use this, not {@code info().name()}: {@link #info()} reads the
     * store's size and, once the volume has grown, makes a new VolumeInfo at every call.
     */
    public String name() {
        return info.name();
    }

    /** Empty access list means every configured client. */
    public boolean allows(String nodeName) {
        return access.isEmpty() || access.contains(nodeName);
    }
}
