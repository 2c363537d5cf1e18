package io.rsio.nbd.transmission;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.rsio.block.NettyLeakCheck;
import io.rsio.nbd.Slices;
import io.rsio.nbd.protocol.NbdProtocol;
import io.rsio.nbd.protocol.NbdProtocolException;
import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@ExtendWith(NettyLeakCheck.class)
class RequestDecoderTest {

    static byte[] request(int flags, int type, long cookie, long offset, int length, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(28 + (payload == null ? 0 : payload.length));
        b.putInt(NbdProtocol.REQUEST_MAGIC).putShort((short) flags).putShort((short) type).putLong(cookie)
                .putLong(offset).putInt(length);
        if (payload != null) {
            b.put(payload);
        }
        return b.array();
    }

    @ParameterizedTest(name = "slices of {0} bytes")
    @ValueSource(ints = {1, 5, 100_000})
    void decodesReadsAndWritesWithTheirPayload(int slice) {
        byte[] payload = new byte[9000];
        new Random(1).nextBytes(payload);
        byte[] read = request(0, 0, 0x1122334455667788L, 1L << 40, 4096, null);
        byte[] write = request(1, 1, 2, 512, payload.length, payload);
        byte[] flush = request(0, 3, 3, 0, 0, null);
        ByteBuffer all = ByteBuffer.allocate(read.length + write.length + flush.length).put(read).put(write).put(flush);
        EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder());
        Slices.feed(ch, all.array(), slice);

        NbdRequest r = ch.readInbound();
        assertEquals(new NbdRequest(0, 0, 0x1122334455667788L, 1L << 40, 4096, null), r);
        NbdRequest w = ch.readInbound();
        assertEquals(1, w.flags());
        assertEquals(512, w.offset());
        assertArrayEquals(payload, Slices.bytes(w.payload()));
        w.releasePayload();
        assertEquals(new NbdRequest(0, 3, 3, 0, 0, null), ch.readInbound());
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void unsignedFieldsStayUnsigned() {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder());
        Slices.feed(ch, request(0xffff, 0xffff, -1, -1, -1, null), 28);
        NbdRequest r = ch.readInbound();
        assertEquals(0xffff, r.flags());
        assertEquals(0xffff, r.type());
        assertEquals(0xffff_ffffL, r.length());
        assertEquals(-1L, r.offset()); // u64 max, rejected later as out of range
        assertFalse(ch.finish());
    }

    @Test
    void badMagicIsAProtocolErrorAndTheRestIsDiscarded() {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder());
        byte[] bad = request(0, 0, 1, 0, 512, null);
        bad[3] ^= 1;
        DecoderException e = assertThrows(DecoderException.class, () -> Slices.feed(ch, bad, bad.length));
        assertInstanceOf(NbdProtocolException.class, e.getCause());
        Slices.feed(ch, request(0, 0, 2, 0, 512, null), 28);
        assertNull(ch.readInbound());
        assertFalse(ch.finish());
    }

    @Test
    void writeLongerThanTheLimitFailsBeforeAnyPayloadArrives() {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder());
        byte[] header = request(0, 1, 1, 0, NbdProtocol.MAX_PAYLOAD + 1, null);
        DecoderException e = assertThrows(DecoderException.class, () -> Slices.feed(ch, header, header.length));
        assertInstanceOf(NbdProtocolException.class, e.getCause());
        assertFalse(ch.finish());
    }

    @Test
    void readsLongerThanTheLimitAreLeftToTheValidator() {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder());
        Slices.feed(ch, request(0, 0, 1, 0, NbdProtocol.MAX_PAYLOAD + 1, null), 28);
        NbdRequest r = ch.readInbound();
        assertEquals(NbdProtocol.MAX_PAYLOAD + 1L, r.length());
        assertFalse(ch.finish());
    }

    @Test
    void partialPayloadIsReleasedWhenTheConnectionCloses() {
        EmbeddedChannel ch = new EmbeddedChannel(new RequestDecoder());
        byte[] header = request(0, 1, 1, 0, 8192, null);
        ByteBuf part = Unpooled.buffer(4096).writeZero(4096);
        ch.writeInbound(Unpooled.wrappedBuffer(header));
        part.retain(); // our own reference, to watch the decoder's
        ch.writeInbound(part);
        assertEquals(2, part.refCnt(), "the decoder holds a slice of the partial payload");
        assertFalse(ch.finish());
        assertEquals(1, part.refCnt(), "released when the decoder goes");
        part.release();
    }
}
