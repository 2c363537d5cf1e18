package io.rsio.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.Unpooled;
import io.rsio.block.Errno;
import io.rsio.server.store.VolumeGeometry;
import io.rsio.wire.message.Request;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class BlockRequestCheckTest {
    private static final int MAX_PAYLOAD = 4 << 20;
    private static final VolumeGeometry ORACLE = new VolumeGeometry("oracle", 1 << 20, 512, false);
    private static final VolumeGeometry LOGS = new VolumeGeometry("logs", 1 << 20, 512, true);

    private static Optional<BlockRequestCheck.Refusal> check(Request r, VolumeGeometry v) {
        return BlockRequestCheck.check(r, v, MAX_PAYLOAD);
    }

    @Test
    void requestsInsideTheVolumeGoThrough() {
        assertEquals(Optional.empty(), check(new Request.Read(1, 1, 0, 1 << 20), ORACLE));
        assertEquals(Optional.empty(), check(new Request.Write(2, 1, 4096, false, Unpooled.wrappedBuffer(new byte[512])), ORACLE));
        assertEquals(Optional.empty(), check(new Request.Discard(3, 1, 0, 1 << 20), ORACLE));
        assertEquals(Optional.empty(), check(new Request.Flush(4, 1), LOGS));
        assertEquals(Optional.empty(), check(new Request.Read(5, 1, 0, 4096), LOGS), "reading a read-only volume");
    }

    @Test
    void aReadLongerThanThePayloadOrPastTheEndIsRefusedBeforeAnyBufferExists() {
        BlockRequestCheck.Refusal huge = check(new Request.Read(1, 1, 0, MAX_PAYLOAD + 1), ORACLE).orElseThrow();
        assertEquals(Errno.EINVAL, huge.status());
        assertEquals("READ of 4194305 bytes at 0: the length must be 1..4194304 and the range inside volume oracle"
                + " (1048576 bytes)", huge.reason());
        assertEquals(Errno.EINVAL, check(new Request.Read(2, 1, (1 << 20) - 512, 1024), ORACLE).orElseThrow().status());
        assertEquals(Errno.EINVAL, check(new Request.Read(3, 1, Long.MAX_VALUE, 512), ORACLE).orElseThrow().status());
        assertEquals(Errno.EINVAL, check(new Request.Read(4, 1, 0, 0), ORACLE).orElseThrow().status());
    }

    @Test
    void changesToAReadOnlyVolumeAndRangesPastTheEndAreRefused() {
        var data = Unpooled.wrappedBuffer(new byte[512]);
        BlockRequestCheck.Refusal readOnly = check(new Request.Write(1, 1, 0, false, data), LOGS).orElseThrow();
        assertEquals(Errno.EROFS, readOnly.status());
        assertTrue(readOnly.reason().contains("volume logs is read-only"), readOnly.reason());
        assertEquals(Errno.EROFS, check(new Request.WriteZeroes(2, 1, 0, 512, false), LOGS).orElseThrow().status());
        BlockRequestCheck.Refusal past = check(new Request.Discard(3, 1, 1 << 20, 512), ORACLE).orElseThrow();
        assertEquals(Errno.EINVAL, past.status());
        assertTrue(past.reason().contains("beyond the end of volume oracle"), past.reason());
        assertEquals(Errno.EINVAL, check(new Request.Write(4, 1, -512, false, data), ORACLE).orElseThrow().status());
    }
}
