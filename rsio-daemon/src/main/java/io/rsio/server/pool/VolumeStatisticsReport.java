package io.rsio.server.pool;

import io.rsio.metrics.IoLatency;
import io.rsio.server.store.ServedVolume;
import io.rsio.server.store.VolumeCounters;
import io.rsio.wire.message.VolumeStatistics;
import java.util.ArrayList;
import java.util.List;

/** A served volume's counters, limits and latency as one MANAGE STATISTICS entry (docs/PROTOCOL.md §3.6). */
final class VolumeStatisticsReport {
    private VolumeStatisticsReport() {}

    static VolumeStatistics of(ServedVolume volume) {
        VolumeCounters c = volume.counters();
        IoLatency.Buckets buckets = c.latency().allOperations();
        List<VolumeStatistics.LatencyBucket> latency = new ArrayList<>();
        for (int i = 0; i < buckets.counts().length; i++) {
            double bound = buckets.upperBoundsSeconds()[i];
            latency.add(new VolumeStatistics.LatencyBucket(Double.isInfinite(bound)
                    ? VolumeStatistics.LatencyBucket.UNBOUNDED : Math.round(bound * 1e9), buckets.counts()[i]));
        }
        return new VolumeStatistics(volume.name(), volume.gate().paused(), c.reads(), c.writes(), c.readBytes(),
                c.writtenBytes(), volume.gate().throttledRequests(), volume.gate().throttledNanos(),
                volume.gate().limits(), latency);
    }
}
