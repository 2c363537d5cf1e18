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
public final class MetricFamilies {
    private final Map<String, CounterSnapshot.Builder> counters = new LinkedHashMap<>();
    private final Map<String, GaugeSnapshot.Builder> gauges = new LinkedHashMap<>();
    private final Map<String, HistogramSnapshot.Builder> histograms = new LinkedHashMap<>();
    /** Name and labels of every point so far: a second point with both would fail the whole scrape. */
    private final java.util.Set<String> seen = new java.util.HashSet<>();

    /**
     * A counter point; {@code labels} are name, value pairs. A point whose name and labels were
     * given before is dropped: during a reload a path can briefly exist twice (the new one logs
     * in before the old one is retired), and the first one's values are the ones that count.
     */
    public void counter(String name, String help, double value, String... labels) {
        if (!first(name, labels)) {
            return;
        }
        counters.computeIfAbsent(name, n -> CounterSnapshot.builder().name(n).help(help))
                .dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().value(value).labels(Labels.of(labels))
                        .build());
    }

    /** A gauge point; {@code labels} are name, value pairs. */
    public void gauge(String name, String help, double value, String... labels) {
        if (!first(name, labels)) {
            return;
        }
        gauges.computeIfAbsent(name, n -> GaugeSnapshot.builder().name(n).help(help))
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).labels(Labels.of(labels)).build());
    }

    /** Declares a family that may have no points in this scrape, so its HELP and TYPE still appear. */
    public void declareGauge(String name, String help) {
        gauges.computeIfAbsent(name, n -> GaugeSnapshot.builder().name(n).help(help));
    }

    public void declareCounter(String name, String help) {
        counters.computeIfAbsent(name, n -> CounterSnapshot.builder().name(n).help(help));
    }

    /** Histogram points, each already labelled (see {@link IoLatency}). */
    public void histogram(String name, String help, List<HistogramSnapshot.HistogramDataPointSnapshot> points) {
        HistogramSnapshot.Builder family = histograms.computeIfAbsent(name, n -> HistogramSnapshot.builder().name(n)
                .help(help));
        points.stream().filter(p -> seen.add(name + "\u0000" + p.getLabels())).forEach(family::dataPoint);
    }

    private boolean first(String name, String[] labels) {
        return seen.add(name + "\u0000" + String.join("\u0000", labels));
    }

    public MetricSnapshots build() {
        MetricSnapshots.Builder all = MetricSnapshots.builder();
        for (Map<String, ? extends MetricSnapshot.Builder<?>> kind : List.of(gauges, counters, histograms)) {
            kind.values().forEach(b -> all.metricSnapshot(b.build()));
        }
        return all.build();
    }
}
