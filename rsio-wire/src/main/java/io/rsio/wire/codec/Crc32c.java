package io.rsio.wire.codec;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C of a byte range of a ByteBuf without copying it: the JDK's intrinsic works on the
 * buffer's own memory through {@code internalNioBuffer} (a view the buffer keeps and reuses, so
 * a header's digest allocates nothing) or {@code nioBuffers}. One instance per handler (not thread
 * safe).
 */
final class Crc32c {
    private final CRC32C crc = new CRC32C();

    int of(ByteBuf buf, int index, int length) {
        crc.reset();
        int count = buf.nioBufferCount();
        if (count == 1) {
            crc.update(buf.internalNioBuffer(index, length));
        } else if (count > 1) {
            for (ByteBuffer part : buf.nioBuffers(index, length)) {
                crc.update(part);
            }
        } else {
            // A buffer with no NIO view (rare custom implementations): copy in small chunks.
            byte[] chunk = new byte[Math.min(length, 8192)];
            for (int done = 0; done < length; ) {
                int n = Math.min(chunk.length, length - done);
                buf.getBytes(index + done, chunk, 0, n);
                crc.update(chunk, 0, n);
                done += n;
            }
        }
        return (int) crc.getValue();
    }
}
