package io.rsio.it;

import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

/**
 * Self-describing 4 KiB blocks for crash tests: each carries a magic, its own block number,
 * the write's generation (a global sequence number), filler derived from both, and a CRC32C
 * of everything before it. Reading a block back tells whether it is unwritten (all zero), a
 * valid version of this very block (and which), or anything else — torn, misplaced or
 * garbage.
 */
final class StampedBlocks {
    static final int SIZE = 4096;
    static final long MAGIC = 0x5253494f_43525348L; // "RSIOCRSH"

    /** What a block on disk holds. */
    sealed interface Content {
        record Unwritten() implements Content {}

        record Version(long generation) implements Content {}

        record Corrupt(String why) implements Content {}
    }

    private StampedBlocks() {}

    static void fill(byte[] into, int at, int block, long generation) {
        ByteBuffer b = ByteBuffer.wrap(into, at, SIZE);
        b.putLong(MAGIC).putInt(block).putLong(generation);
        SplittableRandom filler = new SplittableRandom(generation * 0x9E3779B97F4A7C15L + block);
        while (b.position() - at < SIZE - 4 - 8) {
            b.putLong(filler.nextLong());
        }
        while (b.position() - at < SIZE - 4) {
            b.put((byte) filler.nextInt());
        }
        CRC32C crc = new CRC32C();
        crc.update(into, at, SIZE - 4);
        b.putInt((int) crc.getValue());
    }

    static Content parse(byte[] from, int at, int expectedBlock) {
        boolean zero = true;
        for (int i = at; i < at + SIZE && zero; i++) {
            zero = from[i] == 0;
        }
        if (zero) {
            return new Content.Unwritten();
        }
        ByteBuffer b = ByteBuffer.wrap(from, at, SIZE);
        if (b.getLong() != MAGIC) {
            return new Content.Corrupt("no block magic");
        }
        int block = b.getInt();
        long generation = b.getLong();
        CRC32C crc = new CRC32C();
        crc.update(from, at, SIZE - 4);
        if ((int) crc.getValue() != b.getInt(at + SIZE - 4)) {
            return new Content.Corrupt("checksum mismatch (torn or garbled), generation " + generation);
        }
        if (block != expectedBlock) {
            return new Content.Corrupt("holds block " + block + " (misplaced write)");
        }
        return new Content.Version(generation);
    }
}
