package io.rsio.it;

import io.netty.buffer.Unpooled;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A well-behaved RSIO session that keeps writing random 4 KiB blocks and reading each back,
 * comparing the bytes, on its own thread: the witness that other sessions are unaffected by
 * whatever a test throws at the server. Every failure and the slowest round trip are kept.
 */
final class VerifiedSession implements AutoCloseable {
    private final RawRsioClient client;
    private final int handle;
    private final long blocks;
    private final Thread thread;
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private volatile boolean stopping;
    private volatile long verified;
    private volatile long slowestNanos;

    VerifiedSession(int port, String node, String key, String volume, long volumeSize) throws Exception {
        client = RawRsioClient.connect(port);
        Reply login = client.login(200, node, key);
        if (!(login instanceof Reply.AuthAccepted)) {
            throw new AssertionError("good session not logged in: " + login);
        }
        Reply opened = client.open(volume);
        if (!(opened instanceof Reply.Opened o)) {
            throw new AssertionError("good session could not open " + volume + ": " + opened);
        }
        handle = o.handle();
        blocks = volumeSize / 4096;
        thread = Thread.ofPlatform().daemon().name("verified-session").start(this::run);
    }

    private void run() {
        SplittableRandom random = new SplittableRandom(1);
        byte[] data = new byte[4096];
        while (!stopping && failures.isEmpty()) {
            try {
                long offset = random.nextLong(blocks) * 4096;
                random.nextBytes(data);
                long start = System.nanoTime();
                Reply w = client.call(new Request.Write(client.tag(), handle, offset, false,
                        Unpooled.wrappedBuffer(data.clone())));
                if (!(w instanceof Reply.Done)) {
                    failures.add("write at " + offset + ": " + w);
                    break;
                }
                Reply r = client.call(new Request.Read(client.tag(), handle, offset, 4096));
                if (!(r instanceof Reply.ReadData rd)) {
                    failures.add("read at " + offset + ": " + r);
                    break;
                }
                if (!Arrays.equals(data, RawRsioClient.bytesOf(rd))) {
                    failures.add("read at " + offset + " returned other bytes than written");
                }
                slowestNanos = Math.max(slowestNanos, System.nanoTime() - start);
                verified++;
            } catch (Exception | AssertionError e) {
                if (!stopping) {
                    failures.add(e.toString());
                }
                break;
            }
        }
    }

    long verified() {
        return verified;
    }

    long slowestMillis() {
        return slowestNanos / 1_000_000;
    }

    List<String> failures() {
        return failures;
    }

    boolean running() {
        return thread.isAlive();
    }

    @Override
    public void close() throws Exception {
        stopping = true;
        thread.join(15_000);
        client.close();
    }
}
