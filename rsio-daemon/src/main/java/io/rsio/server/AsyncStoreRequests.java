package io.rsio.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.rsio.block.BlockException;
import io.rsio.block.Errno;
import io.rsio.server.store.AsyncVolumeStore;
import io.rsio.wire.Opcode;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Starts block requests on an {@link AsyncVolumeStore} from the event loop that received them,
 * without a store thread: the store's completion builds the reply and hands it to {@code done}
 * (which the session passes back to its event loop). Owns the request's WRITE data until then.
 */
final class AsyncStoreRequests {
    private static final Logger LOG = LogManager.getLogger(AsyncStoreRequests.class);

    private AsyncStoreRequests() {}

    /** False for requests that are not I/O (QUERY): the caller runs those itself. */
    static boolean start(AsyncVolumeStore store, Request request, ByteBufAllocator allocator, Consumer<Reply> done) {
        try {
            switch (request) {
                case Request.Read r -> read(store, r, allocator, done);
                case Request.Write w -> store.writeAsync(w.offset(), w.data(), w.fua(), failure -> {
                    w.data().release();
                    done.accept(reply(w, Opcode.WRITE, failure));
                });
                case Request.Flush f -> store.flushAsync(failure -> done.accept(reply(f, Opcode.FLUSH, failure)));
                case Request.Discard d -> store.discardAsync(d.offset(), d.length(),
                        failure -> done.accept(reply(d, Opcode.DISCARD, advisory(failure))));
                case Request.WriteZeroes z -> store.writeZeroesAsync(z.offset(), z.length(), !z.noHole(),
                        failure -> done.accept(reply(z, Opcode.WRITE_ZEROES, failure)));
                default -> {
                    return false;
                }
            }
        } catch (BlockException e) { // refused before it started: range, read-only, closed
            if (request instanceof Request.Write w) {
                w.data().release();
            }
            done.accept(new Reply.Failure(request.tag(), request.opcode(), e.errno(), e.getMessage()));
        } catch (RuntimeException e) {
            if (request instanceof Request.Write w && w.data().refCnt() > 0) {
                w.data().release();
            }
            LOG.error("{} on volume {} failed unexpectedly", request.opcode(), store.name(), e);
            done.accept(new Reply.Failure(request.tag(), request.opcode(), Errno.EIO, "internal error: " + e));
        }
        return true;
    }

    private static void read(AsyncVolumeStore store, Request.Read r, ByteBufAllocator allocator, Consumer<Reply> done) {
        ByteBuf buf = allocator.directBuffer(r.length(), r.length());
        try {
            store.readAsync(r.offset(), buf, r.length(), failure -> {
                if (failure == null) {
                    done.accept(new Reply.ReadData(r.tag(), buf));
                } else {
                    buf.release();
                    done.accept(new Reply.Failure(r.tag(), Opcode.READ, failure.errno(), failure.getMessage()));
                }
            });
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    /** Discard is advisory: storage that cannot discard keeps the data, which is no error. */
    private static BlockException advisory(BlockException failure) {
        return failure != null && failure.errno() == Errno.ENOTSUP ? null : failure;
    }

    private static Reply reply(Request request, Opcode opcode, BlockException failure) {
        return failure == null ? new Reply.Done(request.tag(), opcode)
                : new Reply.Failure(request.tag(), opcode, failure.errno(), failure.getMessage());
    }
}
