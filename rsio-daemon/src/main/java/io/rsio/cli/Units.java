package io.rsio.cli;

/** Human-readable sizes in binary units, as administrators read them. */
public final class Units {
    private static final String[] NAMES = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

    private Units() {}

    /** "512 B", "8.0 MiB". */
    public static String bytes(long value) {
        double v = value;
        int unit = 0;
        while (v >= 1024 && unit < NAMES.length - 1) {
            v /= 1024;
            unit++;
        }
        return unit == 0 ? value + " B" : String.format("%.1f %s", v, NAMES[unit]);
    }
}
