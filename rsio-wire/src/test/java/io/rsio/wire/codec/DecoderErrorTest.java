package io.rsio.wire.codec;

import static io.rsio.wire.WireConstants.FEATURE_DATA_DIGEST;
import static io.rsio.wire.WireConstants.FEATURE_HEADER_DIGEST;
import static io.rsio.wire.WireConstants.FLAG_FUA;
import static io.rsio.wire.WireConstants.FLAG_NO_HOLE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledHeapByteBuf;
import io.rsio.wire.Opcode;
import io.rsio.wire.WireConstants;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One test per rule of docs/PROTOCOL.md a peer can break. Each bad frame must raise exactly one
 * ProtocolException — fed whole and fed a byte at a time — after which the decoder swallows
 * everything, and every input buffer must end up released.
 */
class DecoderErrorTest {
    private static final Encoding.Agreed ALL_DIGESTS =
            new Encoding.Agreed(1 << 20, FEATURE_HEADER_DIGEST | FEATURE_DATA_DIGEST);
    private static final Encoding.Agreed NO_DIGESTS = new Encoding.Agreed(1 << 20, 0);

    @BeforeAll
    static void watchLeaks() {
        LeakWatch.start();
    }

    @AfterAll
    static void noLeaks() throws InterruptedException {
        LeakWatch.assertNoLeaks();
    }

    // ---- header rules (§1) ----

    @Test
    void badMagic() {
        assertRejected(true, null, ping().with(f -> f.magic = 0x12345678).bytes(), "bad magic 0x12345678");
    }

    @Test
    void badVersion() {
        assertRejected(true, null, ping().with(f -> f.version = 2).bytes(), "bad version 2");
    }

    @Test
    void unknownOpcode() {
        assertRejected(true, null, RawFrame.request(7).bytes(), "unknown opcode 7");
        assertRejected(true, null, RawFrame.request(255).bytes(), "unknown opcode 255");
    }

    @Test
    void unknownFlagBits() {
        assertRejected(true, null, ping().with(f -> f.flags = 0x0004).bytes(), "unknown flag bits 0x0004");
        assertRejected(false, null, pong().with(f -> f.flags |= 0x4000).bytes(), "unknown flag bits 0x4000");
    }

    @Test
    void payloadOverTheLimitBeforeHelloFailsOnTheHeaderAlone() {
        byte[] header = ping().with(f -> f.payloadLength = 20_000_000).header();
        assertRejected(true, null, header, "payload length 20000000 exceeds limit 4096");
        assertRejected(true, null, ping().with(f -> f.payloadLength = 4097).header(), "payload length 4097 exceeds limit 4096");
    }

    @Test
    void payloadOverTheAgreedLimitFailsOnTheHeaderAlone() {
        byte[] header = write(0).with(f -> {
            f.payloadLength = 20_000_000;
            f.length = 20_000_000;
        }).header();
        assertRejected(true, ALL_DIGESTS, header, "payload length 20000000 exceeds limit 1048576");
        assertRejected(true, ALL_DIGESTS, ping().with(f -> f.payloadLength = -1).header(),
                "payload length 4294967295 exceeds limit 1048576");
    }

    /** A lying length must not make the decoder reserve memory for it: nothing big is allocated. */
    @Test
    void anOversizedPayloadIsNeverAllocated() {
        AtomicInteger largest = new AtomicInteger();
        // Every buffer the pipeline allocates is a heap buffer whose size is recorded.
        AbstractByteBufAllocator counting = new AbstractByteBufAllocator(false) {
            @Override
            protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
                largest.accumulateAndGet(initialCapacity, Math::max);
                return new UnpooledHeapByteBuf(this, initialCapacity, maxCapacity);
            }

            @Override
            protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
                return newHeapBuffer(initialCapacity, maxCapacity);
            }

            @Override
            public boolean isDirectBufferPooled() {
                return false;
            }
        };
        DecoderHarness decoder = new DecoderHarness(true).agreed(WireConstants.MAX_PAYLOAD_LIMIT, 3);
        decoder.channel.config().setAllocator(counting);
        byte[] header = write(0).with(f -> {
            f.payloadLength = WireConstants.MAX_PAYLOAD_LIMIT + 1;
            f.length = WireConstants.MAX_PAYLOAD_LIMIT + 1;
        }).header();
        byte[] exceptLast = Arrays.copyOf(header, header.length - 1);
        decoder.write(exceptLast, 1); // merging single bytes makes the cumulation allocate
        assertTrue(decoder.messages().isEmpty());
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> decoder.write(new byte[] {header[header.length - 1]}));
        assertEquals("payload length 16777217 exceeds limit 16777216", e.getMessage());
        assertTrue(largest.get() < 4096, "largest allocation " + largest.get());
        assertFalse(decoder.finish());
        decoder.assertAllReleased();
    }

    @Test
    void writePayloadLengthDiffersFromLength() {
        byte[] frame = write(100).with(f -> f.length = 99).bytes();
        assertRejected(true, null, frame, "WRITE request payload length 100 != length 99");
    }

    @Test
    void readReplyPayloadLengthDiffersFromLength() {
        byte[] frame = RawFrame.reply(Opcode.READ.value()).payload(new byte[10]).with(f -> f.length = 11).bytes();
        assertRejected(false, null, frame, "READ reply payload length 10 != length 11");
    }

    @Test
    void aFailedReadReplyCarriesAReasonNotData() {
        byte[] frame = RawFrame.reply(Opcode.READ.value()).payload(RawFrame.payloadOf("gone"))
                .with(f -> {
                    f.status = 5;
                    f.length = 4096;
                }).bytes();
        DecoderHarness decoder = new DecoderHarness(false);
        decoder.write(frame);
        assertEquals("Failure[tag=0, opcode=READ, status=EIO, reason=gone]", decoder.messages().getFirst().toString());
        assertFalse(decoder.finish());
        decoder.assertAllReleased();
    }

    @Test
    void badHeaderDigest() {
        byte[] frame = ping().with(f -> f.headerDigestValue = 0x01020304).bytes();
        String reason = assertRejected(true, null, frame, null);
        assertTrue(reason.startsWith("bad header digest 0x01020304, computed 0x"), reason);
    }

    @Test
    void corruptedHeaderIsReportedAsADigestMismatch() {
        byte[] frame = ping().bytes();
        frame[12] ^= 0x10; // a bit of the tag flips in transit
        String reason = assertRejected(true, ALL_DIGESTS, frame, null);
        assertTrue(reason.startsWith("bad header digest"), reason);
    }

    @Test
    void helloAlwaysNeedsAHeaderDigest() {
        byte[] frame = RawFrame.request(Opcode.HELLO.value()).payload(helloPayload(1 << 20))
                .with(f -> f.headerDigest = false).bytes();
        String reason = assertRejected(true, NO_DIGESTS, frame, null);
        assertTrue(reason.startsWith("bad header digest 0x00000000"), reason);
    }

    @Test
    void headerDigestWhenDigestsAreOff() {
        byte[] frame = ping().bytes(); // carries a real digest
        String reason = assertRejected(true, NO_DIGESTS, frame, null);
        assertTrue(reason.endsWith("while header digests are off"), reason);
    }

    @Test
    void badDataDigest() {
        byte[] frame = write(64).with(f -> {
            f.dataDigest = true;
            f.dataDigestValue = 0x0badf00d;
        }).bytes();
        String reason = assertRejected(true, ALL_DIGESTS, frame, null);
        assertTrue(reason.startsWith("WRITE request: bad data digest 0x0badf00d, computed 0x"), reason);
    }

    @Test
    void corruptedDataIsReportedAsADigestMismatch() {
        byte[] frame = write(64).with(f -> f.dataDigest = true).bytes();
        frame[WireConstants.HEADER_SIZE + 10] ^= 1;
        String reason = assertRejected(true, ALL_DIGESTS, frame, null);
        assertTrue(reason.startsWith("WRITE request: bad data digest"), reason);
    }

    @Test
    void replyReceivedByAServer() {
        assertRejected(true, null, pong().bytes(), "PING reply received by a server");
    }

    @Test
    void requestReceivedByAClient() {
        assertRejected(false, null, ping().bytes(), "PING request received by a client");
    }

    @Test
    void fuaOnlyOnWriteRequests() {
        assertRejected(true, null, RawFrame.request(Opcode.READ.value()).with(f -> f.flags = FLAG_FUA).bytes(),
                "FUA flag on a READ request");
        assertRejected(false, null, RawFrame.reply(Opcode.WRITE.value()).with(f -> f.flags |= FLAG_FUA).bytes(),
                "FUA flag on a WRITE reply");
    }

    @Test
    void noHoleOnlyOnWriteZeroesRequests() {
        assertRejected(true, null, write(8).with(f -> f.flags = FLAG_NO_HOLE).bytes(), "NO_HOLE flag on a WRITE request");
    }

    @Test
    void requestsCarryNoStatus() {
        assertRejected(true, null, ping().with(f -> f.status = 5).bytes(), "PING request with status 5");
    }

    @Test
    void unknownStatus() {
        assertRejected(false, null, pong().with(f -> f.status = 4).bytes(), "PING reply with unknown status 4");
        assertRejected(false, null, pong().with(f -> f.status = -1).bytes(), "PING reply with unknown status 4294967295");
    }

    // ---- end of input ----

    @Test
    void inputEndingInsideTheHeader() {
        assertTruncated(true, null, Arrays.copyOf(ping().bytes(), 20), "input ended inside a frame: have 20 of 44 header bytes");
    }

    @Test
    void inputEndingInsideThePayload() {
        byte[] frame = write(100).bytes();
        assertTruncated(true, null, Arrays.copyOf(frame, frame.length - 30),
                "input ended inside a WRITE request: have 70 of 100 payload bytes");
    }

    @Test
    void inputEndingInsideTheDataDigest() {
        byte[] frame = write(100).with(f -> f.dataDigest = true).bytes();
        assertTruncated(true, ALL_DIGESTS, Arrays.copyOf(frame, frame.length - 1),
                "input ended inside a WRITE request: have 3 of 4 data digest bytes");
    }

    @Test
    void inputEndingBetweenFramesIsClean() {
        DecoderHarness decoder = new DecoderHarness(true);
        decoder.write(ping().bytes());
        assertEquals(1, decoder.messages().size());
        assertFalse(decoder.finish());
        decoder.assertAllReleased();
    }

    // ---- payload rules (§3) ----

    @Test
    void stringOver1024Bytes() {
        byte[] payload = RawFrame.payloadOf((short) 1, (short) 1, 1 << 20, 3, (short) 1025, new byte[1025]);
        assertRejected(true, null, hello(payload), "HELLO request: software of 1025 bytes exceeds 1024");
    }

    @Test
    void stringLongerThanThePayload() {
        byte[] payload = RawFrame.payloadOf((short) 1, (short) 1, 1 << 20, 3, (short) 50, new byte[10]);
        assertRejected(true, null, hello(payload),
                "HELLO request: payload too short for software (10 bytes left, 50 needed)");
    }

    @Test
    void stringThatIsNotUtf8() {
        byte[] payload = RawFrame.payloadOf((short) 1, (short) 1, 1 << 20, 3, (short) 2, new byte[] {(byte) 0xC3, 0x28});
        assertRejected(true, null, hello(payload), "HELLO request: software is not valid UTF-8");
    }

    @Test
    void volumeCountClaimingMoreEntriesThanThePayloadHolds() {
        byte[] frame = RawFrame.reply(Opcode.LIST.value()).payload(RawFrame.payloadOf((short) 1000, new byte[40])).bytes();
        assertRejected(false, null, frame, "LIST reply: volume count 1000 needs at least 36000 bytes, payload has 40");
    }

    @Test
    void volumeCountWithTooFewEntries() {
        byte[] entry = volumeEntry(4096, 0);
        byte[] cutShort = RawFrame.payloadOf("a-rather-long-volume", 1L << 30, 4096, "av0"); // no uuid, no flags
        byte[] frame = RawFrame.reply(Opcode.LIST.value()).payload(RawFrame.payloadOf((short) 2, entry, cutShort)).bytes();
        assertRejected(false, null, frame, "LIST reply: payload too short for volume uuid (0 bytes left, 16 needed)");
    }

    @Test
    void trailingPayloadBytes() {
        byte[] frame = RawFrame.request(Opcode.LIST.value()).payload(new byte[3]).bytes();
        assertRejected(true, null, frame, "LIST request: 3 unexpected trailing payload bytes");
        byte[] done = RawFrame.reply(Opcode.CLOSE.value()).payload(new byte[1]).bytes();
        assertRejected(false, null, done, "CLOSE reply: 1 unexpected trailing payload bytes");
    }

    @Test
    void shortNonceOrProof() {
        byte[] proof = RawFrame.request(Opcode.AUTH_PROOF.value()).payload(new byte[31]).bytes();
        assertRejected(true, null, proof, "AUTH_PROOF request: payload too short for client proof (31 bytes left, 32 needed)");
        byte[] challenge = RawFrame.reply(Opcode.AUTH_START.value())
                .payload(RawFrame.payloadOf(42, "srv", new byte[16])).bytes();
        assertRejected(false, null, challenge,
                "AUTH_START reply: payload too short for server nonce (16 bytes left, 32 needed)");
    }

    @Test
    void helloMaxPayloadOutOfRange() {
        assertRejected(true, null, hello(helloPayload(4095)), "HELLO request: max payload 4095 outside 4096..16777216");
        assertRejected(true, null, hello(helloPayload(-1)), "HELLO request: max payload 4294967295 outside 4096..16777216");
        byte[] reply = RawFrame.reply(Opcode.HELLO.value())
                .payload(RawFrame.payloadOf((short) 1, (16 << 20) + 1, 3, "s")).bytes();
        assertRejected(false, null, reply, "HELLO reply: max payload 16777217 outside 4096..16777216");
    }

    @Test
    void helloReplyWithUnknownFeatures() {
        byte[] reply = RawFrame.reply(Opcode.HELLO.value()).payload(RawFrame.payloadOf((short) 1, 4096, 63, "s")).bytes();
        assertRejected(false, null, reply, "HELLO reply: unknown feature bits 0x3f");
    }

    @Test
    void unknownOpenFlags() {
        byte[] frame = RawFrame.request(Opcode.OPEN.value()).payload(RawFrame.payloadOf("vol", 2)).bytes();
        assertRejected(true, null, frame, "OPEN request: unknown open flag bits 0x2");
    }

    @Test
    void badVolumeEntries() {
        assertRejected(false, null, opened(volumeEntry(4096, 0x10)), "OPEN reply: unknown volume flag bits 0x10");
        assertRejected(false, null, opened(volumeEntry(1000, 0)),
                "OPEN reply: volume block size 1000 is not a power of two in 512..65536");
        assertRejected(false, null, opened(volumeEntry(256, 0)),
                "OPEN reply: volume block size 256 is not a power of two in 512..65536");
        byte[] hugeSize = RawFrame.payloadOf("v", -1L, 4096, "", new byte[16], 0);
        assertRejected(false, null, opened(hugeSize), "OPEN reply: volume size 18446744073709551615 too large");
    }

    @Test
    void queryCodeOutOfRange() {
        byte[] frame = RawFrame.request(Opcode.QUERY.value()).with(f -> f.offset = 1L << 31).bytes();
        assertRejected(true, null, frame, "QUERY request: query code 2147483648 out of range");
    }

    @Test
    void geometryReplyForAnUnknownQuery() {
        byte[] frame = RawFrame.reply(Opcode.QUERY.value()).with(f -> f.offset = 2)
                .payload(RawFrame.payloadOf(1L << 30, 512, 4096, 4096)).bytes();
        assertRejected(false, null, frame, "QUERY reply: unknown query code 2");
    }

    @Test
    void geometryWithBadSizes() {
        byte[] frame = RawFrame.reply(Opcode.QUERY.value()).with(f -> f.offset = 1)
                .payload(RawFrame.payloadOf(1L << 30, 512, -1, 4096)).bytes();
        assertRejected(false, null, frame, "QUERY reply: preferred I/O size 4294967295 too large");
    }

    // ---- after an error ----

    @Test
    void inputAfterAnErrorIsDiscarded() {
        DecoderHarness decoder = new DecoderHarness(true);
        byte[] good = ping().bytes();
        byte[] bad = ping().with(f -> f.magic = 0).bytes();
        byte[] goodThenBad = concat(good, bad, good);
        assertThrows(ProtocolException.class, () -> decoder.write(goodThenBad));
        assertEquals(1, decoder.messages().size(), "the frame before the error is still delivered");
        decoder.write(good);
        decoder.write(concat(bad, bad));
        assertEquals(1, decoder.messages().size(), "nothing after the error");
        assertFalse(decoder.finish());
        decoder.assertAllReleased();
    }

    @Test
    void negotiatedRejectsWhatHelloCannotAgree() {
        RsioFrameDecoder decoder = new RsioFrameDecoder(true);
        assertThrows(IllegalArgumentException.class, () -> decoder.negotiated(4095, 0));
        assertThrows(IllegalArgumentException.class, () -> decoder.negotiated((16 << 20) + 1, 0));
        assertThrows(IllegalArgumentException.class, () -> decoder.negotiated(4096, 32));
        RsioFrameCodec codec = new RsioFrameCodec(true);
        assertThrows(IllegalArgumentException.class, () -> codec.negotiated(1 << 20, 64));
    }

    // ---- helpers ----

    /**
     * Feeds {@code frame} whole and byte by byte to fresh decoders; both must fail once with the
     * same reason (checked when {@code expected} is not null), discard what follows and release
     * everything. Returns the reason.
     */
    private static String assertRejected(boolean server, Encoding.Agreed agreed, byte[] frame, String expected) {
        String whole = rejectedReason(server, agreed, frame, 0);
        String sliced = rejectedReason(server, agreed, frame, 1);
        assertEquals(whole, sliced, "same reason whole and sliced");
        if (expected != null) {
            assertEquals(expected, whole);
        }
        return whole;
    }

    private static String rejectedReason(boolean server, Encoding.Agreed agreed, byte[] frame, int chunk) {
        DecoderHarness decoder = harness(server, agreed);
        ProtocolException e = assertThrows(ProtocolException.class,
                () -> {
                    if (chunk == 0) {
                        decoder.write(frame);
                    } else {
                        decoder.write(frame, chunk);
                    }
                });
        decoder.write(server ? ping().bytes() : pong().bytes()); // discarded, no second exception
        assertTrue(decoder.messages().isEmpty(), "no message from a bad frame or after it");
        assertFalse(decoder.finish());
        decoder.assertAllReleased();
        return e.getMessage();
    }

    private static void assertTruncated(boolean server, Encoding.Agreed agreed, byte[] partial, String expected) {
        for (int chunk : new int[] {0, 1}) {
            DecoderHarness decoder = harness(server, agreed);
            if (chunk == 0) {
                decoder.write(partial);
            } else {
                decoder.write(partial, chunk);
            }
            ProtocolException e = assertThrows(ProtocolException.class, decoder::finish);
            assertEquals(expected, e.getMessage());
            assertTrue(decoder.messages().isEmpty());
            decoder.assertAllReleased();
        }
    }

    private static DecoderHarness harness(boolean server, Encoding.Agreed agreed) {
        DecoderHarness decoder = new DecoderHarness(server);
        if (agreed != null) {
            decoder.agreed(agreed.maxPayload(), agreed.features());
        }
        return decoder;
    }

    private static RawFrame ping() {
        return RawFrame.request(Opcode.PING.value()).with(f -> f.offset = 99);
    }

    private static RawFrame pong() {
        return RawFrame.reply(Opcode.PING.value()).with(f -> f.offset = 99);
    }

    private static RawFrame write(int size) {
        return RawFrame.request(Opcode.WRITE.value()).payload(Samples.bytes(size, 1)).with(f -> f.length = size);
    }

    private static byte[] hello(byte[] payload) {
        return RawFrame.request(Opcode.HELLO.value()).payload(payload).bytes();
    }

    private static byte[] helloPayload(int maxPayload) {
        return RawFrame.payloadOf((short) 1, (short) 1, maxPayload, 3, "rsiod");
    }

    private static byte[] volumeEntry(int blockSize, int flags) {
        return RawFrame.payloadOf("vol", 1L << 30, blockSize, "av0", new byte[16], flags);
    }

    private static byte[] opened(byte[] entry) {
        return RawFrame.reply(Opcode.OPEN.value()).with(f -> f.handle = 1).payload(entry).bytes();
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
