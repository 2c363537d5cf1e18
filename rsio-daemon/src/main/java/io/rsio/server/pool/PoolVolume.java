package io.rsio.server.pool;

import io.rsio.server.store.ServedVolume;
import io.rsio.server.store.VolumeStore;
import io.rsio.wire.message.VolumeUsage;
import java.io.IOException;

/** A pool volume this server has open: its pool, its record as last read, and what serves it. */
record PoolVolume(PoolStorage pool, VolumeRecord record, ServedVolume served) {
    VolumeStore store() {
        return served.store();
    }

    /** Provisioned and allocated bytes, as MANAGE replies carry them (docs/PROTOCOL.md §3.6). */
    VolumeUsage usage() throws IOException {
        return new VolumeUsage(record.name(), pool.pool().name(), store().size(), pool.allocatedBytes(store()),
                record.readOnly(), record.thick(), record.origin());
    }
}
