package io.rsio.wire;

import io.rsio.block.EnumByValue;
import java.util.Optional;

/** RSIO opcodes; each owns its wire value (docs/PROTOCOL.md §2). */
public enum Opcode {
    HELLO(1),
    AUTH_START(2),
    AUTH_PROOF(3),
    LIST(4),
    OPEN(5),
    CLOSE(6),
    READ(16),
    WRITE(17),
    FLUSH(18),
    DISCARD(19),
    WRITE_ZEROES(20),
    QUERY(21),
    PING(32),
    GOODBYE(33),
    /** Volume management: create, resize, snapshot, delete, usage (docs/VOLUMES.md). */
    MANAGE(48);

    private static final EnumByValue<Opcode> BY_VALUE = new EnumByValue<>(values(), Opcode::value, 256);

    private final int value;

    Opcode(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    /** The opcode with this wire value, or empty when it is unknown (a protocol error). */
    public static Optional<Opcode> of(int value) {
        return BY_VALUE.of(value);
    }

    /** Operations that move or change volume data; they need an authenticated, opened handle. */
    public boolean isIo() {
        return switch (this) {
            case READ, WRITE, FLUSH, DISCARD, WRITE_ZEROES, QUERY -> true;
            default -> false;
        };
    }
}
