package io.rsio.metrics;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The families of one scrape, filled point by point from the daemon's live state and built
 * at the end: the collectors read the counters the daemons keep anyway, so nothing is counted
 * twice on the I/O path. Names are given without {@code _total}; the text format adds it to
 * counters.
 */
final class MetricFamilies {
    private final Map<String, CounterSnapshot.Builder> counters = new LinkedHashMap<>();
    private final Map<String, GaugeSnapshot.Builder> gauges = new LinkedHashMap<>();
    private final Map<String, HistogramSnapshot.Builder> histograms = new LinkedHashMap<>();

    /** A counter point; {@code labels} are name, value pairs. */
    void counter(String name, String help, double value, String... labels) {
        counters.computeIfAbsent(name, n -> CounterSnapshot.builder().name(n).help(help))
                .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(value).labels(Labels.of(labels))
                        .build());
    }

    /** A gauge point; {@code labels} are name, value pairs. */
    void gauge(String name, String help, double value, String... labels) {
        gauges.computeIfAbsent(name, n -> GaugeSnapshot.builder().name(n).help(help))
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build());
    }

    /** Declares a family that may have no points in this scrape, so its HELP and TYPE still appear. */
    void declareGauge(String name, String help) {
        gauges.computeIfAbsent(name, n -> GaugeSnapshot.builder().name(n).help(help));
    }

    void declareCounter(String name, String help) {
        counters.computeIfAbsent(name, n -> CounterSnapshot.builder().name(n).help(help));
    }

    /** Histogram points, each already labelled (see {@link IoLatency}). */
    void histogram(String name, String help, List<HistogramSnapshot.HistogramDataPointSnapshot> points) {
        HistogramSnapshot.Builder family = histograms.computeIfAbsent(name, n -> HistogramSnapshot.builder().name(n)
                .help(help));
        points.forEach(family::dataPoint);
    }

    MetricSnapshots build() {
        MetricSnapshots.Builder all = MetricSnapshots.builder();
        for (Map<String, ? extends MetricSnapshot.Builder<?>> kind : List.of(gauges, counters, histograms)) {
            kind.values().forEach(b -> all.metricSnapshot(b.build()));
        }
        return all.build();
    }
}
