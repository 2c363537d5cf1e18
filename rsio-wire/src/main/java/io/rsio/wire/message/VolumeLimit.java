package io.rsio.wire.message;

import java.util.Objects;

/**
 * A bandwidth and IOPS limit on a volume (docs/VOLUMES.md, "Throttling"): of all its I/O when
 * {@code client} is empty, else of that client's. 0 means unlimited.
 */
public record VolumeLimit(String client, long bytesPerSecond, long iops) {
    public VolumeLimit {
        Objects.requireNonNull(client, "client");
        if (bytesPerSecond < 0 || iops < 0) {
            throw new IllegalArgumentException("limits must not be negative");
        }
    }

    /** Neither bandwidth nor IOPS limited. */
    public boolean unlimited() {
        return bytesPerSecond == 0 && iops == 0;
    }
}
