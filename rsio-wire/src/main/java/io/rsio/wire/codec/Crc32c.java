package io.rsio.wire.codec;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * CRC32C of a byte range of a ByteBuf: the JDK's intrinsic works on the buffer's own memory
 * through {@code internalNioBuffer} or {@code nioBuffers}; a short range (a header) is copied
 * into an array kept for that, since a view may be a new object per call. One instance per
 * handler (not thread safe).
 */
final class Crc32c {
    /** Ranges up to this long (a frame header's 40 bytes) are copied rather than viewed. */
    private static final int SMALL = 64;

    private final CRC32C crc = new CRC32C();
    private final byte[] small = new byte[SMALL];

    int of(ByteBuf buf, int index, int length) {
        crc.reset();
        if (length <= SMALL) {
            // Two header digests per request: a view of a pooled buffer allocates a ByteBuffer
            // (Netty's adaptive allocator slices its chunk), copying 40 bytes allocates nothing.
            buf.getBytes(index, small, 0, length);
            crc.update(small, 0, length);
            return (int) crc.getValue();
        }
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
