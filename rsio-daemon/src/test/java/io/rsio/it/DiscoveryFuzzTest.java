package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.wire.discovery.DiscoveryCodec;
import io.rsio.wire.discovery.DiscoveryMessage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * rssrv's discovery port (UDP, docs/PROTOCOL.md §6) under fuzzing: random, mutated, truncated and
 * oversized datagrams plus floods of valid DISCOVERs from eight source addresses, bounded by
 * count and time. rssrv must stay up with bounded memory and leak-free, a verified I/O session
 * beside it must go on undisturbed, no answer may be larger than the DISCOVER it answers (so the
 * bytes answered never exceed the bytes received), and answers must respect the rate limits
 * (per source 5 at once + 2/s, in total 50 at once + 20/s).
 */
@FaultSuite
class DiscoveryFuzzTest {
    static final int DATAGRAMS = Integer.getInteger("rsio.discovery.fuzz.datagrams", 200_000);
    static final long LIMIT_NANOS = Long.getLong("rsio.discovery.fuzz.seconds", 20) * 1_000_000_000L;
    static final int SOURCES = 8;

    @TempDir
    Path dir;

    @Test
    void fuzzedAndFloodedDiscoveryPortNeitherHurtsNorAmplifies() throws Exception {
        SplittableRandom random = new SplittableRandom(Long.getLong("rsio.discovery.fuzz.seed", System.nanoTime()));
        try (TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", 8)) {
            cluster.startServerWithJvmOptions(List.of("-Xmx96m", "-XX:MaxDirectMemorySize=128m",
                    "-Dio.netty.leakDetection.level=paranoid"));
            InetSocketAddress target = new InetSocketAddress(InetAddress.getByName("127.0.0.1"), cluster.port);
            List<DatagramChannel> sources = new ArrayList<>();
            try (VerifiedSession good = new VerifiedSession(cluster.port, "big-2", "0xbig2", "oracle", 8 << 20)) {
                for (int i = 0; i < SOURCES; i++) {
                    DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
                    ch.bind(new InetSocketAddress(InetAddress.getByName("127.0.0." + (10 + i)), 0));
                    ch.configureBlocking(false);
                    sources.add(ch);
                }
                Thread.sleep(1000); // warm-up before the baseline
                long rssBefore = ProcStats.rssKib(cluster.serverPid());
                long rssMax = rssBefore;
                Map<Long, Integer> requestSize = new HashMap<>();
                long[] answersPerSource = new long[SOURCES];
                long bytesSent = 0;
                long bytesAnswered = 0;
                long answers = 0;
                long validSent = 0;
                ByteBuffer in = ByteBuffer.allocate(65536);
                long dropsBefore = udpDrops(cluster.port);
                assertTrue(dropsBefore >= 0, "rssrv's discovery socket is not in /proc/net/udp");
                long lastDrops = dropsBefore;
                long start = System.nanoTime();
                int sent = 0;
                while (sent < DATAGRAMS && System.nanoTime() - start < LIMIT_NANOS) {
                    int source = random.nextInt(SOURCES);
                    byte[] datagram = datagram(random);
                    DiscoveryMessage.Discover valid = validDiscover(datagram);
                    if (valid != null) {
                        // Any of the kinds may still be valid (a flip in the padding is not, a
                        // cut one may be): what counts is what the server can decode.
                        validSent++;
                        requestSize.put(valid.nonce(), datagram.length);
                    }
                    if (sources.get(source).send(ByteBuffer.wrap(datagram), target) > 0 || datagram.length == 0) {
                        bytesSent += datagram.length;
                        sent++;
                    } else {
                        Thread.onSpinWait(); // the socket buffer is full: let the server catch up
                    }
                    if (sent % 64 == 0) {
                        // Pace to what rssrv reads: datagrams the kernel drops for a full socket
                        // buffer (about a hundred fit) never reach the code under test.
                        long drops = udpDrops(cluster.port);
                        if (drops > lastDrops) {
                            lastDrops = drops;
                            Thread.sleep(1);
                        }
                    }
                    if (sent % 256 == 0) {
                        for (int s = 0; s < SOURCES; s++) {
                            long[] got = drain(sources.get(s), in, requestSize);
                            answersPerSource[s] += got[0];
                            answers += got[0];
                            bytesAnswered += got[1];
                        }
                    }
                    if (sent % 20_000 == 0) {
                        rssMax = Math.max(rssMax, ProcStats.rssKib(cluster.serverPid()));
                    }
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                Thread.sleep(200); // answers are delayed by up to 20 ms of jitter
                for (int s = 0; s < SOURCES; s++) {
                    long[] got = drain(sources.get(s), in, requestSize);
                    answersPerSource[s] += got[0];
                    answers += got[0];
                    bytesAnswered += got[1];
                }
                rssMax = Math.max(rssMax, ProcStats.rssKib(cluster.serverPid()));
                long kernelDropped = udpDrops(cluster.port) - dropsBefore;

                assertTrue(cluster.serverAlive(), "rssrv died:\n" + cluster.log("rssrv"));
                assertTrue(bytesAnswered <= bytesSent, bytesAnswered + " bytes answered to " + bytesSent + " sent");
                for (int s = 0; s < SOURCES; s++) {
                    assertTrue(answersPerSource[s] <= 5 + 2 * seconds + 2,
                            "source " + s + " got " + answersPerSource[s] + " answers in " + seconds + " s");
                }
                assertTrue(answers <= 50 + 20 * seconds + 2, answers + " answers in " + seconds + " s");
                assertTrue(answers > 0, "the responder answered valid DISCOVERs at all");
                // A flood faster than rssrv reads is cut by the kernel (that is the point of UDP);
                // the fuzzing counts only if most of it reached rssrv's code.
                long processed = sent - kernelDropped;
                assertTrue(processed >= Math.min(sent / 2, 50_000), kernelDropped + " of " + sent
                        + " datagrams dropped by the kernel before rssrv read them");
                assertEquals(List.of(), good.failures());
                assertTrue(good.running(), "the I/O session ended");
                long rssGrowthMib = (rssMax - rssBefore) / 1024;
                assertTrue(rssGrowthMib < 64, "rssrv RSS grew by " + rssGrowthMib + " MiB");

                // After the flood a new source is answered at once: the responder still works.
                try (DatagramChannel fresh = DatagramChannel.open(StandardProtocolFamily.INET)) {
                    fresh.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.30"), 0));
                    Thread.sleep(3000); // the global bucket refills at 20/s
                    byte[] discover = DiscoveryCodec.encodeDiscover(new DiscoveryMessage.Discover(42, OptionalInt.of(200),
                            1200));
                    fresh.send(ByteBuffer.wrap(discover), target);
                    fresh.socket().setSoTimeout(3000);
                    ByteBuffer answer = ByteBuffer.allocate(2048);
                    fresh.configureBlocking(true);
                    fresh.receive(answer);
                    answer.flip();
                    DiscoveryMessage.Announce a = (DiscoveryMessage.Announce) DiscoveryCodec.decode(
                            java.util.Arrays.copyOf(answer.array(), answer.limit()), answer.limit());
                    assertEquals(42, a.nonce());
                    assertEquals("osl", a.namespaceName());
                }
                System.out.printf("[discovery-fuzz] %,d datagrams (%,d bytes, %,d valid DISCOVERs) from %d sources in "
                                + "%.1f s, %,d of them read by rssrv (the rest dropped by the kernel, buffer full): %,d answers, %,d bytes answered; "
                                + "rssrv RSS %d -> max %d MiB; good session verified %,d blocks%n", sent, bytesSent,
                        validSent, SOURCES, seconds, sent - kernelDropped, answers, bytesAnswered, rssBefore / 1024,
                        rssMax / 1024, good.verified());
            } finally {
                for (DatagramChannel ch : sources) {
                    ch.close();
                }
            }
            String log = cluster.log("rssrv");
            assertTrue(!log.contains("LEAK") && !log.contains("OutOfMemoryError"), log);
        }
    }

    /**
     * Datagrams the kernel dropped on the UDP sockets of {@code port} (the last column of
     * /proc/net/udp and udp6: Netty's epoll sockets are IPv6 sockets bound to IPv4-mapped addresses).
     */
    static long udpDrops(int port) {
        String local = String.format(":%04X", port);
        try {
            long drops = -1; // no such socket
            List<String> lines = new ArrayList<>(java.nio.file.Files.readAllLines(Path.of("/proc/net/udp")));
            if (java.nio.file.Files.exists(Path.of("/proc/net/udp6"))) {
                lines.addAll(java.nio.file.Files.readAllLines(Path.of("/proc/net/udp6")));
            }
            for (String line : lines) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 12 && f[1].endsWith(local)) {
                    drops = Math.max(drops, 0) + Long.parseLong(f[f.length - 1]);
                }
            }
            return drops;
        } catch (java.io.IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** Reads every waiting answer; returns {answers, bytes}. Checks each against its request. */
    private static long[] drain(DatagramChannel ch, ByteBuffer in, Map<Long, Integer> requestSize) throws Exception {
        long answers = 0;
        long bytes = 0;
        while (true) {
            in.clear();
            if (ch.receive(in) == null) {
                return new long[] {answers, bytes};
            }
            in.flip();
            int length = in.remaining();
            answers++;
            bytes += length;
            byte[] data = new byte[length];
            in.get(data);
            DiscoveryMessage m = DiscoveryCodec.decode(data, length);
            if (!(m instanceof DiscoveryMessage.Announce a)) {
                throw new AssertionError("answer that is no ANNOUNCE: " + m);
            }
            Integer asked = requestSize.get(a.nonce());
            if (asked == null) {
                throw new AssertionError("answer to a nonce never sent in a valid DISCOVER: " + a.nonce());
            }
            assertTrue(length <= asked, "ANNOUNCE of " + length + " bytes answered a DISCOVER of " + asked);
        }
    }

    private static DiscoveryMessage.Discover validDiscover(byte[] d) {
        try {
            return DiscoveryCodec.decode(d, d.length) instanceof DiscoveryMessage.Discover v ? v : null;
        } catch (Exception e) {
            return null;
        }
    }

    /** One datagram: valid, mutated, truncated, random, oversized or of the wrong type. */
    private static byte[] datagram(SplittableRandom random) {
        int kind = random.nextInt(10);
        int size = DiscoveryCodec.MIN_REQUEST_SIZE + random.nextInt(DiscoveryCodec.MAX_DATAGRAM_SIZE
                - DiscoveryCodec.MIN_REQUEST_SIZE + 1);
        long nonce = random.nextLong();
        OptionalInt namespace = random.nextInt(4) == 0 ? OptionalInt.empty() : OptionalInt.of(random.nextInt(3) == 0
                ? random.nextInt(1 << 20) : 200);
        byte[] valid = DiscoveryCodec.encodeDiscover(new DiscoveryMessage.Discover(nonce, namespace, size));
        return switch (kind) {
            case 0, 1 -> valid;
            case 2, 3 -> { // a few flipped bits
                for (int i = 1 + random.nextInt(4); i > 0; i--) {
                    int at = random.nextInt(random.nextBoolean() ? 20 : valid.length);
                    valid[at] ^= (byte) (1 << random.nextInt(8));
                }
                yield valid;
            }
            case 4 -> java.util.Arrays.copyOf(valid, random.nextInt(valid.length)); // truncated
            case 5 -> { // random bytes behind a valid magic
                byte[] d = new byte[random.nextInt(DiscoveryCodec.MAX_DATAGRAM_SIZE + 1)];
                random.nextBytes(d);
                if (d.length >= 4) {
                    ByteBuffer.wrap(d).putInt(DiscoveryCodec.MAGIC);
                }
                yield d;
            }
            case 6 -> { // oversized: past 1472 bytes, up to 8 KiB
                yield java.util.Arrays.copyOf(valid, DiscoveryCodec.MAX_DATAGRAM_SIZE + 1 + random.nextInt(7000));
            }
            case 7 -> { // an ANNOUNCE sent to the server, or another type
                valid[5] = (byte) random.nextInt(256);
                yield valid;
            }
            case 8 -> { // a short header-only or empty datagram
                yield java.util.Arrays.copyOf(valid, random.nextInt(24));
            }
            default -> { // pure noise
                byte[] d = new byte[random.nextInt(2048)];
                random.nextBytes(d);
                yield d;
            }
        };
    }
}
