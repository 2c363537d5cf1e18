package io.rsio.nbd.protocol;

import java.util.Optional;

/**
 * Handshake options this server understands; each owns its wire value. Any other value
 * (PEEK_EXPORT 4, EXTENDED_HEADERS 11, vendor options) is unknown and answered ERR_UNSUP.
 */
public enum NbdOption {
    EXPORT_NAME(1),
    ABORT(2),
    LIST(3),
    STARTTLS(5),
    INFO(6),
    GO(7),
    STRUCTURED_REPLY(8),
    LIST_META_CONTEXT(9),
    SET_META_CONTEXT(10);

    private final int value;

    NbdOption(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** The option with this wire value, or empty when this server does not know it. */
    public static Optional<NbdOption> of(int value) {
        for (NbdOption o : values()) {
            if (o.value == value) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    /** Name for log lines, e.g. {@code NBD_OPT_GO} or {@code option 0x0000000b}. */
    public static String describe(int value) {
        return of(value).map(o -> "NBD_OPT_" + o.name()).orElse(String.format("option 0x%08x", value));
    }
}
