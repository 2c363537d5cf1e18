package io.rsio.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NettyLeakCheck.class)
class RequestSplitterTest {
    private record Piece(long offset, long length) {}

    @Test
    void readIsCutIntoPiecesAndComesBackInOrder() throws Exception {
        List<Piece> asked = new ArrayList<>();
        ByteBuf whole = RequestSplitter.read(1000, 10, 4, (at, n) -> {
            asked.add(new Piece(at, n));
            ByteBuf b = Unpooled.directBuffer(n);
            for (int i = 0; i < n; i++) {
                b.writeByte((int) (at - 1000 + i));
            }
            return CompletableFuture.completedFuture(b);
        }).get();
        try {
            assertEquals(List.of(new Piece(1000, 4), new Piece(1004, 4), new Piece(1008, 2)), asked);
            assertEquals(10, whole.readableBytes());
            byte[] expected = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
            assertEquals(Unpooled.wrappedBuffer(expected), Unpooled.wrappedBuffer(ByteBufUtil.getBytes(whole)));
        } finally {
            whole.release();
        }
    }

    @Test
    void aReadThatFitsIsPassedThrough() throws Exception {
        ByteBuf one = Unpooled.buffer(4).writeInt(7);
        ByteBuf got = RequestSplitter.read(0, 4, 4, (at, n) -> CompletableFuture.completedFuture(one)).get();
        assertSame(one, got);
        got.release();
    }

    @Test
    void aFailedPieceFailsTheReadAndReleasesTheOthers() {
        List<ByteBuf> handedOut = new ArrayList<>();
        CompletableFuture<ByteBuf> f = RequestSplitter.read(0, 12, 4, (at, n) -> {
            if (at == 4) {
                return CompletableFuture.failedFuture(new BlockException(Errno.ENOSPC, "full"));
            }
            ByteBuf b = Unpooled.buffer(n).writeZero(n);
            handedOut.add(b);
            return CompletableFuture.completedFuture(b);
        });
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        assertEquals(Errno.ENOSPC, BlockException.errnoOf(e.getCause()));
        assertEquals(2, handedOut.size());
        handedOut.forEach(b -> assertEquals(0, b.refCnt()));
    }

    @Test
    void writeSlicesHoldTheirOwnReferences() throws Exception {
        ByteBuf data = Unpooled.buffer(9).writeBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        List<String> seen = new ArrayList<>();
        RequestSplitter.write(100, data, 4, (at, piece) -> {
            seen.add(at + ":" + ByteBufUtil.hexDump(piece));
            piece.release();
            return CompletableFuture.completedFuture(null);
        }).get();
        assertEquals(List.of("100:01020304", "104:05060708", "108:09"), seen);
        assertEquals(0, data.refCnt());
    }

    @Test
    void rangesCoverTheWholeLengthAndAZeroLengthIsOnePiece() throws Exception {
        List<Piece> asked = new ArrayList<>();
        RequestSplitter.ranged(0, (1L << 31) + 5, 1 << 30, (at, n) -> {
            asked.add(new Piece(at, n));
            return CompletableFuture.completedFuture(null);
        }).get();
        assertEquals(List.of(new Piece(0, 1 << 30), new Piece(1 << 30, 1 << 30), new Piece(1L << 31, 5)), asked);
        asked.clear();
        RequestSplitter.ranged(512, 0, 1 << 30, (at, n) -> {
            asked.add(new Piece(at, n));
            return CompletableFuture.completedFuture(null);
        }).get();
        assertEquals(List.of(new Piece(512, 0)), asked);
    }
}
