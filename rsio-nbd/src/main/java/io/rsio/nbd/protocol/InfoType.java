package io.rsio.nbd.protocol;

import java.util.Optional;

/** Information items of NBD_OPT_INFO / NBD_OPT_GO. Unknown requests are ignored (spec). */
public enum InfoType {
    /** {u16 0, u64 size, u16 transmission flags}: exactly 12 bytes. */
    EXPORT(0),
    /** {u16 1, name}. */
    NAME(1),
    /** {u16 2, description}. */
    DESCRIPTION(2),
    /** {u16 3, u32 minimum, u32 preferred, u32 maximum}: exactly 14 bytes (libnbd rejects others). */
    BLOCK_SIZE(3);

    private final int value;

    InfoType(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** The information type with this wire value, or empty when it is unknown. */
    public static Optional<InfoType> of(int value) {
        return value >= 0 && value < values().length ? Optional.of(values()[value]) : Optional.empty();
    }
}
