package io.rsio.server.store;

/** The volume store operations that take a byte range, with their names for messages. */
public enum StoreOperation {
    READ("read", false),
    WRITE("write", true),
    DISCARD("discard", true),
    WRITE_ZEROES("write-zeroes", true);

    private final String verb;
    private final boolean changesData;

    StoreOperation(String verb, boolean changesData) {
        this.verb = verb;
        this.changesData = changesData;
    }

    /** The word used in messages, e.g. {@code write-zeroes}. */
    public String verb() {
        return verb;
    }

    /** True when the operation modifies the volume, so a read-only volume refuses it. */
    public boolean changesData() {
        return changesData;
    }
}
