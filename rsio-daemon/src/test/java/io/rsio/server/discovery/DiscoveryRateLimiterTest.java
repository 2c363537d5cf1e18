package io.rsio.server.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DiscoveryRateLimiterTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final DiscoveryRateLimiter limiter = new DiscoveryRateLimiter(2, 5, 20, 50, now::get);

    private static InetAddress host(int n) throws Exception {
        return InetAddress.ofLiteral("198.18.0." + n);
    }

    private int allowed(InetAddress source, int attempts) {
        int n = 0;
        for (int i = 0; i < attempts; i++) {
            if (limiter.allow(source)) {
                n++;
            }
        }
        return n;
    }

    @Test
    void oneSourceGetsItsBurstThenItsRate() throws Exception {
        assertEquals(5, allowed(host(1), 100));
        now.addAndGet(1_000_000_000L);
        assertEquals(2, allowed(host(1), 100), "2 per second after the burst");
        now.addAndGet(500_000_000L);
        assertEquals(1, allowed(host(1), 100));
    }

    @Test
    void sourcesAreLimitedSeparately() throws Exception {
        assertEquals(5, allowed(host(1), 100));
        assertTrue(limiter.allow(host(2)), "a flood from one source does not silence another");
    }

    @Test
    void manySourcesTogetherMeetTheTotalLimit() throws Exception {
        int total = 0;
        for (int i = 1; i <= 200; i++) {
            total += allowed(host(i % 250), 1);
        }
        assertEquals(50, total, "the total burst");
        now.addAndGet(1_000_000_000L);
        int more = 0;
        for (int i = 1; i <= 200; i++) {
            more += limiter.allow(InetAddress.ofLiteral("198.19.0." + (i % 250))) ? 1 : 0;
        }
        assertEquals(20, more, "20 per second in all");
    }

    @Test
    void aSourceRefusedByTheTotalLimitKeepsItsOwnToken() throws Exception {
        for (int i = 1; i <= 50; i++) {
            limiter.allow(host(i));
        }
        assertFalse(limiter.allow(host(100)));
        now.addAndGet(50_000_000L); // one total token back
        assertTrue(limiter.allow(host(100)));
    }

    @Test
    void theSourceTableIsBounded() throws Exception {
        for (int i = 0; i < DiscoveryRateLimiter.MAX_SOURCES + 100; i++) {
            limiter.allow(InetAddress.ofLiteral("10.%d.%d.1".formatted(i / 256, i % 256)));
        }
        assertEquals(DiscoveryRateLimiter.MAX_SOURCES, limiter.trackedSources());
    }
}
