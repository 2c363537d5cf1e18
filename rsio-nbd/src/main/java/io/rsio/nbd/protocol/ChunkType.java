package io.rsio.nbd.protocol;

import java.util.Optional;

/** Structured reply chunk types; error chunks have bit 15 set. */
public enum ChunkType {
    NONE(0),
    /** u64 offset + data. */
    OFFSET_DATA(1),
    /** u64 offset + u32 hole length. */
    OFFSET_HOLE(2),
    /** u32 context id + {u32 length, u32 flags}... */
    BLOCK_STATUS(5),
    /** u32 error, u16 message length, message. */
    ERROR(0x8001),
    /** as ERROR followed by u64 offset. */
    ERROR_OFFSET(0x8002);

    private final int value;

    ChunkType(int value) {
        this.value = value;
    }

    public int value() {
        return value;
    }

    public boolean isError() {
        return (value & 0x8000) != 0;
    }

    /** The chunk type with this wire value, or empty when it is unknown. */
    public static Optional<ChunkType> of(int value) {
        for (ChunkType t : values()) {
            if (t.value == value) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }
}
