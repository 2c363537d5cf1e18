package io.rsio.nbd.transmission;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.rsio.block.NettyLeakCheck;
import io.rsio.nbd.Slices;
import io.rsio.nbd.protocol.NbdError;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NettyLeakCheck.class)
class ReplyEncoderTest {
    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    private static byte[] encode(NbdReply reply) {
        EmbeddedChannel ch = new EmbeddedChannel(ReplyEncoder.INSTANCE);
        ch.writeOutbound(reply);
        byte[] out = Slices.outbound(ch);
        ch.finishAndReleaseAll();
        return out;
    }

    @Test
    void simpleReplies() {
        assertArrayEquals(hex("67446698 00000000 0000000000000007"), encode(NbdReply.SimpleReply.ok(7)));
        assertArrayEquals(hex("67446698 00000005 0000000000000008"), encode(new NbdReply.SimpleError(8, NbdError.EIO)));
        assertArrayEquals(hex("67446698 00000000 0000000000000009 abcd"),
                encode(new NbdReply.SimpleReply(9, Unpooled.wrappedBuffer(new byte[] {(byte) 0xab, (byte) 0xcd}))));
    }

    @Test
    void structuredChunks() {
        assertArrayEquals(hex("668e33ef 0001 0001 0000000000000001 0000000a 0000000000001000 0102"),
                encode(new NbdReply.DataChunk(1, 4096, Unpooled.wrappedBuffer(new byte[] {1, 2}), true)));
        assertArrayEquals(hex("668e33ef 0001 0000 0000000000000002 00000000"), encode(new NbdReply.NoneChunk(2)));
        assertArrayEquals(hex("668e33ef 0001 8001 0000000000000003 00000008 00000016 0002 6869"),
                encode(new NbdReply.ErrorChunk(3, NbdError.EINVAL, "hi", true)));
        assertArrayEquals(hex("668e33ef 0001 0005 0000000000000004 0000000c 00000001 00100000 00000000"),
                encode(new NbdReply.BlockStatusChunk(4, 1, List.of(new NbdReply.Extent(1 << 20, 0)), true)));
    }

    @Test
    void readDataIsPassedOnWithoutCopying() {
        EmbeddedChannel ch = new EmbeddedChannel(ReplyEncoder.INSTANCE);
        ByteBuf data = Unpooled.directBuffer(4096).writeZero(4096);
        ch.writeOutbound(new NbdReply.DataChunk(1, 0, data, true));
        ByteBuf header = ch.readOutbound();
        header.release();
        assertSame(data, ch.readOutbound(), "the very buffer the target returned goes to the socket");
        assertNull(ch.readOutbound());
        data.release();
        ch.finishAndReleaseAll();
    }
}
