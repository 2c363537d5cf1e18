package io.rsio.metrics;

import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import java.util.List;

/**
 * How long one volume's requests take, per operation, as a Prometheus histogram. Made once
 * per volume with its labels fixed, and its data points looked up once: recording is a bucket
 * search and a few atomic adds, with no map look-up or allocation per request (classic buckets
 * only, no exemplars); the client library locks only while a scrape collects this histogram.
 */
public final class IoLatency {
    /** Operations a latency is kept for; everything else counts as {@code other}. */
    public enum Op { READ, WRITE, FLUSH, OTHER }

    /** From 50 µs (a page-cache hit on loopback) to 10 s (a failover under nopath_timeout). */
    static final double[] BUCKETS = {50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3, 50e-3, 100e-3,
            250e-3, 500e-3, 1, 2.5, 5, 10};

    private final Histogram histogram;
    private final DistributionDataPoint[] points = new DistributionDataPoint[Op.values().length];

    /** @param labels the volume's labels, name, value pairs (e.g. namespace, volume) */
    public IoLatency(String... labels) {
        histogram = Histogram.builder().name("io_latency_seconds").help("latency").labelNames("op")
                .constLabels(Labels.of(labels)).classicOnly().classicUpperBounds(BUCKETS).withoutExemplars().build();
        for (Op op : Op.values()) {
            points[op.ordinal()] = histogram.labelValues(op.name().toLowerCase(java.util.Locale.ROOT));
        }
    }

    /** One request of {@code op} took {@code nanos}. */
    public void record(Op op, long nanos) {
        points[op.ordinal()].observe(nanos / 1e9);
    }

    /**
     * Requests of every operation per bucket (docs/PROTOCOL.md §3.6, STATISTICS): the buckets'
     * upper bounds in seconds, the last infinite, and how many requests fell in each (not cumulative).
     */
    public record Buckets(double[] upperBoundsSeconds, long[] counts) {}

    /** This volume's requests of all operations, per bucket. */
    public Buckets allOperations() {
        double[] bounds = new double[BUCKETS.length + 1];
        System.arraycopy(BUCKETS, 0, bounds, 0, BUCKETS.length);
        bounds[BUCKETS.length] = Double.POSITIVE_INFINITY;
        long[] counts = new long[bounds.length];
        for (HistogramSnapshot.HistogramDataPointSnapshot point : points()) {
            var buckets = point.getClassicBuckets();
            for (int i = 0; i < buckets.size() && i < counts.length; i++) {
                counts[i] += buckets.getCount(i);
            }
        }
        return new Buckets(bounds, counts);
    }

    /** The points of this volume, labelled, for a scrape. */
    public List<HistogramSnapshot.HistogramDataPointSnapshot> points() {
        return histogram.collect().getDataPoints();
    }
}
