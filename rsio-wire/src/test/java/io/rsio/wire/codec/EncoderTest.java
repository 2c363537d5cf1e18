package io.rsio.wire.codec;

import static io.rsio.wire.WireConstants.DEFAULT_FEATURES;
import static io.rsio.wire.WireConstants.FEATURE_HEADER_DIGEST;
import static io.rsio.wire.WireConstants.HEADER_SIZE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.EncoderException;
import io.rsio.block.Errno;
import io.rsio.wire.Opcode;
import io.rsio.wire.message.Message;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import io.rsio.wire.message.VolumeInfo;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the encoder writes, and what it refuses to write. */
class EncoderTest {
    private static final Encoding.Agreed ALL_DIGESTS = new Encoding.Agreed(1 << 20, DEFAULT_FEATURES);
    private static final Encoding.Agreed NO_DIGESTS = new Encoding.Agreed(1 << 20, 0);

    @BeforeAll
    static void watchLeaks() {
        LeakWatch.start();
    }

    @AfterAll
    static void noLeaks() throws InterruptedException {
        LeakWatch.assertNoLeaks();
    }

    @Test
    void writeDataIsPassedOnNotCopied() {
        ByteBuf data = Samples.data(8192, 1);
        List<ByteBuf> out = Encoding.buffers(new Request.Write(1, 2, 4096, true, data), ALL_DIGESTS);
        assertEquals(3, out.size(), "header, data, data digest");
        assertEquals(HEADER_SIZE, out.get(0).readableBytes());
        assertSame(data, out.get(1), "the message's own buffer");
        assertEquals(4, out.get(2).readableBytes());
        assertEquals(RawFrame.crc(Samples.bytes(8192, 1), 0, 8192), out.get(2).getInt(0));
        out.forEach(ByteBuf::release);
        assertEquals(0, data.refCnt());
    }

    @Test
    void readDataWithoutDataDigestsIsHeaderAndData() {
        ByteBuf data = Samples.data(100, 2);
        List<ByteBuf> out = Encoding.buffers(new Reply.ReadData(1, data), NO_DIGESTS);
        assertEquals(2, out.size());
        assertSame(data, out.get(1));
        assertEquals(0, out.get(0).getInt(40), "no header digest when off");
        assertEquals(100, out.get(0).getInt(32), "length");
        assertEquals(100, out.get(0).getInt(36), "payload length");
        out.forEach(ByteBuf::release);
    }

    @Test
    void helloCarriesAHeaderDigestEvenWhenDigestsAreOff() {
        byte[] hello = Encoding.bytes(new Request.Hello(1, 1, 1, 1 << 20, 0, "x"), NO_DIGESTS);
        assertEquals(RawFrame.crc(hello, 0, 40), ByteBuffer.wrap(hello).getInt(40));
        byte[] ping = Encoding.bytes(new Request.Ping(1, 5), NO_DIGESTS);
        assertEquals(0, ByteBuffer.wrap(ping).getInt(40));
        byte[] pingWithDigest = Encoding.bytes(new Request.Ping(1, 5), new Encoding.Agreed(4096, FEATURE_HEADER_DIGEST));
        assertNotEquals(0, ByteBuffer.wrap(pingWithDigest).getInt(40));
    }

    @Test
    void controlPayloadsGetADataDigestWhenOn() {
        byte[] frame = Encoding.bytes(new Request.Open(1, "vol", false), ALL_DIGESTS);
        int payload = ByteBuffer.wrap(frame).getInt(36);
        assertEquals(HEADER_SIZE + payload + 4, frame.length);
        assertEquals(RawFrame.crc(frame, HEADER_SIZE, payload), ByteBuffer.wrap(frame).getInt(HEADER_SIZE + payload));
        byte[] empty = Encoding.bytes(new Request.ListVolumes(1), ALL_DIGESTS);
        assertEquals(HEADER_SIZE, empty.length, "no data digest for an empty payload");
    }

    @Test
    void failureReasonsAreCutToFitNotRefused() {
        String reason = "x".repeat(1000) + "é".repeat(100) + "\uD800"; // 1200+ bytes and a lone surrogate
        Reply.Failure sent = new Reply.Failure(1, Opcode.READ, Errno.EIO, reason);
        Reply.Failure got = (Reply.Failure) decode(false, NO_DIGESTS, Encoding.bytes(sent, NO_DIGESTS));
        assertEquals("x".repeat(1000) + "é".repeat(12), got.reason(), "cut at 1024 bytes on a character boundary");
        Reply.Failure lone = new Reply.Failure(1, Opcode.READ, Errno.EIO, "a\uDC00b");
        assertEquals("a\uFFFDb", ((Reply.Failure) decode(false, NO_DIGESTS, Encoding.bytes(lone, NO_DIGESTS))).reason());
    }

    // ---- refused messages: the write fails, nothing is sent, data is released ----

    @Test
    void stringOver1024Bytes() {
        assertRefused(new Request.Open(1, "v".repeat(1025), false), "string of 1025 chars exceeds 1024 bytes");
        assertRefused(new Request.Open(1, "é".repeat(513), false), "string of 1026 bytes exceeds 1024 bytes");
        assertRefused(new Request.Open(1, "\uD800", false), "string is not well-formed Unicode");
    }

    @Test
    void writeOverTheLimitIsRefusedAndReleased() {
        ByteBuf data = Samples.data(4097, 1);
        assertRefused(new Request.Write(1, 1, 0, false, data), null, "payload length 4097 exceeds limit 4096");
        assertEquals(0, data.refCnt(), "the encoder released the data it could not send");
    }

    @Test
    void volumeListOverTheLimit() {
        VolumeInfo big = new VolumeInfo("n".repeat(1000), 1, 512, "d".repeat(1000), new UUID(0, 0), false);
        assertRefused(new Reply.VolumeList(1, Collections.nCopies(3, big)), null,
                "payload of at least 5076 bytes exceeds limit 4096");
    }

    @Test
    void badFixedSizeFields() {
        assertRefused(new Request.AuthProof(1, new byte[31]), "client proof has 31 bytes, not 32");
        assertRefused(new Request.AuthStart(1, 1, "n", new byte[33]), "client nonce has 33 bytes, not 32");
        assertRefused(new Reply.AuthChallenge(1, 1, "s", new byte[0]), "server nonce has 0 bytes, not 32");
    }

    @Test
    void badHelloFields() {
        assertRefused(new Request.Hello(1, 1, 0x10000, 1 << 20, 3, ""), "max version 65536 does not fit u16");
        assertRefused(new Request.Hello(1, 1, 1, 4095, 3, ""), "max payload 4095 outside 4096..16777216");
        assertRefused(new Reply.HelloReply(1, 1, 1 << 20, 32, ""), "unknown feature bits 0x20");
    }

    @Test
    void repliesThatCannotExist() {
        assertRefused(new Reply.Done(1, Opcode.HELLO), "a HELLO success reply is not Done");
        assertRefused(new Reply.Failure(1, Opcode.READ, Errno.OK, "fine"), "a failure reply needs a status other than OK");
        assertRefused(new Request.Query(1, 1, -1), "query code -1 is negative");
    }

    @Test
    void badVolumeFields() {
        UUID id = new UUID(1, 2);
        assertRefused(new Reply.Opened(1, 1, new VolumeInfo("v", 1, 1000, "", id, false)),
                "volume block size 1000 is not a power of two in 512..65536");
        assertRefused(new Reply.Opened(1, 1, new VolumeInfo("v", -1, 512, "", id, false)), "volume size -1 is negative");
        assertRefused(new Reply.Geometry(1, 1, 512, -5, 0), "preferred I/O size -5 is negative");
    }

    @Test
    void negotiatedRejectsWhatHelloCannotAgree() {
        RsioFrameEncoder encoder = new RsioFrameEncoder();
        assertThrows(IllegalArgumentException.class, () -> encoder.negotiated(1 << 25, 0));
        assertThrows(IllegalArgumentException.class, () -> encoder.negotiated(1 << 20, -1));
    }

    private static void assertRefused(Message message, String reason) {
        assertRefused(message, null, reason);
    }

    private static void assertRefused(Message message, Encoding.Agreed agreed, String reason) {
        EmbeddedChannel channel = new EmbeddedChannel(Encoding.encoder(agreed));
        EncoderException e = assertThrows(EncoderException.class, () -> channel.writeOutbound(message));
        IllegalArgumentException cause = assertInstanceOf(IllegalArgumentException.class, e.getCause());
        assertEquals(reason, cause.getMessage());
        assertNull(channel.readOutbound(), "nothing was sent");
        assertFalse(channel.finish());
    }

    private static Message decode(boolean server, Encoding.Agreed agreed, byte[] bytes) {
        DecoderHarness decoder = new DecoderHarness(server).agreed(agreed.maxPayload(), agreed.features());
        decoder.write(bytes);
        assertFalse(decoder.finish());
        decoder.assertAllReleased();
        return decoder.messages().getFirst();
    }
}
