package io.rsio.nbd.protocol;

import io.rsio.block.EnumByValue;
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

    private static final EnumByValue<NbdCommand> BY_VALUE = new EnumByValue<>(values(), NbdCommand::value, 8);

    private final int value;
    private final String wireName;

    NbdCommand(int value) {
        this.value = value;
        this.wireName = "NBD_CMD_" + name();
    }

    public int value() {
        return value;
    }

    /** The command with this wire value, or empty when it is unknown. */
    public static Optional<NbdCommand> of(int value) {
        return BY_VALUE.of(value);
    }

    /** The spec's name, e.g. {@code NBD_CMD_READ} (made once: refusals name it, per request). */
    public String wireName() {
        return wireName;
    }

    /** Whether the command changes export data (refused with EPERM on a read-only export). */
    public boolean writesData() {
        return this == WRITE || this == TRIM || this == WRITE_ZEROES;
    }

    /** Name for log lines, e.g. {@code NBD_CMD_READ} or {@code command 9}. */
    public static String describe(int value) {
        return of(value).map(NbdCommand::wireName).orElse("command " + value);
    }
}
