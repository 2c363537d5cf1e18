package io.rsio.nbd.protocol;

import java.util.Optional;

/** Transmission commands; each owns its wire value. Unknown commands are answered EINVAL. */
public enum NbdCommand {
    READ(0),
    WRITE(1),
    DISC(2),
    FLUSH(3),
    TRIM(4),
    CACHE(5),
    WRITE_ZEROES(6),
    BLOCK_STATUS(7);

    private static final NbdCommand[] BY_VALUE = new NbdCommand[8];

    static {
        for (NbdCommand c : values()) {
            BY_VALUE[c.value] = c;
        }
    }

    private final int value;

    NbdCommand(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** The command with this wire value, or empty when it is unknown. */
    public static Optional<NbdCommand> of(int value) {
        return value >= 0 && value < BY_VALUE.length ? Optional.ofNullable(BY_VALUE[value]) : Optional.empty();
    }

    /** Whether the command changes export data (refused with EPERM on a read-only export). */
    public boolean writesData() {
        return this == WRITE || this == TRIM || this == WRITE_ZEROES;
    }

    /** Name for log lines, e.g. {@code NBD_CMD_READ} or {@code command 9}. */
    public static String describe(int value) {
        return of(value).map(c -> "NBD_CMD_" + c.name()).orElse("command " + value);
    }
}
