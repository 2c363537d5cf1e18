package io.rsio.it;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

/**
 * NBD frames for fuzzing rsiod's export (the NBD protocol's fixed-newstyle handshake and
 * transmission), from a seeded random source: options and requests with random values that
 * keep the connection up, and ones that break a rule so the server must close it.
 */
final class NbdFuzzFrames {
    private final SplittableRandom random;
    private final long exportSize;

    NbdFuzzFrames(long seed, long exportSize) {
        this.random = new SplittableRandom(seed);
        this.exportSize = exportSize;
    }

    SplittableRandom random() {
        return random;
    }

    /** An option with random number and a small random payload (never GO, EXPORT_NAME or ABORT). */
    byte[] option() {
        int[] options = {3, 5, 6, 8, 9, 10, 11, 12, 42, random.nextInt()};
        int option = options[random.nextInt(options.length)];
        byte[] data = switch (random.nextInt(4)) {
            case 0 -> new byte[0];
            case 1 -> infoPayload(random.nextBoolean() ? "S10_oracle" : randomName());
            default -> bytes(random.nextInt(64));
        };
        if (option == 6 && random.nextBoolean()) {
            data = infoPayload(randomName()); // INFO about an export that does not exist
        }
        return option(option, data);
    }

    static byte[] option(int option, byte[] data) {
        return ByteBuffer.allocate(16 + data.length).putLong(NbdTestClient.IHAVEOPT).putInt(option)
                .putInt(data.length).put(data).array();
    }

    /** An option header that lies: a wrong magic, or a length the server will not read. */
    byte[] brokenOption() {
        if (random.nextBoolean()) {
            return ByteBuffer.allocate(16).putLong(random.nextLong()).putInt(3).putInt(0).array();
        }
        return ByteBuffer.allocate(16).putLong(NbdTestClient.IHAVEOPT).putInt(random.nextInt(12))
                .putInt((16 << 20) + 1 + random.nextInt(1 << 30)).array();
    }

    /** A transmission request with random type, flags, range and length (never DISC). */
    byte[] request() {
        int[] types = {0, 1, 3, 4, 5, 6, 7, 0, 1, 99};
        int type = types[random.nextInt(types.length)];
        int flags = random.nextInt(8) == 0 ? random.nextInt(1 << 16) : random.nextInt(32);
        long offset = switch (random.nextInt(8)) {
            case 0 -> random.nextLong();
            case 1 -> exportSize - random.nextInt(8192);
            default -> (long) random.nextInt((int) (exportSize / 512)) * 512;
        };
        int length = switch (random.nextInt(8)) {
            case 0 -> random.nextInt();
            case 1 -> random.nextInt(4096);
            default -> 512 * (1 + random.nextInt(8));
        };
        if (type == 1) {
            length = Math.floorMod(length, 8192); // WRITE payloads stay small; the server reads them
        }
        ByteBuffer b = ByteBuffer.allocate(28 + (type == 1 ? length : 0));
        b.putInt(NbdTestClient.REQUEST_MAGIC).putShort((short) flags).putShort((short) type)
                .putLong(random.nextLong()).putLong(offset).putInt(length);
        if (type == 1) {
            b.put(bytes(length));
        }
        return b.array();
    }

    /** A request that breaks the protocol: wrong magic, or a WRITE longer than 32 MiB. */
    byte[] brokenRequest() {
        ByteBuffer b = ByteBuffer.allocate(28);
        if (random.nextBoolean()) {
            b.putInt(random.nextInt() | 1).putShort((short) 0).putShort((short) 0).putLong(1).putLong(0).putInt(512);
        } else {
            b.putInt(NbdTestClient.REQUEST_MAGIC).putShort((short) 0).putShort((short) 1).putLong(1).putLong(0)
                    .putInt((32 << 20) + 1 + random.nextInt(1 << 20));
        }
        return b.array();
    }

    private byte[] infoPayload(String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        int infos = random.nextInt(3);
        ByteBuffer b = ByteBuffer.allocate(4 + n.length + 2 + 2 * infos).putInt(n.length).put(n).putShort((short) infos);
        for (int i = 0; i < infos; i++) {
            b.putShort((short) random.nextInt(5));
        }
        return b.array();
    }

    private String randomName() {
        String[] names = {"", "oracle", "nope", "../../etc/shadow", "x".repeat(random.nextInt(5000))};
        return names[random.nextInt(names.length)];
    }

    byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
