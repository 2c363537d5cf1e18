package io.rsio.wire.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.netty.buffer.ByteBufUtil;
import io.rsio.wire.Opcode;
import io.rsio.wire.WireConstants;
import io.rsio.wire.message.Message;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/**
 * Frames written out by hand from docs/PROTOCOL.md, byte by byte, with digests computed by a
 * separate bitwise CRC32C implementation. They pin the code to the spec: if either drifts, these
 * fail. The HELLO frame is the one in the spec's "Test vectors" appendix.
 */
class FixtureTest {
    private static final HexFormat HEX = HexFormat.of();

    /** Request.Hello(tag 1, versions 1..1, max payload 1 MiB, features 3, "rsiod/0.1"), before HELLO. */
    static final byte[] HELLO = HEX.parseHex(
            "5253494f" // magic "RSIO"
            + "01" // version 1
            + "01" // opcode HELLO
            + "0000" // flags: none (a request)
            + "0000000000000001" // tag 1
            + "00000000" // handle: none
            + "00000000" // status: 0 in requests
            + "0000000000000000" // offset: unused
            + "00000000" // length: unused
            + "00000017" // payload length 23
            + "f10c3d28" // header digest: CRC32C of the 40 bytes above
            + "0001" // min version 1
            + "0001" // max version 1
            + "00100000" // max payload 1048576
            + "00000003" // features HEADER_DIGEST | DATA_DIGEST
            + "0009" + "7273696f642f302e31"); // string "rsiod/0.1"; no data digest before HELLO

    /** Request.Read(tag 0x0102030405060708, handle 7, offset 65536, length 4096), digests on. */
    static final byte[] READ = HEX.parseHex(
            "5253494f" + "01"
            + "10" // opcode READ (16)
            + "0000"
            + "0102030405060708" // tag
            + "00000007" // handle 7
            + "00000000"
            + "0000000000010000" // offset 65536
            + "00001000" // length 4096
            + "00000000" // no payload, hence no data digest
            + "2e1c7af2"); // header digest

    /** Reply.ReadData(tag 0x0102030405060708, de ad be ef), digests on. */
    static final byte[] READ_REPLY = HEX.parseHex(
            "5253494f" + "01" + "10"
            + "8000" // flags: REPLY
            + "0102030405060708" + "00000000" + "00000000" + "0000000000000000"
            + "00000004" // length 4 = payload length, as every successful READ reply
            + "00000004"
            + "d2634bce" // header digest
            + "deadbeef" // data
            + "f1dc778e"); // data digest: CRC32C of the payload

    @Test
    void helloFixtureHasTheSpecLayout() {
        ByteBuffer b = ByteBuffer.wrap(HELLO);
        assertEquals(WireConstants.MAGIC, b.getInt(0));
        assertEquals(WireConstants.VERSION, b.get(4));
        assertEquals(Opcode.HELLO.value(), b.get(5));
        assertEquals(WireConstants.HEADER_SIZE + 23, HELLO.length);
        assertEquals(23, b.getInt(36));
        assertEquals(RawFrame.crc(HELLO, 0, 40), b.getInt(40), "the fixture's digest is CRC32C of bytes 0-39");
    }

    @Test
    void helloFixtureDecodes() {
        Request.Hello hello = (Request.Hello) decodeOne(HELLO, true, null);
        assertEquals(1, hello.tag());
        assertEquals(1, hello.minVersion());
        assertEquals(1, hello.maxVersion());
        assertEquals(1 << 20, hello.maxPayload());
        assertEquals(WireConstants.DEFAULT_FEATURES, hello.features());
        assertEquals("rsiod/0.1", hello.software());
    }

    @Test
    void helloEncodesToTheFixture() {
        byte[] encoded = Encoding.bytes(new Request.Hello(1, 1, 1, 1 << 20, 3, "rsiod/0.1"), null);
        assertEquals(HEX.formatHex(HELLO), HEX.formatHex(encoded));
    }

    @Test
    void readFixtureDecodes() {
        Request.Read read = (Request.Read) decodeOne(READ, true, new Encoding.Agreed(1 << 20, 3));
        assertEquals(0x0102030405060708L, read.tag());
        assertEquals(7, read.handle());
        assertEquals(65536, read.offset());
        assertEquals(4096, read.length());
    }

    @Test
    void readEncodesToTheFixture() {
        byte[] encoded = Encoding.bytes(new Request.Read(0x0102030405060708L, 7, 65536, 4096),
                new Encoding.Agreed(1 << 20, 3));
        assertArrayEquals(READ, encoded);
    }

    @Test
    void readReplyFixtureRoundTrips() {
        var agreed = new Encoding.Agreed(1 << 20, 3);
        DecoderHarness decoder = new DecoderHarness(false).agreed(agreed.maxPayload(), agreed.features());
        decoder.write(READ_REPLY);
        Reply.ReadData data = (Reply.ReadData) decoder.messages().getFirst();
        assertEquals(0x0102030405060708L, data.tag());
        assertEquals("deadbeef", ByteBufUtil.hexDump(data.data()));
        byte[] encoded = Encoding.bytes(new Reply.ReadData(data.tag(), data.data().retain()), agreed);
        assertArrayEquals(READ_REPLY, encoded);
        assertFalse(decoder.finish());
        decoder.assertAllReleased();
    }

    /**
     * AUTH_PROOF reply with FEATURE_SERVER_INSTANCE (docs/PROTOCOL.md §3.3): 32 bytes of proof,
     * then the instance as a uuid, most significant half first; without it the proof alone.
     */
    @Test
    void authProofReplyCarriesTheServerInstanceAfterTheProof() {
        var agreed = new Encoding.Agreed(1 << 20, WireConstants.FEATURE_HEADER_DIGEST
                | WireConstants.FEATURE_SERVER_INSTANCE);
        byte[] proof = new byte[32];
        java.util.Arrays.fill(proof, (byte) 0x5a);
        java.util.UUID instance = java.util.UUID.fromString("00112233-4455-6677-8899-aabbccddeeff");
        byte[] encoded = Encoding.bytes(new Reply.AuthAccepted(9, proof, instance), agreed);
        assertEquals(44 + 48, encoded.length);
        assertEquals("00000030", HEX.formatHex(encoded, 36, 40), "payload length 48");
        assertEquals("5a".repeat(32) + "00112233445566778899aabbccddeeff", HEX.formatHex(encoded, 44, 92));
        Reply.AuthAccepted decoded = (Reply.AuthAccepted) decodeOne(encoded, false, agreed);
        assertEquals(instance, decoded.serverInstance());
        assertArrayEquals(proof, decoded.proof());

        byte[] plain = Encoding.bytes(new Reply.AuthAccepted(9, proof), agreed);
        assertEquals("00000020", HEX.formatHex(plain, 36, 40), "payload length 32");
        assertEquals(null, ((Reply.AuthAccepted) decodeOne(plain, false, agreed)).serverInstance());
    }

    /** The CRC32C check value from RFC 3720 / the Castagnoli definition. */
    @Test
    void crc32cMatchesTheStandardCheckValue() {
        byte[] check = "123456789".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertEquals(0xE3069283, new Crc32c().of(io.netty.buffer.Unpooled.wrappedBuffer(check), 0, 9));
        var composite = io.netty.buffer.Unpooled.wrappedBuffer(
                io.netty.buffer.Unpooled.wrappedBuffer(check, 0, 4), io.netty.buffer.Unpooled.wrappedBuffer(check, 4, 5));
        assertEquals(0xE3069283, new Crc32c().of(composite, 0, 9), "over a buffer made of two parts");
        composite.release();
    }

    private static Message decodeOne(byte[] bytes, boolean server, Encoding.Agreed agreed) {
        DecoderHarness decoder = new DecoderHarness(server);
        if (agreed != null) {
            decoder.agreed(agreed.maxPayload(), agreed.features());
        }
        decoder.write(bytes, 1);
        assertEquals(1, decoder.messages().size());
        assertFalse(decoder.finish());
        decoder.assertAllReleased();
        return decoder.messages().getFirst();
    }
}
