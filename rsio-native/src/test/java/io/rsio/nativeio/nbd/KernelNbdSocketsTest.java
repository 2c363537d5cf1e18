package io.rsio.nativeio.nbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.rsio.block.MemoryBlockTarget;
import io.rsio.block.NettyLeakCheck;
import io.rsio.nativeio.Syscalls;
import io.rsio.nbd.protocol.TransmissionFlag;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The kernel's side of a kernel NBD device, played by this test on the socket end the kernel
 * would get: requests without a handshake, simple replies back.
 */
@ExtendWith(NettyLeakCheck.class)
class KernelNbdSocketsTest {
    static EventLoopGroup group;

    @BeforeAll
    static void start() {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterAll
    static void stop() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** A 28-byte NBD request (big-endian), then the payload. */
    private static byte[] request(int type, long cookie, long offset, int length, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(28 + payload.length).order(ByteOrder.BIG_ENDIAN);
        b.putInt(0x25609513).putShort((short) 0).putShort((short) type).putLong(cookie).putLong(offset).putInt(length)
                .put(payload);
        return b.array();
    }

    private static void send(int fd, byte[] bytes, Arena arena) throws Exception {
        MemorySegment s = arena.allocate(bytes.length);
        MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 0, bytes.length);
        long done = 0;
        while (done < bytes.length) {
            done += Syscalls.send(fd, s.asSlice(done), "test");
        }
    }

    private static byte[] receive(int fd, int length, Arena arena) throws Exception {
        MemorySegment s = arena.allocate(length);
        long done = 0;
        while (done < length) {
            long n = Syscalls.recv(fd, s.asSlice(done), "test");
            if (n == 0) {
                throw new AssertionError("connection closed after " + done + " bytes");
            }
            done += n;
        }
        return s.toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void servesSimpleRepliesWithoutAHandshake() throws Exception {
        MemoryBlockTarget target = new MemoryBlockTarget("vol", 1 << 20);
        try (KernelNbdSockets sockets = KernelNbdSockets.serve(group, target, 2); Arena arena = Arena.ofConfined()) {
            int flags = sockets.transmissionFlags();
            assertTrue((flags & TransmissionFlag.SEND_FLUSH.mask()) != 0 && (flags & TransmissionFlag.SEND_TRIM.mask()) != 0);
            assertTrue((flags & TransmissionFlag.SEND_DF.mask()) == 0, "no structured replies for the kernel");
            int[] kernel = sockets.kernelEnds();
            assertEquals(2, kernel.length);

            byte[] data = new byte[8192];
            new Random(5).nextBytes(data);
            send(kernel[0], request(1, 11, 4096, data.length, data), arena);           // WRITE
            ByteBuffer w = ByteBuffer.wrap(receive(kernel[0], 16, arena)).order(ByteOrder.BIG_ENDIAN);
            assertEquals(0x67446698, w.getInt());
            assertEquals(0, w.getInt(), "no error");
            assertEquals(11, w.getLong(), "cookie");
            assertArrayEquals(data, Arrays.copyOfRange(target.contents(), 4096, 4096 + data.length));

            send(kernel[1], request(0, 12, 4096, data.length, new byte[0]), arena);    // READ on the other socket
            ByteBuffer r = ByteBuffer.wrap(receive(kernel[1], 16 + data.length, arena)).order(ByteOrder.BIG_ENDIAN);
            assertEquals(0x67446698, r.getInt());
            assertEquals(0, r.getInt());
            assertEquals(12, r.getLong());
            byte[] back = new byte[data.length];
            r.get(back);
            assertArrayEquals(data, back);

            send(kernel[0], request(3, 13, 0, 0, new byte[0]), arena);                 // FLUSH
            assertEquals(13, ByteBuffer.wrap(receive(kernel[0], 16, arena)).getLong(8));
            assertEquals(1, target.flushes.get());
            assertTrue(sockets.connected());
        }
    }
}
