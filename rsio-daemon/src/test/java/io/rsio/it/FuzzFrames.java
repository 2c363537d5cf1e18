package io.rsio.it;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

/**
 * RSIO request frames for fuzzing, built byte by byte (docs/PROTOCOL.md §1–3) from a seeded
 * random source: well-formed frames with random field values (the connection should survive
 * them: the server answers, mostly with failures), and frames that break a rule on purpose —
 * bit flips, truncation, random bytes, lying lengths — after which the server must close.
 */
final class FuzzFrames {
    static final int MAGIC = 0x5253494F;
    static final int HEADER = 44;
    /** Request opcodes that keep a logged-in connection open (not HELLO, not GOODBYE). */
    static final int[] SURVIVABLE = {2, 3, 4, 5, 6, 16, 17, 18, 19, 20, 21, 32};

    /** Which digests the connection has agreed; before HELLO: header digests only. */
    record Digests(boolean header, boolean data) {
        static final Digests BEFORE_HELLO = new Digests(true, false);
    }

    /** What sort of rule a broken frame breaks (for the log of the test). */
    enum Breakage { BIT_FLIPS, TRUNCATED, RANDOM_BYTES, OVERSIZED_LENGTH, BAD_PAYLOAD_LAYOUT }

    private final SplittableRandom random;
    private final long volumeSize;
    private final long[] recentTags = new long[16];
    private long nextTag = 1;

    FuzzFrames(long seed, long volumeSize) {
        this.random = new SplittableRandom(seed);
        this.volumeSize = volumeSize;
    }

    SplittableRandom random() {
        return random;
    }

    /**
     * A well-formed request with random values: mostly I/O on handle 1 inside and outside the
     * volume, some unknown handles, odd QUERY codes, PINGs, OPENs of odd names, LISTs, late
     * AUTH messages; one in ten reuses a recent tag.
     */
    byte[] wellFormed(Digests d, boolean loggedIn) {
        int opcode = SURVIVABLE[random.nextInt(SURVIVABLE.length)];
        if (!loggedIn && opcode == 3) {
            opcode = 32; // a wrong AUTH_PROOF ends an unauthenticated connection: kept for the end
        }
        if (random.nextInt(3) > 0) {
            opcode = random.nextBoolean() ? 16 : 17; // READ and WRITE most often
        }
        long tag = tag();
        int handle = random.nextInt(10) < 8 ? 1 : random.nextInt();
        int flags = 0;
        long offset = 0;
        int length = 0;
        byte[] payload = new byte[0];
        switch (opcode) {
            case 2 -> payload = authStart();
            case 3 -> payload = bytes(32);
            case 5 -> payload = concat(string(randomName()), u32(random.nextInt(2)));
            case 16, 19, 20 -> {
                offset = offset();
                length = ioLength();
                if (opcode == 20 && random.nextBoolean()) {
                    flags = 2;
                }
            }
            case 17 -> {
                offset = offset();
                payload = bytes(Math.min(4096, Math.max(1, ioLength())));
                length = payload.length;
                if (random.nextInt(10) == 0) {
                    flags = 1;
                }
            }
            case 21 -> offset = random.nextInt(4) == 0 ? random.nextInt() & 0x7fffffff : 1;
            case 32 -> offset = random.nextLong();
            default -> { }
        }
        return frame(opcode, flags, tag, handle, offset, length, payload, d);
    }

    /** A frame that breaks a rule; the server must close the connection after it. */
    byte[] broken(Digests d, Breakage kind) {
        return switch (kind) {
            case BIT_FLIPS -> {
                byte[] f = wellFormed(d, true);
                int flips = 1 + random.nextInt(4);
                // Flip distinct bits of the digested header, so the frame is surely bad (CRC32C
                // catches every change of up to 5 bits in 40 bytes).
                java.util.BitSet flipped = new java.util.BitSet();
                while (flipped.cardinality() < flips) {
                    flipped.set(random.nextInt(HEADER * 8));
                }
                flipped.stream().forEach(bit -> f[bit / 8] ^= (byte) (1 << (bit % 8)));
                if (!d.header()) {
                    f[0] ^= 0x40; // without header digests only the magic is sure to catch it
                }
                yield f;
            }
            case TRUNCATED -> {
                byte[] f = wellFormed(d, true);
                yield java.util.Arrays.copyOf(f, 1 + random.nextInt(f.length - 1)); // at least a byte, never all
            }
            case RANDOM_BYTES -> {
                byte[] f = bytes(1 + random.nextInt(200));
                f[0] = (byte) (f[0] == 'R' ? 'X' : f[0]);
                yield f;
            }
            case OVERSIZED_LENGTH -> {
                long lie = switch (random.nextInt(4)) {
                    case 0 -> 0xFFFFFFFFL;
                    case 1 -> (16 << 20) + 1;
                    case 2 -> 0x80000000L;
                    default -> (4 << 20) + 1 + random.nextInt(1 << 20);
                };
                ByteBuffer b = ByteBuffer.wrap(frame(17, 0, tag(), 1, 0, (int) lie, new byte[0], d));
                b.putInt(36, (int) lie);
                if (d.header()) {
                    b.putInt(40, crc(b.array(), 0, 40));
                }
                yield b.array();
            }
            case BAD_PAYLOAD_LAYOUT -> {
                // OPEN whose string claims more bytes than the payload holds, digests correct.
                byte[] payload = concat(new byte[] {0x03, (byte) 0xff}, bytes(8));
                yield frame(5, 0, tag(), 0, 0, 0, payload, d);
            }
        };
    }

    Breakage anyBreakage() {
        Breakage[] all = Breakage.values();
        return all[random.nextInt(all.length)];
    }

    /** Builds one frame with correct digests. */
    static byte[] frame(int opcode, int flags, long tag, int handle, long offset, int length, byte[] payload,
                        Digests d) {
        boolean dataDigest = d.data() && payload.length > 0;
        ByteBuffer b = ByteBuffer.allocate(HEADER + payload.length + (dataDigest ? 4 : 0));
        b.putInt(MAGIC).put((byte) 1).put((byte) opcode).putShort((short) flags).putLong(tag).putInt(handle)
                .putInt(0).putLong(offset).putInt(length).putInt(payload.length);
        boolean headerDigest = d.header() || opcode == 1;
        b.putInt(headerDigest ? crc(b.array(), 0, 40) : 0);
        b.put(payload);
        if (dataDigest) {
            b.putInt(crc(payload, 0, payload.length));
        }
        return b.array();
    }

    static byte[] hello(long tag, int features) {
        byte[] software = "fuzz/1".getBytes(StandardCharsets.UTF_8);
        ByteBuffer p = ByteBuffer.allocate(2 + 2 + 4 + 4 + 2 + software.length);
        p.putShort((short) 1).putShort((short) 1).putInt(1 << 20).putInt(features).putShort((short) software.length)
                .put(software);
        return frame(1, 0, tag, 0, 0, 0, p.array(), Digests.BEFORE_HELLO);
    }

    private long tag() {
        long tag;
        if (random.nextInt(10) == 0 && nextTag > 1) {
            tag = recentTags[random.nextInt(recentTags.length)];
        } else {
            tag = nextTag++;
        }
        recentTags[(int) (nextTag % recentTags.length)] = tag;
        return tag;
    }

    private long offset() {
        return switch (random.nextInt(10)) {
            case 0 -> random.nextLong();                      // anywhere, negative included
            case 1 -> volumeSize - random.nextInt(8192);      // straddling the end
            case 2 -> Long.MAX_VALUE - random.nextInt(4096);  // overflow bait
            default -> (long) random.nextInt((int) Math.min(Integer.MAX_VALUE, volumeSize / 512)) * 512;
        };
    }

    private int ioLength() {
        return switch (random.nextInt(10)) {
            case 0 -> random.nextInt();
            case 1 -> 0;
            default -> 512 * (1 + random.nextInt(8));
        };
    }

    private byte[] authStart() {
        return concat(u32(random.nextInt(3) == 0 ? random.nextInt() : 200), string(randomName()), bytes(32));
    }

    private String randomName() {
        String[] names = {"oracle", "S10_oracle", "", "../etc/passwd", "x".repeat(1 + random.nextInt(1024)),
                "big-2", "fuzzer", "\u00e9t\u00e9"};
        return names[random.nextInt(names.length)];
    }

    byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    private static byte[] string(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        return concat(new byte[] {(byte) (utf8.length >>> 8), (byte) utf8.length}, utf8);
    }

    private static byte[] u32(int v) {
        return ByteBuffer.allocate(4).putInt(v).array();
    }

    private static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) {
            n += p.length;
        }
        ByteBuffer b = ByteBuffer.allocate(n);
        for (byte[] p : parts) {
            b.put(p);
        }
        return b.array();
    }

    static int crc(byte[] bytes, int from, int length) {
        CRC32C c = new CRC32C();
        c.update(bytes, from, length);
        return (int) c.getValue();
    }
}
