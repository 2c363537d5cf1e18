package io.rsio.nbd.transmission;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rsio.block.BlockException;
import io.rsio.block.BlockTarget;
import io.rsio.block.Errno;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The block operations the NBD layer needs, on top of a {@link BlockTarget}: reads and writes
 * longer than {@link BlockTarget#maxIoSize()} are split into aligned pieces issued together and
 * reassembled (reads as one composite buffer, without copying); FUA on TRIM and WRITE_ZEROES
 * becomes a flush afterwards, as the target has no FUA for those. Knows nothing of Netty
 * channels, so it can be tested on its own.
 *
 * <p>A target that throws instead of returning a failed future, or returns a read buffer of the
 * wrong length, is turned into an EIO failure: a short buffer must never reach the wire.
 */
public final class BlockIo {
    private final BlockTarget target;
    private final int pieceSize;

    public BlockIo(BlockTarget target) {
        this.target = target;
        int block = Math.max(1, target.blockSize());
        int max = Math.max(block, target.maxIoSize());
        this.pieceSize = max - max % block; // pieces stay aligned to the block size
    }

    public int pieceSize() {
        return pieceSize;
    }

    public CompletableFuture<ByteBuf> read(long offset, int length) {
        if (length <= pieceSize) {
            return readOne(offset, length);
        }
        List<CompletableFuture<ByteBuf>> parts = new ArrayList<>();
        for (int done = 0; done < length; done += pieceSize) {
            parts.add(readOne(offset + done, Math.min(pieceSize, length - done)));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).handle((ignored, failure) -> {
            ByteBuf[] bufs = new ByteBuf[parts.size()];
            Throwable first = null;
            for (int i = 0; i < bufs.length; i++) {
                CompletableFuture<ByteBuf> part = parts.get(i);
                if (part.isCompletedExceptionally()) {
                    first = first == null ? part.exceptionNow() : first;
                } else {
                    bufs[i] = part.resultNow();
                }
            }
            if (first != null) {
                for (ByteBuf b : bufs) {
                    if (b != null) {
                        b.release();
                    }
                }
                throw asCompletionFailure(first);
            }
            return Unpooled.wrappedBuffer(bufs.length, bufs);
        });
    }

    private CompletableFuture<ByteBuf> readOne(long offset, int length) {
        return call(() -> target.read(offset, length)).thenApply(buf -> {
            if (buf == null || buf.readableBytes() != length) {
                int got = buf == null ? -1 : buf.readableBytes();
                if (buf != null) {
                    buf.release();
                }
                throw new BlockException(Errno.EIO, "target returned " + got + " bytes for a " + length + "-byte read");
            }
            return buf;
        });
    }

    /** Takes ownership of {@code data} (all of it is written at {@code offset}). */
    public CompletableFuture<Void> write(long offset, ByteBuf data, boolean fua) {
        int length = data.readableBytes();
        if (length <= pieceSize) {
            return call(() -> target.write(offset, data, fua));
        }
        List<CompletableFuture<Void>> parts = new ArrayList<>();
        try {
            for (int done = 0; done < length; done += pieceSize) {
                ByteBuf piece = data.retainedSlice(data.readerIndex() + done, Math.min(pieceSize, length - done));
                long at = offset + done;
                parts.add(call(() -> target.write(at, piece, fua)));
            }
        } finally {
            data.release(); // each piece holds its own reference
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
    }

    public CompletableFuture<Void> flush() {
        return call(target::flush);
    }

    public CompletableFuture<Void> discard(long offset, long length, boolean fua) {
        return thenFlushIf(fua, call(() -> target.discard(offset, length)));
    }

    public CompletableFuture<Void> writeZeroes(long offset, long length, boolean mayPunchHole, boolean fua) {
        return thenFlushIf(fua, call(() -> target.writeZeroes(offset, length, mayPunchHole)));
    }

    private CompletableFuture<Void> thenFlushIf(boolean fua, CompletableFuture<Void> op) {
        return fua ? op.thenCompose(v -> flush()) : op;
    }

    private static <T> CompletableFuture<T> call(Supplier<CompletableFuture<T>> op) {
        try {
            CompletableFuture<T> f = op.get();
            return f != null ? f : CompletableFuture.failedFuture(
                    new BlockException(Errno.EIO, "target returned no future"));
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static RuntimeException asCompletionFailure(Throwable t) {
        return t instanceof RuntimeException r ? r : new java.util.concurrent.CompletionException(t);
    }
}
