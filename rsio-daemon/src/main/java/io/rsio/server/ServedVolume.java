package io.rsio.server;

import io.rsio.server.store.VolumeStore;
import io.rsio.wire.message.VolumeInfo;
import java.util.List;

/** A volume this server exports: what clients are told, where the bytes live, who may use it. */
public record ServedVolume(VolumeInfo info, VolumeStore store, List<String> access) {
    /** What clients are told, with the size the store has now: a pool volume grows while served. */
    @Override
    public VolumeInfo info() {
        long size = store.size();
        return size == info.size() ? info
                : new VolumeInfo(info.name(), size, info.blockSize(), info.deviceDir(), info.id(), info.readOnly());
    }

    /** Empty access list means every configured client. */
    public boolean allows(String nodeName) {
        return access.isEmpty() || access.contains(nodeName);
    }
}
