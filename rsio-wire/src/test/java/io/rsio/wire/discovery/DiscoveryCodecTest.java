package io.rsio.wire.discovery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class DiscoveryCodecTest {
    private static final DiscoveryMessage.Announce SEED = new DiscoveryMessage.Announce(0x0102030405060708L, "osl",
            200, "big-9", 1, List.of(new DiscoveryMessage.ServerInterface("198.18.45.10", 5000, "tcp", 1500, 1000),
                    new DiscoveryMessage.ServerInterface("198.18.46.10", 5000, "tcp", 9000, 0)));

    @Test
    void discoverRoundTripsAndIsPadded() throws Exception {
        DiscoveryMessage.Discover d = DiscoveryMessage.Discover.of(42, OptionalInt.of(200));
        byte[] bytes = DiscoveryCodec.encodeDiscover(d);
        assertEquals(DiscoveryCodec.MIN_REQUEST_SIZE, bytes.length);
        assertEquals(d, DiscoveryCodec.decode(bytes, bytes.length));
        DiscoveryMessage.Discover any = new DiscoveryMessage.Discover(-1, OptionalInt.empty(), 1400);
        byte[] anyBytes = DiscoveryCodec.encodeDiscover(any);
        assertEquals(any, DiscoveryCodec.decode(anyBytes, anyBytes.length));
    }

    @Test
    void discoverTestVector() {
        byte[] bytes = DiscoveryCodec.encodeDiscover(DiscoveryMessage.Discover.of(0x0102030405060708L, OptionalInt.of(200)));
        assertEquals("52534944010100010102030405060708000000c8", HexFormat.of().formatHex(bytes, 0, 20));
        for (int i = 20; i < bytes.length; i++) {
            assertEquals(0, bytes[i], "padding byte " + i);
        }
    }

    @Test
    void announceTestVector() throws Exception {
        byte[] bytes = DiscoveryCodec.encodeAnnounce(new DiscoveryMessage.Announce(7, "osl", 200, "big-9", 1,
                List.of(new DiscoveryMessage.ServerInterface("127.0.0.1", 5000, "tcp", 65536, 0))),
                DiscoveryCodec.MIN_REQUEST_SIZE);
        assertEquals("5253494401020000" + "0000000000000007" + "000000c8" + "036f736c" + "00000001"
                + "056269672d39" + "01" + "093132372e302e302e31" + "1388" + "03746370" + "00010000" + "00000000",
                HexFormat.of().formatHex(bytes));
    }

    @Test
    void announceRoundTrips() throws Exception {
        byte[] bytes = DiscoveryCodec.encodeAnnounce(SEED, DiscoveryCodec.MIN_REQUEST_SIZE);
        assertEquals(SEED, DiscoveryCodec.decode(bytes, bytes.length));
    }

    @Test
    void announceOfTheLargestValidConfigFitsTheSmallestRequest() {
        // 64-character names (the config limit), 8 interfaces with long IPv6 addresses.
        String name = "n".repeat(64);
        List<DiscoveryMessage.ServerInterface> interfaces = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            interfaces.add(new DiscoveryMessage.ServerInterface("fe80:1234:5678:9abc:def0:1234:5678:9ab" + i
                    + "%" + "e".repeat(32), 65535, "tcp", Integer.MAX_VALUE, Integer.MAX_VALUE));
        }
        byte[] bytes = DiscoveryCodec.encodeAnnounce(new DiscoveryMessage.Announce(1, name, Integer.MAX_VALUE, name,
                Integer.MAX_VALUE, interfaces), DiscoveryCodec.MIN_REQUEST_SIZE);
        assertTrue(bytes.length <= DiscoveryCodec.MIN_REQUEST_SIZE, bytes.length + " bytes");
    }

    @Property(tries = 200)
    void anAnnounceIsNeverLargerThanTheRequestItAnswers(@ForAll @IntRange(min = 1, max = 8) int count,
                                                        @ForAll @IntRange(min = 0, max = 255) int nameLength,
                                                        @ForAll @IntRange(min = 0, max = 1472) int limit) {
        List<DiscoveryMessage.ServerInterface> interfaces = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            interfaces.add(new DiscoveryMessage.ServerInterface("2001:db8::" + i, 5000, "tcp", 1500, 10000));
        }
        DiscoveryMessage.Announce a = new DiscoveryMessage.Announce(1, "x".repeat(nameLength), 1, "y".repeat(nameLength),
                2, interfaces);
        try {
            byte[] bytes = DiscoveryCodec.encodeAnnounce(a, limit);
            assertTrue(bytes.length <= limit, bytes.length + " > " + limit);
        } catch (IllegalArgumentException refused) {
            assertTrue(refused.getMessage().contains("larger than"), refused.getMessage());
        }
    }

    @Test
    void everyTruncationOfAnAnnounceIsRefused() {
        byte[] bytes = DiscoveryCodec.encodeAnnounce(SEED, DiscoveryCodec.MIN_REQUEST_SIZE);
        for (int n = 0; n < bytes.length; n++) {
            int length = n;
            assertThrows(DiscoveryFormatException.class, () -> DiscoveryCodec.decode(Arrays.copyOf(bytes, length), length),
                    "truncated to " + n);
        }
    }

    @Test
    void trailingBytesAfterAnAnnounceAreRefused() {
        byte[] bytes = DiscoveryCodec.encodeAnnounce(SEED, DiscoveryCodec.MIN_REQUEST_SIZE);
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        assertThrows(DiscoveryFormatException.class, () -> DiscoveryCodec.decode(longer, longer.length));
    }

    @Test
    void shortOrDirtyRequestsAreRefused() {
        byte[] full = DiscoveryCodec.encodeDiscover(DiscoveryMessage.Discover.of(1, OptionalInt.empty()));
        // An unpadded DISCOVER would let an answer amplify it: never answered.
        assertThrows(DiscoveryFormatException.class, () -> DiscoveryCodec.decode(full, 20));
        assertThrows(DiscoveryFormatException.class, () -> DiscoveryCodec.decode(full, DiscoveryCodec.MIN_REQUEST_SIZE - 1));
        byte[] dirty = full.clone();
        dirty[700] = 1;
        assertThrows(DiscoveryFormatException.class, () -> DiscoveryCodec.decode(dirty, dirty.length));
        byte[] tooBig = new byte[DiscoveryCodec.MAX_DATAGRAM_SIZE + 1];
        System.arraycopy(full, 0, tooBig, 0, full.length);
        assertThrows(DiscoveryFormatException.class, () -> DiscoveryCodec.decode(tooBig, tooBig.length));
    }

    @Test
    void headerFieldsAreChecked() {
        byte[] full = DiscoveryCodec.encodeDiscover(DiscoveryMessage.Discover.of(1, OptionalInt.empty()));
        for (int[] change : new int[][] {{0, 0x00}, {4, 2}, {5, 9}, {7, 0x02}, {19, 5}}) {
            byte[] bad = full.clone();
            bad[change[0]] = (byte) change[1];
            assertThrows(DiscoveryFormatException.class, () -> DiscoveryCodec.decode(bad, bad.length),
                    "byte " + change[0] + " = " + change[1]);
        }
    }

    @Test
    void lyingLengthsAndBadFieldsInAnAnnounceAreRefused() {
        byte[] good = DiscoveryCodec.encodeAnnounce(SEED, DiscoveryCodec.MIN_REQUEST_SIZE);
        int nameLength = 20; // offset of the namespace name's length byte
        byte[] longName = good.clone();
        longName[nameLength] = (byte) 250;
        assertThrows(DiscoveryFormatException.class, () -> DiscoveryCodec.decode(longName, longName.length));
        int count = 20 + 1 + 3 + 4 + 1 + 5;
        assertEquals(2, good[count]);
        for (int bad : new int[] {0, 9, 255}) {
            byte[] b = good.clone();
            b[count] = (byte) bad;
            assertThrows(DiscoveryFormatException.class, () -> DiscoveryCodec.decode(b, b.length), "count " + bad);
        }
        byte[] hostName = DiscoveryCodec.encodeAnnounce(new DiscoveryMessage.Announce(1, "osl", 1, "s", 1,
                List.of(new DiscoveryMessage.ServerInterface("example.org", 5000, "tcp", 0, 0))), 1200);
        assertThrows(DiscoveryFormatException.class, () -> DiscoveryCodec.decode(hostName, hostName.length));
        byte[] badUtf8 = good.clone();
        badUtf8[nameLength + 1] = (byte) 0xff;
        assertThrows(DiscoveryFormatException.class, () -> DiscoveryCodec.decode(badUtf8, badUtf8.length));
    }

    @Property(tries = 500)
    void randomBytesNeverThrowAnythingButAFormatError(@ForAll byte[] random) {
        byte[] data = random.clone();
        if (data.length >= 4) {
            data[0] = 0x52; data[1] = 0x53; data[2] = 0x49; data[3] = 0x44;
        }
        if (data.length >= 6) {
            data[4] = 1;
            data[5] = (byte) (data[5] & 1) == 0 ? (byte) 2 : (byte) 1;
        }
        try {
            DiscoveryCodec.decode(data, data.length);
        } catch (DiscoveryFormatException expected) {
            // fine: refused with a reason
        }
    }

    @Test
    void randomAnnounceMutationsNeverEscapeAsOtherExceptions() {
        byte[] good = DiscoveryCodec.encodeAnnounce(SEED, DiscoveryCodec.MIN_REQUEST_SIZE);
        java.util.Random random = new java.util.Random(5);
        for (int i = 0; i < 5000; i++) {
            byte[] b = good.clone();
            b[8 + random.nextInt(b.length - 8)] = (byte) random.nextInt(256);
            try {
                DiscoveryCodec.decode(b, b.length);
            } catch (DiscoveryFormatException expected) {
                // refused
            }
        }
        assertArrayEquals(good, DiscoveryCodec.encodeAnnounce(SEED, DiscoveryCodec.MIN_REQUEST_SIZE));
    }
}
