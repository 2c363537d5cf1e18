package io.rsio.nativeio.fuse;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;

/**
 * Where replies go: the {@code /dev/fuse} descriptor a request was read from (replies must go
 * back on the same one), or a test's collector. Both methods may be called from any thread;
 * each reply is one write.
 */
public interface FuseReplySink {
    /** Sends the first {@code length} bytes of {@code reply} (header and structure). */
    void send(MemorySegment reply, int length);

    /** Sends a success header for {@code unique} followed by {@code data}'s readable bytes; does not release it. */
    void sendData(long unique, ByteBuf data);
}
