package io.rsio.nbd.protocol;

import java.util.Set;

/** Transmission flags sent with the export size; the bit number is the wire position. */
public enum TransmissionFlag {
    HAS_FLAGS(0),
    READ_ONLY(1),
    SEND_FLUSH(2),
    SEND_FUA(3),
    ROTATIONAL(4),
    SEND_TRIM(5),
    SEND_WRITE_ZEROES(6),
    SEND_DF(7),
    CAN_MULTI_CONN(8),
    SEND_CACHE(10),
    SEND_FAST_ZERO(11);

    private final int bit;

    TransmissionFlag(int bit) {
        this.bit = bit;
    }

    public int mask() {
        return 1 << bit;
    }

    public static int toWire(Set<TransmissionFlag> flags) {
        int wire = 0;
        for (TransmissionFlag f : flags) {
            wire |= f.mask();
        }
        return wire;
    }
}
