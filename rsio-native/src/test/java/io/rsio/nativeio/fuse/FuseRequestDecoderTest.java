package io.rsio.nativeio.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;

/** Requests as the kernel writes them, byte by byte, decoded into records; malformed ones refused. */
class FuseRequestDecoderTest {
    private static FuseRequest decode(Bytes b) throws FuseProtocolException {
        // WRITE data is a view of the buffer: keep it alive as long as the request
        MemorySegment s = b.segment(Arena.ofAuto());
        return FuseRequestDecoder.decode(s, s.byteSize());
    }

    @Test
    void headerFieldsComeFromTheirOffsets() throws Exception {
        byte[] bytes = Bytes.of().u32(40).u32(17).u64(0x1122334455667788L).u64(1).u32(1000).u32(100).u32(4242)
                .u16(0).u16(0).bytes();
        assertEquals("28000000" + "11000000" + "8877665544332211" + "0100000000000000" + "e8030000" + "64000000"
                + "92100000" + "0000" + "0000", Bytes.hex(bytes), "the fixture itself: fuse_in_header layout");
        FuseRequest r = decode(Bytes.of().raw(bytes));
        assertEquals(new FuseInHeader(40, 17, 0x1122334455667788L, 1, 1000, 100, 4242, 0), r.header());
        assertInstanceOf(FuseRequest.Statfs.class, r);
    }

    @Test
    void initCarriesVersionAndFlags() throws Exception {
        // fuse_init_in of 7.45: major, minor, max_readahead, flags, flags2, unused[11]
        byte[] args = Bytes.of().u32(7).u32(45).u32(131072).u32(0x73fffffbL).u32(0x3).zeros(44).bytes();
        var init = (FuseRequest.Init) decode(Bytes.request(26, 2, 0, 0, args));
        assertEquals(7, init.major());
        assertEquals(45, init.minor());
        assertEquals(131072, init.maxReadahead());
        // INIT_EXT (bit 30) is set, so flags2 supplies bits 32 and 33
        assertEquals(0x3_73fffffbL, init.flags());
    }

    @Test
    void initWithoutInitExtIgnoresFlags2() throws Exception {
        byte[] args = Bytes.of().u32(7).u32(31).u32(65536).u32(0x1L << 22).u32(0xffffffffL).zeros(44).bytes();
        var init = (FuseRequest.Init) decode(Bytes.request(26, 2, 0, 0, args));
        assertEquals(1L << 22, init.flags());
    }

    @Test
    void oldShortInitIsAccepted() throws Exception {
        byte[] args = Bytes.of().u32(7).u32(28).u32(65536).u32(1).bytes();
        var init = (FuseRequest.Init) decode(Bytes.request(26, 2, 0, 0, args));
        assertEquals(28, init.minor());
    }

    @Test
    void lookupNameIsTheNulTerminatedArgument() throws Exception {
        var r = (FuseRequest.Lookup) decode(Bytes.request(1, 5, 1, 0, Bytes.of().cstring("osl:oracle").bytes()));
        assertEquals("osl:oracle", r.name());
        assertEquals(1, r.nodeId());
    }

    @Test
    void readAndWrite() throws Exception {
        byte[] readArgs = Bytes.of().u64(9).u64(1L << 40).u32(1 << 20).u32(0).u64(0).u32(2).u32(0).bytes();
        assertEquals(new FuseRequest.Read(((FuseRequest.Read) decode(Bytes.request(15, 3, 2, 0, readArgs))).header(),
                9, 1L << 40, 1 << 20), decode(Bytes.request(15, 3, 2, 0, readArgs)));

        byte[] data = {1, 2, 3, 4, 5};
        byte[] writeArgs = Bytes.of().u64(9).u64(4096).u32(5).u32(1).u64(0).u32(2).u32(0).raw(data).bytes();
        var w = (FuseRequest.Write) decode(Bytes.request(16, 4, 2, 0, writeArgs));
        assertEquals(9, w.fh());
        assertEquals(4096, w.offset());
        assertEquals(5, w.size());
        assertEquals(1, w.writeFlags());
        assertArrayEquals(data, w.data().toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void setattrFallocateFsyncReleaseInterrupt() throws Exception {
        byte[] setattr = Bytes.of().u32(8 | 1).u32(0).u64(3).u64(12345).u64(0).u64(0).u64(0).u64(0).u32(0).u32(0)
                .u32(0).u32(0100640).u32(0).u32(7).u32(8).u32(0).bytes();
        assertEquals(88, setattr.length);
        var s = (FuseRequest.Setattr) decode(Bytes.request(4, 1, 2, 0, setattr));
        assertEquals(9, s.valid());
        assertEquals(3, s.fh());
        assertEquals(12345, s.size());
        assertEquals(0100640, s.mode());
        assertEquals(7, s.uid());
        assertEquals(8, s.gid());

        var f = (FuseRequest.Fallocate) decode(Bytes.request(43, 1, 2, 0,
                Bytes.of().u64(3).u64(8192).u64(65536).u32(3).u32(0).bytes()));
        assertEquals(8192, f.offset());
        assertEquals(65536, f.length());
        assertEquals(3, f.mode());

        var y = (FuseRequest.Fsync) decode(Bytes.request(20, 1, 2, 0, Bytes.of().u64(3).u32(1).u32(0).bytes()));
        assertEquals(1, y.fsyncFlags());
        var rel = (FuseRequest.Release) decode(Bytes.request(18, 1, 2, 0, Bytes.of().u64(3).u32(2).u32(0).u64(0).bytes()));
        assertEquals(3, rel.fh());
        var i = (FuseRequest.Interrupt) decode(Bytes.request(36, 9, 0, 0, Bytes.of().u64(5).bytes()));
        assertEquals(5, i.target());
    }

    @Test
    void unknownOpcodesDecodeAsOtherWithoutTouchingTheirArguments() throws Exception {
        FuseRequest r = decode(Bytes.request(39, 1, 2, 0, new byte[3])); // IOCTL, arguments too short even
        assertInstanceOf(FuseRequest.Other.class, r);
        assertInstanceOf(FuseRequest.Other.class, decode(Bytes.request(4095, 1, 2, 0, new byte[0])));
        assertNull(FuseOpcode.of(4095));
    }

    @Test
    void extensionsAreExcludedFromTheArguments() throws Exception {
        // A LOOKUP with one 8-byte extension block after the name.
        byte[] args = Bytes.of().cstring("vol").zeros(4).zeros(8).bytes();
        byte[] req = Bytes.of().u32(40 + args.length).u32(1).u64(1).u64(1).u32(0).u32(0).u32(0).u16(1).u16(0)
                .raw(args).bytes();
        assertEquals("vol", ((FuseRequest.Lookup) decode(Bytes.of().raw(req))).name());
    }

    @Test
    void malformedRequestsAreRefusedWithTheReason() {
        FuseProtocolException tooShort = assertThrows(FuseProtocolException.class,
                () -> decode(Bytes.of().u32(20).zeros(16)));
        assertNull(tooShort.header(), "no header to answer");

        byte[] lying = Bytes.request(17, 1, 1, 0, new byte[0]).bytes();
        lying[0] = 41; // says 41 bytes, 40 read
        FuseProtocolException e = assertThrows(FuseProtocolException.class, () -> decode(Bytes.of().raw(lying)));
        assertTrue(e.getMessage().contains("41"), e.getMessage());
        assertEquals(1, e.header().unique(), "the header is kept so the request can be answered");

        assertThrows(FuseProtocolException.class, () -> decode(Bytes.request(15, 1, 2, 0, new byte[39])));
        assertThrows(FuseProtocolException.class, () -> decode(Bytes.request(1, 1, 1, 0, "noterminator".getBytes())));
        assertThrows(FuseProtocolException.class, () -> decode(Bytes.request(1, 1, 1, 0, new byte[] {0})));
        byte[] shortWrite = Bytes.of().u64(1).u64(0).u32(100).u32(0).u64(0).u32(0).u32(0).zeros(10).bytes();
        FuseProtocolException w = assertThrows(FuseProtocolException.class,
                () -> decode(Bytes.request(16, 1, 2, 0, shortWrite)));
        assertTrue(w.getMessage().contains("carries 10"), w.getMessage());
        byte[] hugeExt = Bytes.of().u32(40).u32(17).u64(1).u64(1).u32(0).u32(0).u32(0).u16(9).u16(0).bytes();
        assertThrows(FuseProtocolException.class, () -> decode(Bytes.of().raw(hugeExt)));
    }
}
