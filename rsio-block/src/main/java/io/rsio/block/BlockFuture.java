package io.rsio.block;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link BlockCompletion} that is a future, for callers that compose their operations
 * (a FLUSH on several servers, a request split into pieces): completes with the READ's data,
 * or null.
 */
public final class BlockFuture extends CompletableFuture<ByteBuf> implements BlockCompletion {
    @Override
    public void succeeded(ByteBuf data) {
        complete(data);
    }

    @Override
    public void failed(Throwable failure) {
        completeExceptionally(failure);
    }
}
