package io.rsio.block;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/**
 * One volume as the client-side front ends (NBD export, FUSE, kernel NBD) see it: asynchronous
 * block operations that complete with data or fail with a {@link BlockException}.
 *
 * <p>Buffer ownership: {@link #read} hands the caller a buffer it must release; {@link #write}
 * takes ownership of {@code data} and releases it when done, whatever the outcome.
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

    /** Makes every write completed before this call durable. */
    CompletableFuture<Void> flush();

    CompletableFuture<Void> discard(long offset, long length);

    CompletableFuture<Void> writeZeroes(long offset, long length, boolean mayPunchHole);
}
