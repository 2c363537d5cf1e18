package io.rsio.wire.message;

import java.util.UUID;

/**
 * A volume as a server offers it (docs/PROTOCOL.md §3.4). The id is the same on every server
 * that exports the same storage, so a client can treat them as paths to one volume.
 */
public record VolumeInfo(String name, long size, int blockSize, String deviceDir, UUID id, boolean readOnly) {
    public long blocks() {
        return size / blockSize;
    }
}
