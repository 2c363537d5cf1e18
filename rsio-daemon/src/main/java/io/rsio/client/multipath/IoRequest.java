package io.rsio.client.multipath;

import io.netty.buffer.ByteBuf;
import io.rsio.block.BlockException;
import io.rsio.block.Errno;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One block operation from a front end. It may travel more than once: when its path dies it
 * is sent again on another, so it keeps its own copy of write data until it is finished.
 * It finishes exactly once, with the reply or with an error.
 */
final class IoRequest {
    enum Kind { READ, WRITE, FLUSH, DISCARD, WRITE_ZEROES }

    final Kind kind;
    final long offset;
    final int length;
    /** FUA for writes, NO_HOLE for write-zeroes. */
    final boolean flag;
    private final ByteBuf data;
    final CompletableFuture<Object> future = new CompletableFuture<>();
    final long startNanos = System.nanoTime();
    private final AtomicBoolean finished = new AtomicBoolean();
    int attempts;
    /** A FLUSH for one server only: the id of the server it must reach, else -1 (any path). */
    int server = -1;
    /** For a FLUSH to one server: how many of its acknowledged writes it covers (FlushLedger). */
    long covers;

    IoRequest(Kind kind, long offset, int length, boolean flag, ByteBuf data) {
        this.kind = kind;
        this.offset = offset;
        this.length = length;
        this.flag = flag;
        this.data = data;
    }

    /** The wire request for one attempt; write data is shared, not copied. */
    Request toWire(long tag, int handle) {
        return switch (kind) {
            case READ -> new Request.Read(tag, handle, offset, length);
            case WRITE -> new Request.Write(tag, handle, offset, flag, data.retainedDuplicate());
            case FLUSH -> new Request.Flush(tag, handle);
            case DISCARD -> new Request.Discard(tag, handle, offset, length);
            case WRITE_ZEROES -> new Request.WriteZeroes(tag, handle, offset, length, flag);
        };
    }

    boolean isFinished() {
        return finished.get();
    }

    /** Completes with the server's success reply; a late duplicate is dropped (and released). */
    void succeed(Reply reply) {
        if (!finished.compareAndSet(false, true)) {
            if (reply instanceof Reply.ReadData rd) {
                rd.data().release();
            }
            return;
        }
        releaseData();
        future.complete(reply instanceof Reply.ReadData rd ? rd.data() : null);
    }

    void fail(Errno errno, String reason) {
        if (finished.compareAndSet(false, true)) {
            releaseData();
            future.completeExceptionally(new BlockException(errno, reason));
        }
    }

    private void releaseData() {
        if (data != null) {
            data.release();
        }
    }
}
