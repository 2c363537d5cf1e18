package io.rsio.nbd.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.channel.embedded.EmbeddedChannel;
import io.rsio.block.NettyLeakCheck;
import io.rsio.nbd.Slices;
import io.rsio.nbd.protocol.BlockSizes;
import io.rsio.nbd.protocol.NbdProtocol;
import io.rsio.nbd.protocol.OptionReplyType;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(NettyLeakCheck.class)
class HandshakeEncoderTest {
    private static byte[] encode(HandshakeReply reply) {
        EmbeddedChannel ch = new EmbeddedChannel(HandshakeEncoder.INSTANCE);
        ch.writeOutbound(reply);
        byte[] out = Slices.outbound(ch);
        ch.finishAndReleaseAll();
        return out;
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void greeting() {
        assertArrayEquals(hex("4e42444d41474943 49484156454f5054 0003"), encode(new HandshakeReply.Greeting(3)));
    }

    @Test
    void exportNameReplyWithAndWithoutZeroes() {
        assertArrayEquals(hex("0000000000100000 014d"), encode(new HandshakeReply.ExportNameReply(1 << 20, 0x14d, false)));
        assertEquals(134, encode(new HandshakeReply.ExportNameReply(1 << 20, 0x14d, true)).length);
    }

    @Test
    void infoExportIsTwelveBytes() {
        byte[] b = encode(new HandshakeReply.OptionReply(7, new OptionReplyBody.ExportInfo(4096, 0x0d)));
        assertArrayEquals(hex("0003e889045565a9 00000007 00000003 0000000c 0000 0000000000001000 000d"), b);
    }

    @Test
    void infoBlockSizeIsFourteenBytes() {
        byte[] b = encode(new HandshakeReply.OptionReply(6,
                new OptionReplyBody.BlockSizeInfo(new BlockSizes(512, 4096, 1 << 20))));
        assertArrayEquals(hex("0003e889045565a9 00000006 00000003 0000000e 0003 00000200 00001000 00100000"), b);
    }

    @Test
    void serverReplyCarriesNameLengthNameAndDescription() {
        byte[] b = encode(new HandshakeReply.OptionReply(3, new OptionReplyBody.Server("ab", "d")));
        assertArrayEquals(hex("0003e889045565a9 00000003 00000002 00000007 00000002 6162 64"), b);
    }

    @Test
    void metaContextAndAck() {
        byte[] b = encode(new HandshakeReply.OptionReply(10, new OptionReplyBody.MetaContext(1, NbdProtocol.BASE_ALLOCATION)));
        ByteBuffer r = ByteBuffer.wrap(b);
        assertEquals(NbdProtocol.OPTION_REPLY_MAGIC, r.getLong());
        assertEquals(10, r.getInt());
        assertEquals(OptionReplyType.META_CONTEXT.value(), r.getInt());
        assertEquals(4 + 15, r.getInt());
        assertEquals(1, r.getInt());
        assertArrayEquals(hex("0003e889045565a9 00000002 00000001 00000000"),
                encode(new HandshakeReply.OptionReply(2, new OptionReplyBody.Ack())));
    }

    @Test
    void errorReplyHasBit31AndTheMessage() {
        byte[] b = encode(new HandshakeReply.OptionReply(5, new OptionReplyBody.Failure(OptionReplyType.ERR_POLICY, "no")));
        assertArrayEquals(hex("0003e889045565a9 00000005 80000002 00000002 6e6f"), b);
    }
}
