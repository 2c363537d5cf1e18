package io.rsio.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A scrape never fails because two live objects briefly carry the same labels. */
class MetricFamiliesTest {

    @Test
    void aRepeatedPointIsDroppedAndTheFirstCounts() throws Exception {
        MetricFamilies f = new MetricFamilies();
        f.counter("rsiod_path_reads", "READ requests", 5, "interface", "if0");
        f.counter("rsiod_path_reads", "READ requests", 7, "interface", "if0"); // a path during a reload
        f.counter("rsiod_path_reads", "READ requests", 1, "interface", "if1");
        IoLatency a = new IoLatency("volume", "oracle");
        IoLatency b = new IoLatency("volume", "oracle"); // two volumes of one name from two servers
        a.record(IoLatency.Op.READ, 1_000_000);
        b.record(IoLatency.Op.READ, 2_000_000);
        f.histogram("rsiod_volume_io_latency_seconds", "latency", a.points());
        f.histogram("rsiod_volume_io_latency_seconds", "latency", b.points());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, f.build());
        String text = out.toString(StandardCharsets.UTF_8);
        assertEquals(2, text.lines().filter(l -> l.startsWith("rsiod_path_reads_total{")).count(), text);
        assertEquals(true, text.contains("rsiod_path_reads_total{interface=\"if0\"} 5.0"), text);
        assertEquals(1, text.lines().filter(l -> l.startsWith("rsiod_volume_io_latency_seconds_count{op=\"read\"")).count(),
                text);
        assertEquals(true, text.contains("rsiod_volume_io_latency_seconds_sum{op=\"read\",volume=\"oracle\"} 0.001"),
                text);
    }
}
