package io.rsio.server.qos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The bucket's arithmetic, on a clock the test gives: what the limit means for a stream of requests. */
class TokenBucketTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void requestsBeyondTheBurstWaitTheirShareOfASecond() {
        TokenBucket bucket = new TokenBucket(1000);
        long t = 5 * SECOND;
        // 50 ms of tokens are saved up: the first 50 bytes go at once.
        assertEquals(0, bucket.take(50, t));
        assertEquals(SECOND - TokenBucket.BURST_NANOS + 0, bucket.take(950, t) + 0);
        assertEquals(2 * SECOND - TokenBucket.BURST_NANOS, bucket.take(1000, t));
    }

    @Test
    void aLongRunAtTheLimitMovesExactlyRateBytesASecond() {
        TokenBucket bucket = new TokenBucket(1 << 20);
        long t = 0;
        long moved = 0;
        // A greedy client: each request starts when the previous one's wait is over.
        while (t < 10 * SECOND) {
            t += bucket.take(128 << 10, t);
            moved += 128 << 10;
        }
        // Ten seconds at 1 MiB/s, plus the 50 ms burst and the one request in progress at most.
        long expected = 10L << 20;
        long slack = (1 << 20) / 20 + (128 << 10);
        assertEquals(expected, moved, slack);
    }

    @Test
    void idleTimeSavesNoMoreThanTheBurst() {
        TokenBucket bucket = new TokenBucket(1000);
        bucket.take(1000, 0);
        // An hour later only 50 ms (50 bytes) of credit is left over.
        long hour = 3600 * SECOND;
        assertEquals(0, bucket.take(50, hour));
        assertEquals(SECOND / 1000, bucket.take(1, hour));
    }

    @Test
    void aClientsOwnLimitAndTheVolumesBothApply() {
        VolumeGate gate = new VolumeGate();
        gate.limit(java.util.List.of(new io.rsio.wire.message.VolumeLimit("", 0, 1000),
                new io.rsio.wire.message.VolumeLimit("big-3", 1000, 0)));
        var loop = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        try {
            // big-2 is only under the volume's 1000 IOPS: 50 requests of burst go at once.
            assertEquals(true, gate.admit("big-2", 1 << 20, loop, () -> {}));
            // big-3's 1000 B/s cannot carry 1 MiB at once: it waits, and that is counted.
            assertEquals(false, gate.admit("big-3", 1 << 20, loop, () -> {}));
            assertEquals(1, gate.throttledRequests());
            assertEquals(2, gate.limits().size());
            gate.limit(java.util.List.of());
            assertEquals(true, gate.admit("big-3", 1 << 20, loop, () -> {}));
        } finally {
            loop.shutdownNow();
        }
    }
}
