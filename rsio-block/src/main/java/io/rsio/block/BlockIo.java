package io.rsio.block;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The block operations the front ends (NBD, FUSE) need, on top of a {@link BlockTarget}: reads
 * and writes longer than {@link BlockTarget#maxIoSize()} are split by {@link RequestSplitter}
 * into aligned pieces issued together and reassembled; FUA on TRIM and WRITE_ZEROES
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
        return RequestSplitter.read(offset, length, pieceSize, this::readOne);
    }

    private CompletableFuture<ByteBuf> readOne(long offset, int length) {
        return call(() -> target.read(offset, length)).thenApply(buf -> {
            if (buf == null || buf.readableBytes() != length) {
                throw BlockException.wrongReadLength(buf, length);
            }
            return buf;
        });
    }

    /**
     * {@link #read(long, int)} with its outcome passed to {@code done}: a read the target takes
     * in one call goes to it directly (no future on the way), a longer one is split as above.
     */
    public void read(long offset, int length, BlockCompletion done) {
        if (length > pieceSize) {
            BlockCompletion.when(read(offset, length), done);
            return;
        }
        try {
            target.read(offset, length, done);
        } catch (RuntimeException e) {
            done.failed(e);
        }
    }

    /** {@link #write(long, ByteBuf, boolean)} with its outcome passed to {@code done}. */
    public void write(long offset, ByteBuf data, boolean fua, BlockCompletion done) {
        if (data.readableBytes() > pieceSize) {
            BlockCompletion.when(write(offset, data, fua), done);
            return;
        }
        try {
            target.write(offset, data, fua, done);
        } catch (RuntimeException e) {
            done.failed(e);
        }
    }

    /** Takes ownership of {@code data} (all of it is written at {@code offset}). */
    public CompletableFuture<Void> write(long offset, ByteBuf data, boolean fua) {
        return RequestSplitter.write(offset, data, pieceSize, (at, piece) -> call(() -> target.write(at, piece, fua)));
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
}
