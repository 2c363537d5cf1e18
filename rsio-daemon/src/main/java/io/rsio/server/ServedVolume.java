package io.rsio.server;

import io.rsio.server.store.VolumeStore;
import io.rsio.wire.message.VolumeInfo;
import java.util.List;

/** A volume this server exports: what clients are told, where the bytes live, who may use it. */
public record ServedVolume(VolumeInfo info, VolumeStore store, List<String> access) {
    /** Empty access list means every configured client. */
    public boolean allows(String nodeName) {
        return access.isEmpty() || access.contains(nodeName);
    }
}
