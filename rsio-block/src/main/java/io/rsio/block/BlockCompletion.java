package io.rsio.block;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/**
 * Where the outcome of one block operation goes, as a call rather than a future: a front end
 * hands its own in-flight request object, so a READ through the NBD export allocates no future,
 * no completion stage and no lambda on its way (docs/performance.md §12). Called exactly once,
 * on whichever thread completes the operation.
 */
public interface BlockCompletion {
    /**
     * The operation succeeded.
     *
     * @param data a READ's data, exactly the length asked for, now this completion's to release;
     *     null for every other operation
     */
    void succeeded(ByteBuf data);

    /** The operation failed; a {@link BlockException} carries the errno. */
    void failed(Throwable failure);

    /**
     * Passes a future's outcome on to {@code done}: the bridge from targets and splitters that
     * answer with futures. A read's buffer that arrives while nobody takes it is still released
     * by {@code done}; a non-ByteBuf result (a write's null) arrives as null.
     */
    static void when(CompletableFuture<?> future, BlockCompletion done) {
        future.whenComplete((value, failure) -> {
            if (failure != null) {
                done.failed(failure);
            } else {
                done.succeeded(value instanceof ByteBuf data ? data : null);
            }
        });
    }
}
