package io.rsio.wire.message;

import java.util.UUID;

/**
 * A volume as a server offers it (docs/PROTOCOL.md §3.4). The id is the same on every server
 * that exports the same storage, so a client can treat them as paths to one volume.
 *
 * @param oneActiveServer the servers are gateways that serve the volume one at a time, and
 *     what any of them acknowledged is durable (docs/SCALE-OUT.md)
 */
public record VolumeInfo(String name, long size, int blockSize, String deviceDir, UUID id, boolean readOnly,
                         boolean oneActiveServer) {
    /** A volume that every server serves at once (a shared file, a local device). */
    public VolumeInfo(String name, long size, int blockSize, String deviceDir, UUID id, boolean readOnly) {
        this(name, size, blockSize, deviceDir, id, readOnly, false);
    }

    public long blocks() {
        return size / blockSize;
    }
}
