package io.rsio.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Warns of keys short enough to guess: whoever records one login (both nonces and a proof) can
 * test guessed keys offline, as long as he likes (docs/security.md). A key shorter than
 * {@link #MIN_LENGTH} characters is accepted, since the seed's own examples use such keys and
 * configs written for it must keep working, but each daemon says at start, with file and line,
 * which key is short; {@code openssl rand -hex 16} makes a good one.
 */
public final class KeyStrength {
    /** Characters below which a key is called short: 16 hex digits are 64 random bits at best. */
    public static final int MIN_LENGTH = 16;

    private KeyStrength() {
    }

    /** One warning per short client key in rssrvcfg's [clients]. */
    public static List<String> warnings(ServerConfig config) {
        List<String> warnings = new ArrayList<>();
        for (ServerConfig.Client c : config.clients()) {
            warn(warnings, c.key(), () -> ConfigLocations.ofClient(config.file(), c.name()) + ": key of client "
                    + ConfigValues.quote(c.name()));
        }
        return warnings;
    }

    /** One warning per short nodekey in rscltcfg. */
    public static List<String> warnings(ClientConfig config) {
        List<String> warnings = new ArrayList<>();
        for (ClientConfig.Namespace ns : config.namespaces()) {
            warn(warnings, ns.nodeKey(), () -> ConfigLocations.of(config.file(), "namespace", ns.name(), "nodekey")
                    + ": nodekey of [namespace " + ns.name() + "]");
        }
        return warnings;
    }

    private static void warn(List<String> warnings, String key, java.util.function.Supplier<String> where) {
        int length = key.codePointCount(0, key.length());
        if (length < MIN_LENGTH) {
            warnings.add(where.get() + " has only " + length + " character" + (length == 1 ? "" : "s")
                    + ": whoever records one login can guess a short key offline; use " + MIN_LENGTH
                    + " or more random characters (e.g. openssl rand -hex 16) on both ends");
        }
    }
}
