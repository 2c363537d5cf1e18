package io.rsio.discovery;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What Linux says of a network device under {@code /sys/class/net/NAME}: MTU, link speed, state
 * and MAC. Files that are missing or unreadable (a virtual device has no speed: reading it gives
 * EINVAL) become "unknown" rather than errors, because the facts are shown, never relied on.
 *
 * @param mtu       bytes, 0 when unknown
 * @param speedMbps Mbit/s, 0 when unknown
 * @param state     operstate ({@code up}, {@code down}, {@code unknown}, ...)
 * @param mac       hardware address, "" when unknown
 */
public record LinkFacts(int mtu, int speedMbps, String state, String mac) {
    public static final LinkFacts UNKNOWN = new LinkFacts(0, 0, "unknown", "");
    public static final Path SYS_CLASS_NET = Path.of("/sys/class/net");

    /** Reads the facts of device {@code name} under {@code root} (normally {@link #SYS_CLASS_NET}). */
    public static LinkFacts read(Path root, String name) {
        if (name == null || name.isEmpty() || name.contains("/") || name.startsWith(".")) {
            return UNKNOWN;
        }
        Path dir = root.resolve(name);
        int mtu = number(dir.resolve("mtu"));
        int speed = number(dir.resolve("speed"));
        String state = text(dir.resolve("operstate")).orElse("unknown");
        String mac = text(dir.resolve("address")).orElse("");
        return new LinkFacts(Math.max(mtu, 0), Math.max(speed, 0), state, mac);
    }

    public static LinkFacts read(String name) {
        return read(SYS_CLASS_NET, name);
    }

    private static int number(Path file) {
        // -1 means unknown in sysfs (speed of a link that is down)
        return text(file).map(s -> {
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                return 0;
            }
        }).orElse(0);
    }

    private static Optional<String> text(Path file) {
        try {
            if (Files.size(file) > 4096) {
                return Optional.empty();
            }
            String s = Files.readString(file).strip();
            return s.isEmpty() ? Optional.empty() : Optional.of(s);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** "1000 Mbit/s", "10 Gbit/s" or "-". */
    public String speedText() {
        if (speedMbps <= 0) {
            return "-";
        }
        return speedMbps % 1000 == 0 ? speedMbps / 1000 + " Gbit/s" : speedMbps + " Mbit/s";
    }
}
