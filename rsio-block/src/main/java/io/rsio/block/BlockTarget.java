package io.rsio.block;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/**
 * One volume as the client-side front ends (NBD export, FUSE, kernel NBD) see it: asynchronous
 * block operations that complete with data or fail with a {@link BlockException}.
 *
 * <p>Buffer ownership: {@link #read} hands the caller a buffer it must release; {@link #write}
 * takes ownership of {@code data} and releases it when done, whatever the outcome.
 *
 * <p>READ and WRITE come in two forms: with a future, and with a {@link BlockCompletion}, the
 * form of the hot path (no future or lambda per request). A target that answers with futures
 * only gets the second form from the first; one that completes its requests itself (the
 * multipath client) implements both.
 */
public interface BlockTarget {
    /** Export name, e.g. {@code oracle}. */
    String name();

    /** Current size in bytes. */
    long size();

    /** Logical block size in bytes (512 or 4096). */
    int blockSize();

    /** Largest single read or write the target accepts in one call. */
    int maxIoSize();

    boolean readOnly();

    CompletableFuture<ByteBuf> read(long offset, int length);

    CompletableFuture<Void> write(long offset, ByteBuf data, boolean fua);

    /**
     * {@link #read(long, int)} with its outcome passed to {@code done}; the buffer handed to
     * {@link BlockCompletion#succeeded} must hold exactly {@code length} bytes (this default
     * checks it, and fails a wrong one with EIO, releasing it).
     */
    default void read(long offset, int length, BlockCompletion done) {
        read(offset, length).whenComplete((buf, failure) -> {
            if (failure != null) {
                done.failed(failure);
            } else if (buf == null || buf.readableBytes() != length) {
                done.failed(BlockException.wrongReadLength(buf, length));
            } else {
                done.succeeded(buf);
            }
        });
    }

    /** {@link #write(long, ByteBuf, boolean)} with its outcome passed to {@code done}. */
    default void write(long offset, ByteBuf data, boolean fua, BlockCompletion done) {
        BlockCompletion.when(write(offset, data, fua), done);
    }

    /** Makes every write completed before this call durable. */
    CompletableFuture<Void> flush();

    CompletableFuture<Void> discard(long offset, long length);

    CompletableFuture<Void> writeZeroes(long offset, long length, boolean mayPunchHole);
}
