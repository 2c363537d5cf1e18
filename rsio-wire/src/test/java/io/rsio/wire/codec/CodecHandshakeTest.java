package io.rsio.wire.codec;

import static io.rsio.wire.WireConstants.DEFAULT_FEATURES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import io.rsio.wire.Opcode;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client codec and a server codec talking through EmbeddedChannels, following the handshake
 * order RsioFrameCodec documents: HELLO under the pre-HELLO settings, then both sides switch.
 */
class CodecHandshakeTest {
    private final RsioFrameCodec clientCodec = new RsioFrameCodec(false);
    private final RsioFrameCodec serverCodec = new RsioFrameCodec(true);
    private final EmbeddedChannel client = new EmbeddedChannel(clientCodec);
    private final EmbeddedChannel server = new EmbeddedChannel(serverCodec);

    @BeforeAll
    static void watchLeaks() {
        LeakWatch.start();
    }

    @AfterAll
    static void noLeaks() throws InterruptedException {
        LeakWatch.assertNoLeaks();
    }

    @Test
    void helloThenDataWithDigestsBothWays() {
        client.writeOutbound(new Request.Hello(1, 1, 1, 1 << 20, DEFAULT_FEATURES, "rsiod"));
        assertEquals(44 + 2 + 2 + 4 + 4 + 7, shuttle(client, server), "HELLO has no data digest");
        Request.Hello hello = server.readInbound();
        server.writeOutbound(new Reply.HelloReply(hello.tag(), 1, 65536, hello.features(), "rssrv"));
        serverCodec.negotiated(65536, hello.features()); // after the reply is written
        shuttle(server, client);
        Reply.HelloReply agreed = client.readInbound();
        clientCodec.negotiated(agreed.maxPayload(), agreed.features()); // before anything else is sent

        client.writeOutbound(new Request.Write(2, 9, 0, true, Samples.data(65536, 4)));
        assertEquals(44 + 65536 + 4, shuttle(client, server), "WRITE now carries a data digest");
        Request.Write write = server.readInbound();
        assertEquals(ByteBufUtil.hexDump(Samples.bytes(65536, 4)), ByteBufUtil.hexDump(write.data()));
        assertTrue(write.fua());
        write.release();

        server.writeOutbound(new Reply.Done(2, Opcode.WRITE));
        shuttle(server, client);
        assertEquals(new Reply.Done(2, Opcode.WRITE), client.readInbound());

        assertFalse(server.finish());
        assertFalse(client.finish());
    }

    /** If only one side switches, the very next frame is a protocol error, not silent garbage. */
    @Test
    void aSideThatDidNotSwitchFailsAtOnce() {
        clientCodec.negotiated(1 << 20, 0);
        client.writeOutbound(new Request.Ping(5, 1));
        ProtocolException e = assertThrows(ProtocolException.class, () -> shuttle(client, server));
        assertTrue(e.getMessage().startsWith("bad header digest 0x00000000, computed 0x"), e.getMessage());
        assertFalse(server.finish());
        assertFalse(client.finish());
    }

    @Test
    void oversizedWriteFailsLocallyAfterNegotiation() {
        clientCodec.negotiated(4096, DEFAULT_FEATURES);
        ByteBuf data = Samples.data(4097, 1);
        var e = assertThrows(io.netty.handler.codec.EncoderException.class,
                () -> client.writeOutbound(new Request.Write(1, 1, 0, false, data)));
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertEquals(0, data.refCnt());
        assertFalse(client.finish());
    }

    /** Moves everything {@code from} wrote into {@code to}; returns the byte count. */
    private static int shuttle(EmbeddedChannel from, EmbeddedChannel to) {
        int bytes = 0;
        for (ByteBuf buf; (buf = from.readOutbound()) != null; ) {
            bytes += buf.readableBytes();
            to.writeInbound(buf);
        }
        return bytes;
    }
}
