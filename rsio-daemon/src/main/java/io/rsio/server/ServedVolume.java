package io.rsio.server;

import io.rsio.server.store.VolumeStore;
import io.rsio.wire.message.VolumeInfo;
import java.util.List;

/** A volume this server exports: what clients are told, where the bytes live, who may use it. */
public record ServedVolume(VolumeInfo info, VolumeStore store, List<String> access) {
    /**
     * What clients are told, with the store's current size: an RBD image can be resized by
     * another client while rssrv runs (docs/SCALE-OUT.md), and LIST, OPEN and the range checks
     * must follow it.
     */
    @Override
    public VolumeInfo info() {
        long size = store.size();
        return size == info.size() ? info : new VolumeInfo(info.name(), size, info.blockSize(), info.deviceDir(),
                info.id(), info.readOnly(), info.oneActiveServer());
    }

    /** Empty access list means every configured client. */
    public boolean allows(String nodeName) {
        return access.isEmpty() || access.contains(nodeName);
    }
}
