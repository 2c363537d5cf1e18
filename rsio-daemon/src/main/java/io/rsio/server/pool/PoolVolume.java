package io.rsio.server.pool;

import io.rsio.server.store.FileVolumeStore;
import io.rsio.server.store.ServedVolume;
import io.rsio.wire.message.VolumeUsage;
import java.io.IOException;

/** A pool volume this server has open: its pool, its record as last read, and what serves it. */
record PoolVolume(PoolDirectory pool, VolumeRecord record, ServedVolume served) {
    FileVolumeStore store() {
        return (FileVolumeStore) served.store();
    }

    /** Provisioned and allocated bytes, as MANAGE replies carry them (docs/PROTOCOL.md §3.6). */
    VolumeUsage usage() throws IOException {
        return new VolumeUsage(record.name(), pool.pool().name(), store().size(), store().allocatedBytes(),
                record.readOnly(), record.thick(), record.origin());
    }
}
