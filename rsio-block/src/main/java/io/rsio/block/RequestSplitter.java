package io.rsio.block;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The one way a request larger than what the next layer takes is cut up: pieces of at most
 * {@code pieceSize} bytes, issued together, the whole done when every piece is. Used by the
 * front ends' {@link BlockIo} (target's {@code maxIoSize}) and by the multipath client
 * (its chunk size, and the wire's 31-bit length for ranges).
 *
 * <p>A read comes back as one composite buffer over the pieces, without copying; the
 * composite comes from the pooled allocator, direct, like every buffer on the hot paths. When
 * a piece fails the others' buffers are released and the first failure is the result.
 */
public final class RequestSplitter {
    /** Reads one piece; the buffer returned belongs to the caller. */
    @FunctionalInterface
    public interface PieceRead {
        CompletableFuture<ByteBuf> read(long offset, int length);
    }

    /** Writes one piece; takes ownership of {@code piece}. */
    @FunctionalInterface
    public interface PieceWrite {
        CompletableFuture<Void> write(long offset, ByteBuf piece);
    }

    /** Applies a ranged operation (discard, write-zeroes) to one piece. */
    @FunctionalInterface
    public interface PieceRange {
        CompletableFuture<Void> apply(long offset, int length);
    }

    private RequestSplitter() {}

    public static CompletableFuture<ByteBuf> read(long offset, int length, int pieceSize, PieceRead piece) {
        if (length <= pieceSize) {
            return piece.read(offset, length);
        }
        int count = (int) ((length + (long) pieceSize - 1) / pieceSize);
        @SuppressWarnings({"unchecked", "rawtypes"}) // an array of a generic type can only be made raw
        CompletableFuture<ByteBuf>[] parts = new CompletableFuture[count];
        for (int i = 0, done = 0; i < count; i++, done += pieceSize) {
            parts[i] = piece.read(offset + done, Math.min(pieceSize, length - done));
        }
        return CompletableFuture.allOf(parts).handle((ignored, failure) -> {
            ByteBuf[] bufs = new ByteBuf[count];
            Throwable first = null;
            for (int i = 0; i < count; i++) {
                if (parts[i].isCompletedExceptionally()) {
                    first = first == null ? parts[i].exceptionNow() : first;
                } else {
                    bufs[i] = parts[i].resultNow();
                }
            }
            if (first != null) {
                for (ByteBuf b : bufs) {
                    if (b != null) {
                        b.release();
                    }
                }
                throw first instanceof RuntimeException r ? r : new CompletionException(first);
            }
            CompositeByteBuf whole = PooledByteBufAllocator.DEFAULT.compositeDirectBuffer(count);
            return whole.addComponents(true, bufs);
        });
    }

    /** Takes ownership of {@code data}: every piece holds its own reference to a slice of it. */
    public static CompletableFuture<Void> write(long offset, ByteBuf data, int pieceSize, PieceWrite piece) {
        int length = data.readableBytes();
        if (length <= pieceSize) {
            return piece.write(offset, data);
        }
        int count = (length + pieceSize - 1) / pieceSize;
        CompletableFuture<?>[] parts = new CompletableFuture<?>[count];
        try {
            for (int i = 0, done = 0; i < count; i++, done += pieceSize) {
                ByteBuf slice = data.retainedSlice(data.readerIndex() + done, Math.min(pieceSize, length - done));
                parts[i] = piece.write(offset + done, slice);
            }
        } finally {
            data.release();
        }
        return CompletableFuture.allOf(parts);
    }

    /** A range of {@code length} bytes (a zero length is one empty piece) in pieces. */
    public static CompletableFuture<Void> ranged(long offset, long length, int pieceSize, PieceRange piece) {
        if (length <= pieceSize) {
            return piece.apply(offset, (int) length);
        }
        int count = (int) ((length + pieceSize - 1) / pieceSize);
        CompletableFuture<?>[] parts = new CompletableFuture<?>[count];
        long end = offset + length;
        long position = offset;
        for (int i = 0; i < count; i++) {
            int n = (int) Math.min(end - position, pieceSize);
            parts[i] = piece.apply(position, n);
            position += n;
        }
        return CompletableFuture.allOf(parts);
    }
}
