package io.rsio.nativeio.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Replies byte by byte against fixtures written from linux/fuse.h. */
class FuseReplyEncoderTest {
    private static final FuseAttr FILE = new FuseAttr(2, 1L << 30, 2097152, 1700000000L, 0100600, 1, 0, 0, 4096);

    private static byte[] encode(java.util.function.Function<MemorySegment, Integer> writer) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(8192, 8);
            out.fill((byte) 0x5a); // every byte of the reply must be written, padding included
            int n = writer.apply(out);
            return out.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    private static Bytes attrBytes(Bytes b, FuseAttr a) {
        return b.u64(a.ino()).u64(a.size()).u64(a.blocks()).u64(a.timeSeconds()).u64(a.timeSeconds())
                .u64(a.timeSeconds()).u32(0).u32(0).u32(0).u32(a.mode()).u32(a.nlink()).u32(a.uid()).u32(a.gid())
                .u32(0).u32(a.blksize()).u32(0);
    }

    @Test
    void errorIsANegativeErrnoInTheHeader() {
        assertEquals("10000000" + "fbffffff" + "0700000000000000",
                Bytes.hex(encode(out -> FuseReplyEncoder.error(out, 7, 5))));
        assertThrows(IllegalArgumentException.class, () -> encode(out -> FuseReplyEncoder.error(out, 7, 0)));
        assertEquals(Bytes.hex(Bytes.of().u32(16).u32(0).u64(9).bytes()),
                Bytes.hex(encode(out -> FuseReplyEncoder.empty(out, 9))));
    }

    @Test
    void entryOut() {
        byte[] expected = attrBytes(Bytes.of().u32(144).u32(0).u64(3).u64(2).u64(1).u64(0).u64(1).u32(0).u32(0),
                FILE).bytes();
        assertEquals(144, expected.length, "16 header + 40 entry + 88 attr");
        assertEquals(Bytes.hex(expected), Bytes.hex(encode(out -> FuseReplyEncoder.entry(out, 3, 2, 1, 0, 1, FILE))));
    }

    @Test
    void attrOut() {
        byte[] expected = attrBytes(Bytes.of().u32(120).u32(0).u64(4).u64(1).u32(0).u32(0), FILE).bytes();
        assertEquals(Bytes.hex(expected), Bytes.hex(encode(out -> FuseReplyEncoder.attr(out, 4, 1, FILE))));
    }

    @Test
    void openWriteStatfs() {
        assertEquals(Bytes.hex(Bytes.of().u32(32).u32(0).u64(5).u64(77).u32(0x41).u32(0).bytes()),
                Bytes.hex(encode(out -> FuseReplyEncoder.open(out, 5, 77, 0x41))));
        assertEquals(Bytes.hex(Bytes.of().u32(24).u32(0).u64(6).u32(1 << 20).u32(0).bytes()),
                Bytes.hex(encode(out -> FuseReplyEncoder.write(out, 6, 1 << 20))));
        assertEquals(Bytes.hex(Bytes.of().u32(96).u32(0).u64(8).u64(1000).u64(0).u64(0).u64(2).u64(0).u32(4096)
                        .u32(255).u32(4096).u32(0).zeros(24).bytes()),
                Bytes.hex(encode(out -> FuseReplyEncoder.statfs(out, 8, 1000, 2, 4096))));
    }

    @Test
    void initOutNegotiates1MiBRequests() {
        FuseInitReply r = new FuseInitReply(7, 38, 131072, (1L << 22) | (1L << 15) | 1, 256, 192, 1 << 20, 1, 256);
        byte[] expected = Bytes.of().u32(80).u32(0).u64(1)
                .u32(7).u32(38).u32(131072).u32((1L << 22) | (1L << 15) | 1).u16(256).u16(192).u32(1 << 20).u32(1)
                .u16(256).u16(0).u32(0).zeros(28).bytes();
        assertEquals(Bytes.hex(expected), Bytes.hex(encode(out -> FuseReplyEncoder.init(out, 1, r))));
    }

    @Test
    void readdirEntriesAreAlignedAndResumable() {
        List<FuseReplyEncoder.Dirent> entries = List.of(new FuseReplyEncoder.Dirent(1, ".", 4),
                new FuseReplyEncoder.Dirent(1, "..", 4), new FuseReplyEncoder.Dirent(5, "osl:oracle", 8));
        byte[] all = encode(out -> FuseReplyEncoder.readdir(out, 2, entries, 0, 4096));
        byte[] expected = Bytes.of().u32(16 + 32 + 32 + 40).u32(0).u64(2)
                .u64(1).u64(1).u32(1).u32(4).raw(".".getBytes()).zeros(7)
                .u64(1).u64(2).u32(2).u32(4).raw("..".getBytes()).zeros(6)
                .u64(5).u64(3).u32(10).u32(8).raw("osl:oracle".getBytes()).zeros(6).bytes();
        assertEquals(Bytes.hex(expected), Bytes.hex(all));
        // From offset 2 only the last entry; with room for one entry only the first fits.
        assertEquals(16 + 40, encode(out -> FuseReplyEncoder.readdir(out, 2, entries, 2, 4096)).length);
        assertEquals(16 + 32, encode(out -> FuseReplyEncoder.readdir(out, 2, entries, 0, 40)).length);
        assertEquals(16, encode(out -> FuseReplyEncoder.readdir(out, 2, entries, 3, 4096)).length, "end");
    }

    @Test
    void invalInodeNotificationDropsAttributesOnly() {
        assertEquals(Bytes.hex(Bytes.of().u32(40).u32(2).u64(0).u64(12).u64(-1).u64(0).bytes()),
                Bytes.hex(encode(out -> FuseReplyEncoder.notifyInvalInode(out, 12))));
    }
}
