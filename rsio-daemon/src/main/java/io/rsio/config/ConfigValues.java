package io.rsio.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers and formatters for the value types of the RSIO config files.
 *
 * <p>Public so that editors (crsio) validate a field exactly as the daemons will. Every parser
 * throws {@link IllegalArgumentException} whose message is a phrase meant to follow the field
 * name, e.g. {@code must be a number from 1 to 65535, found "50x0"}; the config parsers prefix
 * it with the key and the file position. None of them resolves host names: an address is a
 * literal or an error, so loading a config never touches the network.
 */
public final class ConfigValues {

    /** Longest name (section names, client names, node names, device directories). */
    public static final int MAX_NAME_LENGTH = 64;
    /** Longest key (client key, node key) in bytes: the wire's string limit. */
    public static final int MAX_KEY_BYTES = 1024;

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0," + (MAX_NAME_LENGTH - 1) + "}");
    private static final Pattern UNSIGNED = Pattern.compile("[0-9]{1,10}");
    private static final Pattern IPV4 = Pattern.compile("(0|[1-9][0-9]{0,2})(\\.(0|[1-9][0-9]{0,2})){3}");
    private static final Pattern SCOPE = Pattern.compile("[A-Za-z0-9_.-]{1,32}");
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})\\s*(ms|s|m|h)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern SIZE = Pattern.compile("([0-9]{1,19})\\s*(?:([KMGT])(?:iB)?)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final List<String> YES = List.of("yes", "true", "on");
    private static final List<String> NO = List.of("no", "false", "off");
    private static final int QUOTE_LIMIT = 60;

    private ConfigValues() {
    }

    /** Whether {@code s} is a valid name: letters, digits, '_', '.', '-', not starting with '.' or '-'. */
    public static boolean isName(String s) {
        return s != null && NAME.matcher(s).matches();
    }

    /** The phrase that explains {@link #isName}, to follow "interface name ... ". */
    public static String namePhrase(String found) {
        return "may use only letters, digits, \"_\", \".\" and \"-\", must not start with \".\" or \"-\""
                + " and has at most " + MAX_NAME_LENGTH + " characters, found " + quote(found);
    }

    /** A decimal number in {@code [min, max]}; no sign, no spaces inside. */
    public static int parseInt(String value, int min, int max) {
        String v = value.strip();
        if (UNSIGNED.matcher(v).matches()) {
            long n = Long.parseLong(v);
            if (n >= min && n <= max) {
                return (int) n;
            }
        }
        throw new IllegalArgumentException("must be a number from " + min + " to " + max + ", found " + quote(value));
    }

    /** A TCP/UDP port, 1..65535. */
    public static int parsePort(String value) {
        return parseInt(value, 1, 65535);
    }

    /** A namespace or server id: 0..2147483647 (a u32 on the wire, kept to Java's non-negative int). */
    public static int parseId(String value) {
        return parseInt(value, 0, Integer.MAX_VALUE);
    }

    /** A transport protocol; only {@code tcp} exists so far. Case-insensitive, returned in lower case. */
    public static String parseProtocol(String value) {
        return oneOf(value, ConfigDefaults.PROTOCOLS);
    }

    /** A multipath policy: {@code adaptive} or {@code roundrobin}. Case-insensitive, returned in lower case. */
    public static String parsePolicy(String value) {
        return oneOf(value, ConfigDefaults.POLICIES);
    }

    /** {@code yes}/{@code no} (also true/false, on/off), case-insensitive. */
    public static boolean parseYesNo(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (YES.contains(v)) {
            return true;
        }
        if (NO.contains(v)) {
            return false;
        }
        throw new IllegalArgumentException("must be yes or no, found " + quote(value));
    }

    /**
     * An IPv4 address in dotted-quad form or an IPv6 address (optionally with a {@code %scope}),
     * never a host name. The wildcard and multicast addresses are refused: every RSIO path is bound
     * to one real interface. Returns the address as written, trimmed.
     */
    public static String parseAddress(String value) {
        String v = value.strip();
        String expected = "must be an IPv4 address like 198.18.0.1 or an IPv6 address like 2001:db8::1, found " + quote(value);
        InetAddress address;
        try {
            if (v.indexOf(':') >= 0) {
                if (v.startsWith("[")) {
                    throw new IllegalArgumentException("must be written without brackets, found " + quote(value));
                }
                int percent = v.indexOf('%');
                String host = v;
                if (percent >= 0) {
                    if (!SCOPE.matcher(v.substring(percent + 1)).matches()) {
                        throw new IllegalArgumentException(expected);
                    }
                    host = v.substring(0, percent);
                }
                address = InetAddress.ofLiteral(host);
            } else if (IPV4.matcher(v).matches()) {
                address = InetAddress.ofLiteral(v);
            } else {
                throw new IllegalArgumentException(expected);
            }
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("must ")) {
                throw e;
            }
            throw new IllegalArgumentException(expected);
        }
        if (address.isAnyLocalAddress()) {
            throw new IllegalArgumentException("must be the address of one interface, not the wildcard " + quote(value));
        }
        if (address.isMulticastAddress()) {
            throw new IllegalArgumentException("must be a unicast address, found the multicast address " + quote(value));
        }
        return v;
    }

    /**
     * A duration: {@code 500ms}, {@code 5s}, {@code 2m}, {@code 1h}; a bare number means seconds.
     * Units are case-insensitive; only whole numbers.
     */
    public static Duration parseDuration(String value) {
        Matcher m = DURATION.matcher(value.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "must be a duration like 500ms, 5s, 2m or 1h (a bare number means seconds), found " + quote(value));
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> throw new IllegalStateException(unit);
        };
    }

    /** A parser of durations from {@code min} to {@code max}, inclusive. */
    public static java.util.function.Function<String, Duration> durationBetween(Duration min, Duration max) {
        return value -> {
            Duration d = parseDuration(value);
            if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
                throw new IllegalArgumentException("must be from " + formatDuration(min) + " to "
                        + formatDuration(max) + ", found " + quote(value));
            }
            return d;
        };
    }

    /** The shortest text {@link #parseDuration} reads back as {@code d} (millisecond precision). */
    public static String formatDuration(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) {
            return "0s";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1_000 == 0) {
            return ms / 1_000 + "s";
        }
        return ms + "ms";
    }

    /**
     * A size in bytes: {@code 4096}, {@code 512K}, {@code 10G}; K, M, G, T are powers of 1024
     * (KiB etc. are accepted too), case-insensitive.
     */
    public static long parseSize(String value) {
        Matcher m = SIZE.matcher(value.strip());
        String expected = "must be a size like 4096, 512K, 10G or 1T (K, M, G, T = powers of 1024), found " + quote(value);
        if (!m.matches()) {
            throw new IllegalArgumentException(expected);
        }
        try {
            long n = Long.parseLong(m.group(1));
            int shift = m.group(2) == null ? 0 : 10 * (1 + "KMGT".indexOf(Character.toUpperCase(m.group(2).charAt(0))));
            if (shift > 0 && n > (Long.MAX_VALUE >> shift)) {
                throw new IllegalArgumentException("is too large, found " + quote(value));
            }
            return n << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is too large, found " + quote(value));
        }
    }

    /** The shortest text {@link #parseSize} reads back as {@code bytes}. */
    public static String formatSize(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative size " + bytes);
        }
        String units = "KMGT";
        for (int i = units.length(); i >= 1; i--) {
            long unit = 1L << (10 * i);
            if (bytes != 0 && bytes % unit == 0) {
                return bytes / unit + String.valueOf(units.charAt(i - 1));
            }
        }
        return Long.toString(bytes);
    }

    /** A UUID in the canonical 8-4-4-4-12 hex form. */
    public static UUID parseUuid(String value) {
        String v = value.strip();
        if (!UUID_TEXT.matcher(v).matches()) {
            throw new IllegalArgumentException(
                    "must be a UUID like 123e4567-e89b-12d3-a456-426614174000, found " + quote(value));
        }
        return UUID.fromString(v);
    }

    /** {@code s} in double quotes for a message, shortened and with control characters made visible. */
    public static String quote(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), QUOTE_LIMIT) + 8).append('"');
        int n = 0;
        for (int i = 0; i < s.length(); i = s.offsetByCodePoints(i, 1)) {
            if (n++ == QUOTE_LIMIT) {
                b.append("...");
                break;
            }
            int c = s.codePointAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\x%02x", c));
            } else if (c == '"' || c == '\\') {
                b.append('\\').appendCodePoint(c);
            } else {
                b.appendCodePoint(c);
            }
        }
        return b.append('"').toString();
    }

    private static String oneOf(String value, List<String> allowed) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (allowed.contains(v)) {
            return v;
        }
        throw new IllegalArgumentException("must be one of: " + String.join(", ", allowed) + ", found " + quote(value));
    }
}
