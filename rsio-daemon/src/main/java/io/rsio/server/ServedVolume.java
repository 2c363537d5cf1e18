package io.rsio.server;

import io.rsio.server.store.VolumeStore;
import io.rsio.wire.message.VolumeInfo;
import java.util.List;

/**
 * A volume this server exports: what clients are told, where the bytes live, who may use it,
 * and what was done with it (for the metrics endpoint).
 */
public record ServedVolume(VolumeInfo info, VolumeStore store, List<String> access, VolumeCounters counters) {
    public ServedVolume(VolumeInfo info, VolumeStore store, List<String> access) {
        this(info, store, access, new VolumeCounters(info.name()));
    }

    /** Empty access list means every configured client. */
    public boolean allows(String nodeName) {
        return access.isEmpty() || access.contains(nodeName);
    }
}
