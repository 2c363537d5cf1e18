package io.rsio.wire.message;

import java.util.List;
import java.util.Objects;

/**
 * What a server did for one volume since it opened it (docs/PROTOCOL.md §3.6, MANAGE
 * STATISTICS): requests and bytes each way, how many requests its limits held back and for how
 * long in all, the limits in force, and how long the store took per request.
 *
 * @param throttledNanos the time requests waited for the volume's or their client's token
 *     bucket, summed over requests (two requests waiting 1 s at once count 2 s)
 * @param limits the volume's limit (client {@code ""}) and per-client limits; none when unlimited
 * @param latency the store's time per request in buckets of increasing upper bound, the last
 *     without bound ({@link LatencyBucket#UNBOUNDED}); counts are per bucket, not cumulative
 */
public record VolumeStatistics(String name, boolean paused, long reads, long writes, long readBytes,
                               long writtenBytes, long throttledRequests, long throttledNanos,
                               List<VolumeLimit> limits, List<LatencyBucket> latency) {
    public VolumeStatistics {
        Objects.requireNonNull(name, "name");
        limits = List.copyOf(limits);
        latency = List.copyOf(latency);
    }

    /** Requests whose store time was at most {@code upToNanos} (and above the previous bucket's bound). */
    public record LatencyBucket(long upToNanos, long count) {
        /** The upper bound of the last bucket: no bound. */
        public static final long UNBOUNDED = Long.MAX_VALUE;
    }

    /** All requests of the latency histogram. */
    public long latencyCount() {
        return latency.stream().mapToLong(LatencyBucket::count).sum();
    }
}
