package io.rsio.crsio;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The last minute of one path's or one volume's numbers, kept by crsio from its own polls of
 * rsiod's {@code stat} (rsiod keeps only the last second; crsio adds a sample per answer, so the
 * history starts when the screen is first shown and has gaps while it is not shown or paused).
 */
public final class LiveHistory {
    /** Samples kept: a minute at the 1 s refresh. */
    public static final int SAMPLES = 60;

    /** One answer's numbers for one path or volume; {@code state} is "connected", "down", "2 paths", ... */
    public record Sample(long atMillis, double readBytesPerSecond, double writeBytesPerSecond, double readIops,
                         double writeIops, long rttMicros, long errors, long failovers, String state) {}

    private final Map<String, Deque<Sample>> series = new LinkedHashMap<>();

    public void add(String key, Sample sample) {
        Deque<Sample> s = series.computeIfAbsent(key, k -> new ArrayDeque<>());
        s.addLast(sample);
        while (s.size() > SAMPLES) {
            s.removeFirst();
        }
    }

    /** Forgets what is not in {@code keys} (removed paths and volumes). */
    public void retain(java.util.Collection<String> keys) {
        series.keySet().retainAll(keys);
    }

    public List<Sample> of(String key) {
        return List.copyOf(series.getOrDefault(key, new ArrayDeque<>()));
    }

    public static List<Double> values(List<Sample> samples, ToDoubleFunction<Sample> value) {
        List<Double> out = new ArrayList<>(samples.size());
        for (Sample s : samples) {
            out.add(value.applyAsDouble(s));
        }
        return out;
    }

    /**
     * One character per sample: {@code |} where the state changed, {@code F} where a failover
     * happened, {@code E} where errors grew, {@code .} otherwise; right-aligned in {@code width}.
     */
    public static String events(List<Sample> samples, int width) {
        int from = Math.max(0, samples.size() - width);
        StringBuilder b = new StringBuilder(" ".repeat(width - (samples.size() - from)));
        for (int i = from; i < samples.size(); i++) {
            Sample now = samples.get(i);
            Sample before = i > 0 ? samples.get(i - 1) : null;
            char c = '.';
            if (before != null && !before.state().equals(now.state())) {
                c = '|';
            } else if (before != null && now.failovers() > before.failovers()) {
                c = 'F';
            } else if (before != null && now.errors() > before.errors()) {
                c = 'E';
            }
            b.append(c);
        }
        return b.toString();
    }
}
