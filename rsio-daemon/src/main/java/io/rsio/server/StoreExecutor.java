package io.rsio.server;

import io.rsio.server.store.VolumeCounters;
import io.rsio.server.store.ServedVolume;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.rsio.block.BlockException;
import io.rsio.block.Errno;
import io.rsio.server.store.VolumeStore;
import io.rsio.wire.Opcode;
import io.rsio.wire.WireConstants;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Runs block requests against a {@link VolumeStore} on a bounded pool of store threads, so
 * that a slow disk or an fdatasync never stalls an event loop, and hands each reply back.
 */
final class StoreExecutor {
    private static final Logger LOG = LogManager.getLogger(StoreExecutor.class);

    private final ExecutorService pool;
    private final ByteBufAllocator allocator;
    private final InlineWriteGate inlineWrites = new InlineWriteGate();

    StoreExecutor(ExecutorService pool, ByteBufAllocator allocator) {
        this.pool = pool;
        this.allocator = allocator;
    }

    /**
     * Answers a READ at once when its data is in the page cache (no thread hop, the common case
     * for hot data); returns null when the read must wait for a disk and go to a store thread.
     */
    Reply readIfCached(ServedVolume volume, Request.Read r) {
        ByteBuf buf = allocator.directBuffer(r.length(), r.length());
        long start = System.nanoTime();
        try {
            if (volume.store().readIfCached(r.offset(), buf, r.length())) {
                Reply reply = new Reply.ReadData(r.tag(), buf);
                volume.counters().completed(Opcode.READ, r.length(), reply, System.nanoTime() - start);
                return reply;
            }
        } catch (BlockException e) {
            buf.release();
            Reply failure = new Reply.Failure(r.tag(), Opcode.READ, e.errno(), e.getMessage());
            volume.counters().completed(Opcode.READ, r.length(), failure, System.nanoTime() - start);
            return failure;
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
        buf.release();
        return null;
    }

    /**
     * Executes a small WRITE at once when {@link InlineWriteGate} allows it (its data lands in
     * the page cache in microseconds); returns null, having done nothing, when it must go to a
     * store thread through {@link #submit}.
     */
    Reply writeIfBuffered(ServedVolume volume, Request.Write w) {
        VolumeStore store = volume.store();
        long start = System.nanoTime();
        if (!inlineWrites.mayRunInline(store, w.data().readableBytes(), w.fua(), start)) {
            return null;
        }
        int bytes = w.data().readableBytes();
        Reply reply = execute(store, volume.name(), w);
        long end = System.nanoTime();
        inlineWrites.finished(store, start, end);
        volume.counters().completed(Opcode.WRITE, bytes, reply, end - start);
        return reply;
    }

    /** Executes {@code request} on {@code volume}; {@code done} receives exactly one reply. */
    void submit(ServedVolume volume, Request request, Consumer<Reply> done) {
        submit(volume, request, () -> true, done);
    }

    /**
     * As above, but a request whose {@code stillWanted} is false when a store thread takes it
     * is not executed (its reply says so): a connection that died with requests queued must
     * not have them written later, after the client has sent them again elsewhere and
     * perhaps written newer data over the same blocks.
     */
    void submit(ServedVolume volume, Request request, java.util.function.BooleanSupplier stillWanted,
                Consumer<Reply> done) {
        // An asynchronous store (RBD) starts the request right here and answers from its own
        // completion: no store thread waits for the network.
        if (volume.store() instanceof io.rsio.server.store.AsyncVolumeStore async
                && AsyncStoreRequests.start(async, request, allocator, done)) {
            return;
        }
        try {
            pool.execute(() -> {
                if (!stillWanted.getAsBoolean()) {
                    releaseData(request);
                    done.accept(new Reply.Failure(request.tag(), request.opcode(), Errno.ESHUTDOWN,
                            "connection closed before the request was executed"));
                    return;
                }
                done.accept(executeCounted(volume, request));
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            releaseData(request);
            done.accept(new Reply.Failure(request.tag(), request.opcode(), Errno.ESHUTDOWN, "server is shutting down"));
        }
    }

    /** Executes {@code request} and counts it in the volume's {@link VolumeCounters}. */
    private Reply executeCounted(ServedVolume volume, Request request) {
        int bytes = VolumeCounters.dataBytes(request); // a WRITE's data is released by execute
        long start = System.nanoTime();
        Reply reply = execute(volume.store(), volume.name(), request);
        volume.counters().completed(request.opcode(), bytes, reply, System.nanoTime() - start);
        return reply;
    }

    private Reply execute(VolumeStore store, String volumeName, Request request) {
        try {
            return switch (request) {
                case Request.Read r -> read(store, r);
                case Request.Write w -> {
                    store.write(w.offset(), w.data(), w.fua());
                    yield new Reply.Done(w.tag(), Opcode.WRITE);
                }
                case Request.Flush f -> {
                    store.flush();
                    yield new Reply.Done(f.tag(), Opcode.FLUSH);
                }
                case Request.Discard d -> {
                    discard(store, d);
                    yield new Reply.Done(d.tag(), Opcode.DISCARD);
                }
                case Request.WriteZeroes z -> {
                    store.writeZeroes(z.offset(), z.length(), !z.noHole());
                    yield new Reply.Done(z.tag(), Opcode.WRITE_ZEROES);
                }
                case Request.Query q -> query(store, q);
                default -> new Reply.Failure(request.tag(), request.opcode(), Errno.ENOTSUP,
                        request.opcode() + " is not a block operation");
            };
        } catch (BlockException e) {
            return new Reply.Failure(request.tag(), request.opcode(), e.errno(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("{} on volume {} failed unexpectedly", request.opcode(), volumeName, e);
            return new Reply.Failure(request.tag(), request.opcode(), Errno.EIO, "internal error: " + e);
        } catch (OutOfMemoryError e) {
            // Every request gets exactly one reply, or its session would wait for it forever.
            LOG.error("{} on volume {}: out of memory: {}", request.opcode(), volumeName, e.getMessage());
            return new Reply.Failure(request.tag(), request.opcode(), Errno.ENOMEM, "server out of memory");
        } finally {
            releaseData(request);
        }
    }

    /** Discard is advisory: storage that cannot discard keeps the data, which is no error. */
    private static void discard(VolumeStore store, Request.Discard d) {
        try {
            store.discard(d.offset(), d.length());
        } catch (BlockException e) {
            if (e.errno() != Errno.ENOTSUP) {
                throw e;
            }
        }
    }

    private Reply read(VolumeStore store, Request.Read r) {
        ByteBuf buf = allocator.directBuffer(r.length(), r.length());
        try {
            store.read(r.offset(), buf, r.length());
            return new Reply.ReadData(r.tag(), buf);
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
    }

    private static Reply query(VolumeStore store, Request.Query q) {
        if (q.code() != WireConstants.QUERY_GEOMETRY) {
            return new Reply.Failure(q.tag(), Opcode.QUERY, Errno.ENOTSUP, "unknown query code " + q.code());
        }
        return new Reply.Geometry(q.tag(), store.size(), store.blockSize(), Math.max(4096, store.blockSize()),
                WireConstants.DEFAULT_MAX_PAYLOAD);
    }

    private static void releaseData(Request request) {
        if (request instanceof Request.Write w) {
            w.data().release();
        }
    }
}
