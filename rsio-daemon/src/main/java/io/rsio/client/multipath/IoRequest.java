package io.rsio.client.multipath;

import io.netty.buffer.ByteBuf;
import io.rsio.block.BlockCompletion;
import io.rsio.block.BlockException;
import io.rsio.block.Errno;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One block operation from a front end. It may travel more than once: when its path dies it
 * is sent again on another, so it keeps its own copy of write data until it is finished.
 * It finishes exactly once, with the reply or with an error, and says so to its
 * {@link BlockCompletion} (the front end's own request object, or a future): no future or
 * lambda of its own, since every READ through rsiod passes here (docs/performance.md §12).
 */
final class IoRequest {
    enum Kind { READ, WRITE, FLUSH, DISCARD, WRITE_ZEROES }

    private static final Logger LOG = LogManager.getLogger(IoRequest.class);
    private static final VarHandle FINISHED;

    static {
        try {
            FINISHED = MethodHandles.lookup().findVarHandle(IoRequest.class, "finished", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Kind kind;
    final long offset;
    final int length;
    /** FUA for writes, NO_HOLE for write-zeroes. */
    final boolean flag;
    private final ByteBuf data;
    /** The volume that sent it: where a path hands it back, answered or not. */
    final RequestOwner owner;
    private final BlockCompletion done;
    final long startNanos = System.nanoTime();
    /** Set once, by compare-and-set: a late duplicate reply or a timeout after the reply finds it set. */
    @SuppressWarnings("unused") // through FINISHED
    private volatile boolean finished;
    int attempts;
    /** A FLUSH for one server only: the id of the server it must reach, else -1 (any path). */
    int server = -1;
    /** For a FLUSH to one server: how many of its acknowledged writes it covers (FlushLedger). */
    long covers;

    IoRequest(Kind kind, long offset, int length, boolean flag, ByteBuf data, RequestOwner owner, BlockCompletion done) {
        this.kind = kind;
        this.offset = offset;
        this.length = length;
        this.flag = flag;
        this.data = data;
        this.owner = owner;
        this.done = done;
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
        return finished;
    }

    private boolean finish() {
        return FINISHED.compareAndSet(this, false, true);
    }

    /**
     * Completes with the server's success reply; a late duplicate is dropped (and released). A
     * READ answered with another length than asked fails with EIO: a short buffer must never
     * reach a front end.
     */
    void succeed(Reply reply) {
        ByteBuf read = reply instanceof Reply.ReadData rd ? rd.data() : null;
        if (!finish()) {
            if (read != null) {
                read.release();
            }
            return;
        }
        releaseData();
        if (kind == Kind.READ && (read == null || read.readableBytes() != length)) {
            tell(null, BlockException.wrongReadLength(read, length));
        } else {
            tell(read, null);
        }
    }

    void fail(Errno errno, String reason) {
        if (finish()) {
            releaseData();
            tell(null, new BlockException(errno, reason));
        }
    }

    /** Tells the front end; a completion that throws must not take the path that carried the reply down. */
    private void tell(ByteBuf read, Throwable failure) {
        try {
            if (failure != null) {
                done.failed(failure);
            } else {
                done.succeeded(read);
            }
        } catch (RuntimeException e) {
            LOG.error("the completion of a {} at offset {} failed", kind, offset, e);
        }
    }

    private void releaseData() {
        if (data != null) {
            data.release();
        }
    }
}
