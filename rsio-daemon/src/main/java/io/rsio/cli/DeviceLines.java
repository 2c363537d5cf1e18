package io.rsio.cli;

import io.rsio.control.ControlRows.DeviceRow;

/** The words rsconfig and crsio both use for attached volumes, so the two never drift apart. */
public final class DeviceLines {
    private DeviceLines() {}

    /** What happened to one volume on attach, detach or stop, as one line without a newline. */
    public static String outcome(DeviceRow r) {
        String who = r.namespace() + ":" + r.name();
        return switch (r.action()) {
            case "attached", "already" -> who + (r.action().equals("already") ? " already" : "") + " attached: b: "
                    + r.blockPath() + "  c: " + r.charPath();
            case "detached" -> who + " detached (" + r.blockPath() + ")";
            case "forced" -> who + " detached by force (" + r.blockPath() + "): " + r.message();
            case "pending" -> who + " detaching: " + r.message();
            case "refused" -> who + " not detached: " + r.message();
            default -> who + ": " + r.message();
        };
    }

    /** True for outcomes that are failures (rsconfig prints them on stderr). */
    public static boolean failed(DeviceRow r) {
        return !switch (r.action()) {
            case "attached", "already", "detached", "forced", "pending" -> true;
            default -> false;
        };
    }

    /** The seed prints the digit of the suggested directory ("av0" → 0). */
    public static String deviceIndex(String device) {
        String digits = device.replaceAll("\\D", "");
        return digits.isEmpty() ? "-" : digits;
    }
}
