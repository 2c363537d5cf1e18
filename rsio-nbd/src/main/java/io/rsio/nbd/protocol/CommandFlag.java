package io.rsio.nbd.protocol;

/** Request command flags and the commands each is legal on. */
public enum CommandFlag {
    /** Valid on every command once SEND_FUA is advertised (clients set it on reads too). */
    FUA(1),
    /** WRITE_ZEROES only: the range must stay provisioned. */
    NO_HOLE(1 << 1),
    /** READ only, structured replies only: at most one content chunk. */
    DF(1 << 2),
    /** BLOCK_STATUS only: a single extent per context. */
    REQ_ONE(1 << 3),
    /** WRITE_ZEROES only: fail fast with ENOTSUP unless zeroing is faster than writing. */
    FAST_ZERO(1 << 4);

    /** values() copies its array on every call; these run per request. */
    private static final CommandFlag[] ALL = values();
    private static final int KNOWN_BITS = knownBits();

    private final int mask;

    CommandFlag(int mask) {
        this.mask = mask;
    }

    public int mask() {
        return mask;
    }

    public boolean isSetIn(int flags) {
        return (flags & mask) != 0;
    }

    /** Bits not defined by the spec; a request carrying any of them is refused. */
    public static int unknownBits(int flags) {
        return flags & ~KNOWN_BITS & 0xffff;
    }

    private static int knownBits() {
        int known = 0;
        for (CommandFlag f : ALL) {
            known |= f.mask;
        }
        return known;
    }

    /** The first flag set in {@code flags} that may not be sent with {@code command}, or null. */
    public static CommandFlag firstIllegal(int flags, NbdCommand command) {
        for (CommandFlag f : ALL) {
            if (f.isSetIn(flags) && !f.legalFor(command)) {
                return f;
            }
        }
        return null;
    }

    /** Whether this flag may be sent with {@code command}. */
    public boolean legalFor(NbdCommand command) {
        return switch (this) {
            case FUA -> true;
            case NO_HOLE, FAST_ZERO -> command == NbdCommand.WRITE_ZEROES;
            case DF -> command == NbdCommand.READ;
            case REQ_ONE -> command == NbdCommand.BLOCK_STATUS;
        };
    }
}
