package io.rsio.config;

import java.net.InetAddress;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a daemon serves its Prometheus metrics: the {@code metrics} key of rscltcfg's
 * {@code [defaults]} and rssrvcfg's {@code [server]} (docs/METRICS.md).
 *
 * <p>Written as {@code 9551} (loopback, 127.0.0.1), {@code 127.0.0.1:9551}, {@code [::1]:9551}
 * or {@code no} (the default: no endpoint). The endpoint has no authentication, so a bare port
 * stays on loopback; an address of another interface must be written out, which is the admin's
 * explicit choice (the daemon then warns at start that anyone reaching that address reads the
 * metrics). The wildcard is refused like everywhere else in the config files: one interface.
 *
 * @param address an IP literal, as written (without brackets)
 * @param port    the TCP port
 */
public record MetricsAddress(String address, int port) {
    /** The address a bare port means. */
    public static final String LOOPBACK = "127.0.0.1";

    /**
     * The key's value: empty for {@code no} (or {@code off}, {@code false}), else the address.
     *
     * @throws IllegalArgumentException with a phrase to follow the key name
     */
    public static Optional<MetricsAddress> parse(String value) {
        String v = value.strip();
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.equals("no") || lower.equals("off") || lower.equals("false")) {
            return Optional.empty();
        }
        String expected = "must be a port (loopback), ADDRESS:PORT such as 127.0.0.1:9551 or [::1]:9551, or no; found "
                + ConfigValues.quote(value);
        if (v.chars().allMatch(Character::isDigit) && !v.isEmpty()) {
            return Optional.of(new MetricsAddress(LOOPBACK, port(v, value)));
        }
        String host;
        String port;
        if (v.startsWith("[")) {
            int close = v.indexOf("]:");
            if (close < 0) {
                throw new IllegalArgumentException(expected);
            }
            host = v.substring(1, close);
            port = v.substring(close + 2);
        } else {
            int colon = v.lastIndexOf(':');
            if (colon < 0 || v.indexOf(':') != colon) {
                throw new IllegalArgumentException(expected); // IPv6 needs brackets here
            }
            host = v.substring(0, colon);
            port = v.substring(colon + 1);
        }
        String address;
        try {
            address = ConfigValues.parseAddress(host);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(e.getMessage().startsWith("must be the address of one interface")
                    ? "must name one interface, not the wildcard, found " + ConfigValues.quote(value) : expected);
        }
        return Optional.of(new MetricsAddress(address, port(port, value)));
    }

    private static int port(String digits, String value) {
        try {
            return ConfigValues.parsePort(digits);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("port must be from 1 to 65535, found " + ConfigValues.quote(value));
        }
    }

    /** True when only this host can reach the endpoint. */
    public boolean loopback() {
        int percent = address.indexOf('%');
        return InetAddress.ofLiteral(percent < 0 ? address : address.substring(0, percent)).isLoopbackAddress();
    }

    /** As the key is written: {@code 127.0.0.1:9551}, {@code [::1]:9551}. */
    public String text() {
        return (address.indexOf(':') >= 0 ? "[" + address + "]" : address) + ":" + port;
    }
}
