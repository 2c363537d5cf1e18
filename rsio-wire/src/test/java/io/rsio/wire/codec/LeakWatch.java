package io.rsio.wire.codec;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Turns Netty's leak reports (paranoid level in tests) into test failures. A leak is only seen
 * after the leaked buffer is garbage collected and another buffer is allocated, so
 * {@link #assertNoLeaks()} runs a few GC-and-allocate rounds before it looks.
 */
final class LeakWatch {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    static {
        ByteBufUtil.setLeakListener((type, records) -> LEAKS.add(type + ": " + records));
    }

    private LeakWatch() {}

    static void start() {
        // Loading the class installs the listener.
    }

    static void assertNoLeaks() throws InterruptedException {
        for (int round = 0; round < 3 && LEAKS.isEmpty(); round++) {
            System.gc();
            Thread.sleep(20);
            for (int i = 0; i < 64; i++) {
                ByteBuf probe = ByteBufAllocator.DEFAULT.buffer(16);
                probe.release();
            }
        }
        assertTrue(LEAKS.isEmpty(), () -> "leaked buffers:\n" + String.join("\n", LEAKS));
    }
}
