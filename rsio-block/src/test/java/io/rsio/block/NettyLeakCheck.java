package io.rsio.block;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class if Netty's leak detector (paranoid in tests) reports a buffer that was
 * never released. Leaks are only noticed after the buffer is garbage-collected and another
 * buffer is allocated, so after the class this forces a few collections and allocations.
 */
public final class NettyLeakCheck implements BeforeAllCallback, AfterAllCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(NettyLeakCheck.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        context.getStore(NS).put("capture", LogCapture.of("io.netty.util.ResourceLeakDetector", Level.ERROR));
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        try (LogCapture capture = context.getStore(NS).remove("capture", LogCapture.class)) {
            for (int round = 0; round < 3; round++) {
                System.gc();
                Thread.sleep(50);
                for (int i = 0; i < 64; i++) {
                    ByteBuf b = ByteBufAllocator.DEFAULT.buffer(64);
                    b.release();
                }
            }
            List<String> leaks = capture.messages(Level.ERROR);
            assertEquals(List.of(), leaks, "Netty reported leaked buffers");
        }
    }
}
