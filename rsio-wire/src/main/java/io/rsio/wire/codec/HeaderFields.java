package io.rsio.wire.codec;

import io.rsio.block.Errno;
import io.rsio.wire.Opcode;

/** The header fields a message sets; the encoder adds magic, version, lengths and the digest. */
record HeaderFields(Opcode opcode, int flags, long tag, int handle, Errno status, long offset, int length) {
    static HeaderFields of(Opcode opcode, int flags, long tag) {
        return new HeaderFields(opcode, flags, tag, 0, Errno.OK, 0, 0);
    }
}
