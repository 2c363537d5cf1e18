package io.rsio.nativeio.fuse;

import static io.rsio.nativeio.fuse.FuseAbi.*;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;

/**
 * One FUSE-over-io_uring ring entry: a header buffer ({@code fuse_uring_req_header}) and a
 * payload buffer registered with the kernel. The kernel writes one request into them and
 * completes the entry's command; the reply goes into the same buffers (header into
 * {@code in_out}, the rest into the payload) and the entry is committed, which also makes it
 * wait for the next request. So the entry is the reply sink of the request it carries; a
 * reply may be written from any thread, the commit is then queued to the entry's ring thread.
 */
final class FuseRingEntry implements FuseReplySink {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;

    final int index;
    /** fuse_uring_req_header, and behind it the two iovecs that register it with the payload. */
    final MemorySegment header;
    final MemorySegment iovecs;
    final MemorySegment payload;
    private final ByteBuffer payloadBuffer;
    private final FuseRingQueue queue;
    /** The request this entry carries (its commit id), 0 while the kernel holds the entry. */
    private long unique;

    FuseRingEntry(int index, MemorySegment header, MemorySegment iovecs, MemorySegment payload, FuseRingQueue queue) {
        this.index = index;
        this.header = header;
        this.iovecs = iovecs;
        this.payload = payload;
        this.payloadBuffer = payload.asByteBuffer();
        this.queue = queue;
        iovecs.set(ValueLayout.JAVA_LONG, 0, header.address());
        iovecs.set(ValueLayout.JAVA_LONG, 8, URING_HEADER_SIZE);
        iovecs.set(ValueLayout.JAVA_LONG, 16, payload.address());
        iovecs.set(ValueLayout.JAVA_LONG, 24, payload.byteSize());
    }

    /** Decodes the request the kernel just put into this entry. */
    FuseRequest request() throws FuseProtocolException {
        long payloadSize = Integer.toUnsignedLong(header.get(U32, URING_PAYLOAD_SIZE_OFFSET));
        FuseRequest request = FuseRequestDecoder.decodeRing(header.asSlice(URING_IN_OUT_OFFSET, IN_HEADER_SIZE),
                header.asSlice(URING_OP_IN_OFFSET, URING_OP_IN_SIZE), payload, payloadSize);
        unique = request.unique();
        return request;
    }

    /** The unique id of the request being answered: what the commit names. */
    long commitId() {
        return unique;
    }

    /** Unique id of a request whose header could be read, for an EIO answer to a malformed one. */
    void answering(long requestUnique) {
        unique = requestUnique;
    }

    @Override
    public void send(MemorySegment reply, int length) {
        int body = length - OUT_HEADER_SIZE;
        if (body < 0 || body > payload.byteSize()) {
            throw new IllegalArgumentException("reply of " + length + " bytes does not fit a ring entry");
        }
        MemorySegment.copy(reply, 0, header, URING_IN_OUT_OFFSET, OUT_HEADER_SIZE);
        if (body > 0) {
            MemorySegment.copy(reply, OUT_HEADER_SIZE, payload, 0, body);
        }
        commit(body);
    }

    @Override
    public void sendData(long unique, ByteBuf data) {
        int body = data.readableBytes();
        if (body > payload.byteSize()) {
            throw new IllegalArgumentException("reply of " + body + " bytes does not fit a ring entry");
        }
        FuseReplyEncoder.header(header.asSlice(URING_IN_OUT_OFFSET), unique, 0, OUT_HEADER_SIZE + body);
        if (body > 0) {
            // the one copy this transport adds to a READ: from the volume's buffers into the
            // registered payload (the kernel then copies it into the reader's pages)
            payloadBuffer.clear().limit(body);
            data.getBytes(data.readerIndex(), payloadBuffer);
        }
        commit(body);
    }

    private void commit(int payloadSize) {
        header.set(U32, URING_PAYLOAD_SIZE_OFFSET, payloadSize);
        header.set(U64, URING_COMMIT_ID_OFFSET, unique);
        queue.commitLater(this);
    }
}
