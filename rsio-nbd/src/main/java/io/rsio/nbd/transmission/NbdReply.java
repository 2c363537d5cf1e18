package io.rsio.nbd.transmission;

import io.netty.buffer.ByteBuf;
import io.rsio.nbd.protocol.NbdError;
import java.util.List;

/**
 * Replies of the transmission phase, encoded by {@link ReplyEncoder}. Those carrying data own
 * their buffer until the encoder hands it to the channel.
 */
public sealed interface NbdReply {
    long cookie();

    /** Simple reply with error 0, followed by the READ data when {@code data} is not null. */
    record SimpleReply(long cookie, ByteBuf data) implements NbdReply {
        public static SimpleReply ok(long cookie) {
            return new SimpleReply(cookie, null);
        }
    }

    /** Simple reply carrying an error and no data. */
    record SimpleError(long cookie, NbdError error) implements NbdReply {}

    /** NBD_REPLY_TYPE_OFFSET_DATA: u64 offset then the data. */
    record DataChunk(long cookie, long offset, ByteBuf data, boolean done) implements NbdReply {}

    /** NBD_REPLY_TYPE_NONE with DONE: ends a structured reply that has nothing more to say. */
    record NoneChunk(long cookie) implements NbdReply {}

    /** NBD_REPLY_TYPE_ERROR: u32 error, u16 message length, message. */
    record ErrorChunk(long cookie, NbdError error, String message, boolean done) implements NbdReply {}

    /** NBD_REPLY_TYPE_BLOCK_STATUS: u32 context id, then {u32 length, u32 flags} per extent. */
    record BlockStatusChunk(long cookie, int contextId, List<Extent> extents, boolean done) implements NbdReply {
        public BlockStatusChunk {
            if (extents.isEmpty()) {
                throw new IllegalArgumentException("a block status chunk needs at least one extent");
            }
            extents = List.copyOf(extents);
        }
    }

    /** One block status descriptor; {@code length} is a nonzero u32. */
    record Extent(long length, int flags) {
        public Extent {
            if (length <= 0 || length > 0xffff_ffffL) {
                throw new IllegalArgumentException("extent length " + length);
            }
        }
    }
}
