package io.rsio.nbd.transmission;

import io.netty.buffer.ByteBuf;
import io.rsio.nbd.protocol.NbdCommand;

/**
 * One transmission request as it came off the wire, not yet validated.
 *
 * @param flags u16 command flags
 * @param type u16 command type (possibly unknown)
 * @param cookie opaque, echoed in the reply
 * @param offset u64; a negative value means an offset beyond 2^63 (always out of range)
 * @param length u32
 * @param payload the WRITE data ({@code length} bytes, owned by the receiver), else null
 */
public record NbdRequest(int flags, int type, long cookie, long offset, long length, ByteBuf payload) {

    public void releasePayload() {
        if (payload != null && payload.refCnt() > 0) {
            payload.release();
        }
    }

    @Override
    public String toString() {
        return String.format("%s flags=0x%x cookie=0x%x offset=%s length=%d", NbdCommand.describe(type), flags,
                cookie, Long.toUnsignedString(offset), length);
    }
}
