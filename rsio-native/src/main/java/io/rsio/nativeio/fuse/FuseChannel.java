package io.rsio.nativeio.fuse;

import io.netty.buffer.ByteBuf;
import io.rsio.nativeio.LinuxErrno;
import io.rsio.nativeio.NativeException;
import io.rsio.nativeio.Syscalls;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One {@code /dev/fuse} descriptor: a reader thread reads requests from it and replies to
 * those requests go back on it, with one writev() each, from whichever thread completes them.
 * READ data goes from the block target's buffers to the kernel without a copy.
 */
final class FuseChannel implements FuseReplySink {
    private static final Logger LOG = LogManager.getLogger(FuseChannel.class);
    static final Path DEVICE = Path.of("/dev/fuse");
    /** Room for a reply header and 1023 iovecs; more buffer pieces than that are copied into one. */
    private static final int SCRATCH_SIZE = 16 << 10;
    private static final int HEADER_ROOM = 64;
    private static final int MAX_IOVECS = (SCRATCH_SIZE - HEADER_ROOM) / 16;
    private static final ThreadLocal<MemorySegment> SCRATCH =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(SCRATCH_SIZE, 8));

    private final int fd;

    FuseChannel(int fd) {
        this.fd = fd;
    }

    int fd() {
        return fd;
    }

    /** Blocks until the kernel has a request; ENODEV when the filesystem is gone. */
    long read(MemorySegment buffer) throws NativeException {
        return Syscalls.read(fd, buffer, DEVICE);
    }

    @Override
    public void send(MemorySegment reply, int length) {
        MemorySegment iov = SCRATCH.get().asSlice(HEADER_ROOM);
        iov.set(ValueLayout.JAVA_LONG, 0, reply.address());
        iov.set(ValueLayout.JAVA_LONG, 8, length);
        write(iov, 1, length);
    }

    @Override
    public void sendData(long unique, ByteBuf data) {
        MemorySegment scratch = SCRATCH.get();
        int length = FuseAbi.OUT_HEADER_SIZE + data.readableBytes();
        FuseReplyEncoder.header(scratch, unique, 0, length);
        MemorySegment iov = scratch.asSlice(HEADER_ROOM);
        iov.set(ValueLayout.JAVA_LONG, 0, scratch.address());
        iov.set(ValueLayout.JAVA_LONG, 8, FuseAbi.OUT_HEADER_SIZE);
        int count = 1;
        if (data.readableBytes() > 0) {
            ByteBuf direct = data;
            boolean copied = false;
            if (!data.isDirect() || data.nioBufferCount() < 0 || data.nioBufferCount() >= MAX_IOVECS) {
                direct = data.alloc().directBuffer(data.readableBytes());
                direct.writeBytes(data, data.readerIndex(), data.readableBytes());
                copied = true;
            }
            try {
                for (ByteBuffer piece : direct.nioBuffers(direct.readerIndex(), direct.readableBytes())) {
                    if (!piece.hasRemaining()) {
                        continue;
                    }
                    MemorySegment seg = MemorySegment.ofBuffer(piece);
                    iov.set(ValueLayout.JAVA_LONG, 16L * count, seg.address());
                    iov.set(ValueLayout.JAVA_LONG, 16L * count + 8, seg.byteSize());
                    count++;
                }
                write(iov, count, length);
            } finally {
                if (copied) {
                    direct.release();
                }
            }
            return;
        }
        write(iov, count, length);
    }

    private void write(MemorySegment iov, int count, int length) {
        try {
            long n = Syscalls.writev(fd, iov, count, DEVICE);
            if (n != length) {
                LOG.warn("short reply write to /dev/fuse: {} of {} bytes", n, length);
            }
        } catch (NativeException e) {
            // ENOENT: the request was interrupted and is gone; ENODEV: the filesystem was
            // unmounted or aborted. Neither leaves anyone waiting for this reply.
            if (e.errno() == LinuxErrno.ENOENT || e.errno() == LinuxErrno.ENODEV) {
                LOG.debug("reply dropped: {}", e.getMessage());
            } else {
                LOG.warn("reply to /dev/fuse failed: {}", e.getMessage());
            }
        }
    }
}
