package io.rsio.nbd.handshake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.rsio.block.NettyLeakCheck;
import io.rsio.nbd.Slices;
import io.rsio.nbd.protocol.NbdProtocol;
import io.rsio.nbd.protocol.NbdProtocolException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(NettyLeakCheck.class)
class HandshakeDecoderTest {

    private static byte[] option(int option, byte[] data) {
        return ByteBuffer.allocate(16 + data.length).putLong(NbdProtocol.IHAVEOPT).putInt(option).putInt(data.length)
                .put(data).array();
    }

    private static byte[] concat(byte[]... parts) {
        ByteBuffer b = ByteBuffer.allocate(java.util.Arrays.stream(parts).mapToInt(p -> p.length).sum());
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    @ParameterizedTest(name = "slices of {0} bytes")
    @ValueSource(ints = {1, 5, 4096})
    void decodesFlagsThenOptions(int slice) {
        byte[] go = {0, 0, 0, 3, 'v', 'o', 'l', 0, 1, 0, 3};
        byte[] fixture = concat(new byte[] {0, 0, 0, 3}, option(7, go), option(2, new byte[0]));
        EmbeddedChannel ch = new EmbeddedChannel(new HandshakeDecoder());
        Slices.feed(ch, fixture, slice);

        assertEquals(new HandshakeRequest.ClientFlags(3), ch.readInbound());
        HandshakeRequest.OptionRequest o = ch.readInbound();
        assertEquals(7, o.option());
        assertArrayEquals(go, Slices.bytes(o.data()));
        o.data().release();
        HandshakeRequest.OptionRequest abort = ch.readInbound();
        assertEquals(2, abort.option());
        assertEquals(0, abort.data().readableBytes());
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void oversizedOptionIsSkippedWithoutBeingStored() {
        byte[] big = new byte[NbdProtocol.MAX_OPTION_LENGTH + 1];
        byte[] fixture = concat(new byte[] {0, 0, 0, 1}, option(9, big), option(8, new byte[0]));
        EmbeddedChannel ch = new EmbeddedChannel(new HandshakeDecoder());
        Slices.feed(ch, fixture, 8192);
        ch.readInbound(); // flags
        assertEquals(new HandshakeRequest.OversizedOption(9, big.length), ch.readInbound());
        HandshakeRequest.OptionRequest next = ch.readInbound();
        assertEquals(8, next.option());
        next.data().release();
        assertFalse(ch.finish());
    }

    @Test
    void badOptionMagicIsAProtocolErrorAndLaterInputIsDiscarded() {
        EmbeddedChannel ch = new EmbeddedChannel(new HandshakeDecoder());
        Slices.feed(ch, new byte[] {0, 0, 0, 3}, 4);
        ch.readInbound();
        byte[] bad = option(7, new byte[0]);
        bad[0] = 0x12;
        DecoderException e = assertThrows(DecoderException.class, () -> Slices.feed(ch, bad, bad.length));
        assertInstanceOf(NbdProtocolException.class, e.getCause());
        Slices.feed(ch, option(2, new byte[0]), 16);
        assertNull(ch.readInbound(), "nothing is decoded after a protocol error");
        assertFalse(ch.finish());
    }

    @Test
    void absurdOptionLengthIsAProtocolError() {
        EmbeddedChannel ch = new EmbeddedChannel(new HandshakeDecoder());
        byte[] header = ByteBuffer.allocate(20).putInt(3).putLong(NbdProtocol.IHAVEOPT).putInt(6).putInt(-1).array();
        assertThrows(DecoderException.class, () -> Slices.feed(ch, header, header.length));
        ch.readInbound();
        assertFalse(ch.finish());
    }
}
