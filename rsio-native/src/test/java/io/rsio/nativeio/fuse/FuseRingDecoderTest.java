package io.rsio.nativeio.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/**
 * Requests as the kernel lays them out in a FUSE-over-io_uring entry: the fuse_in_header in
 * {@code in_out}, the opcode's first argument in {@code op_in}, the rest in the payload.
 * Decoded by the same decoder as /dev/fuse reads, to the same records.
 */
class FuseRingDecoderTest {
    private final Arena arena = Arena.ofAuto();

    private MemorySegment segment(byte[] bytes, int size) {
        MemorySegment s = arena.allocate(size, 8);
        MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return s;
    }

    /** in_out with a header whose length counts {@code opIn} and {@code payload}. */
    private FuseRequest decode(int opcode, byte[] opIn, byte[] payload) throws FuseProtocolException {
        byte[] header = Bytes.request(opcode, 77, 2, 9, new byte[0]).bytes();
        int length = 40 + opIn.length + payload.length;
        header[0] = (byte) length;
        header[1] = (byte) (length >> 8);
        header[2] = (byte) (length >> 16);
        return FuseRequestDecoder.decodeRing(segment(header, 40), segment(opIn, 128), segment(payload, 1 << 20),
                payload.length);
    }

    @Test
    void aWriteHasItsArgumentsInOpInAndItsDataInThePayload() throws Exception {
        byte[] data = new byte[8192];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 7);
        }
        byte[] writeIn = Bytes.of().u64(5).u64(1 << 20).u32(8192).u32(0).u64(0).u32(2).u32(0).bytes();
        var w = assertInstanceOf(FuseRequest.Write.class, decode(16, writeIn, data));
        assertEquals(77, w.unique());
        assertEquals(5, w.fh());
        assertEquals(1 << 20, w.offset());
        assertEquals(8192, w.size());
        assertArrayEquals(data, w.data().toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void aReadIsOpInOnly() throws Exception {
        byte[] readIn = Bytes.of().u64(5).u64(4096).u32(65536).u32(0).u64(0).u32(2).u32(0).bytes();
        var r = assertInstanceOf(FuseRequest.Read.class, decode(15, readIn, new byte[0]));
        assertEquals(4096, r.offset());
        assertEquals(65536, r.size());
    }

    @Test
    void aLookupNameIsInThePayloadBehindAnEmptyOpIn() throws Exception {
        var l = assertInstanceOf(FuseRequest.Lookup.class,
                decode(1, new byte[0], Bytes.of().cstring("osl:oracle").bytes()));
        assertEquals("osl:oracle", l.name());
    }

    @Test
    void lengthsThatDoNotAddUpAreRefusedWithTheHeader() {
        byte[] header = Bytes.request(15, 78, 2, 9, new byte[0]).bytes();
        header[0] = (byte) 200; // claims 160 bytes of fixed arguments: more than op_in holds
        FuseProtocolException e = assertThrows(FuseProtocolException.class, () -> FuseRequestDecoder.decodeRing(
                segment(header, 40), segment(new byte[0], 128), segment(new byte[0], 4096), 0));
        assertEquals(78, e.header().unique(), "answerable with EIO");
        assertThrows(FuseProtocolException.class, () -> FuseRequestDecoder.decodeRing(segment(header, 40),
                segment(new byte[0], 128), segment(new byte[0], 4096), 8192), "payload larger than its buffer");
    }

    @Test
    void initTakesIoUringOnlyWhenAskedAndOffered() throws Exception {
        long offered = FuseAbi.OVER_IO_URING | FuseAbi.INIT_EXT | FuseInitReply.WANTED;
        FuseRequest.Init init = new FuseRequest.Init(new FuseInHeader(104, 26, 1, 0, 0, 0, 0, 0), 7, 45, 131072,
                offered);
        FuseInitReply uring = FuseInitReply.negotiate(init, true);
        assertTrue(uring.overIoUring());
        assertTrue(uring.has(FuseAbi.INIT_EXT), "flags2 is read only with INIT_EXT");
        assertEquals(false, FuseInitReply.negotiate(init, false).overIoUring());
        FuseRequest.Init notOffered = new FuseRequest.Init(init.header(), 7, 45, 131072, FuseInitReply.WANTED);
        assertEquals(false, FuseInitReply.negotiate(notOffered, true).overIoUring());
        MemorySegment out = arena.allocate(256, 8);
        FuseReplyEncoder.init(out, 1, uring);
        assertEquals(1 << 9, out.get(ValueLayout.JAVA_INT_UNALIGNED, 16 + 32) & (1 << 9), "flags2 bit 9 (flag 41)");
    }
}
