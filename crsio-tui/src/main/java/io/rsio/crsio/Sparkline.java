package io.rsio.crsio;

import java.util.List;

/**
 * A series as one line of block characters (▁▂▃▄▅▆▇█), scaled to its own maximum, the newest
 * value on the right; {@code --ascii} terminals get {@code _ - = #} (AsciiTerminal). A value of
 * 0 is a blank, so an idle path reads as empty, not as a low bar.
 */
public final class Sparkline {
    private static final char[] BARS = {'▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'};

    private Sparkline() {}

    /** {@code values} right-aligned in {@code width} columns (older values beyond the width are dropped). */
    public static String of(List<Double> values, int width) {
        int from = Math.max(0, values.size() - width);
        double max = 0;
        for (int i = from; i < values.size(); i++) {
            max = Math.max(max, values.get(i));
        }
        StringBuilder b = new StringBuilder(" ".repeat(width - (values.size() - from)));
        for (int i = from; i < values.size(); i++) {
            double v = values.get(i);
            if (v <= 0 || max <= 0) {
                b.append(' ');
            } else {
                int level = (int) Math.ceil(v / max * BARS.length) - 1;
                b.append(BARS[Math.max(0, Math.min(BARS.length - 1, level))]);
            }
        }
        return b.toString();
    }
}
