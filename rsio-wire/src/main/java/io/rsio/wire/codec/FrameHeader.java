package io.rsio.wire.codec;

import io.rsio.block.Errno;
import io.rsio.wire.Opcode;
import io.rsio.wire.WireConstants;

/**
 * A frame header that passed every check of docs/PROTOCOL.md §1. The payload length is known to
 * be within the limit, so it is safe to wait for that many bytes.
 */
record FrameHeader(
        Opcode opcode,
        boolean reply,
        int flags,
        long tag,
        int handle,
        Errno status,
        long offset,
        int length,
        int payloadLength,
        boolean dataDigest) {

    /** WRITE requests and successful READ replies: the payload is volume data, passed on uncopied. */
    boolean carriesData() {
        return reply ? opcode == Opcode.READ && status == Errno.OK : opcode == Opcode.WRITE;
    }

    boolean flag(int bit) {
        return (flags & bit) != 0;
    }

    /** "READ reply", "HELLO request": names the frame in protocol error reasons. */
    String kind() {
        return kind(opcode, reply);
    }

    static String kind(Opcode opcode, boolean reply) {
        return opcode + (reply ? " reply" : " request");
    }

    static boolean isReply(int flags) {
        return (flags & WireConstants.FLAG_REPLY) != 0;
    }
}
