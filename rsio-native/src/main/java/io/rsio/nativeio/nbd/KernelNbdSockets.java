package io.rsio.nativeio.nbd;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.rsio.block.BlockTarget;
import io.rsio.nativeio.NativeException;
import io.rsio.nativeio.Syscalls;
import io.rsio.nbd.transmission.ExportSession;
import io.rsio.nbd.transmission.ReplyEncoder;
import io.rsio.nbd.transmission.RequestDecoder;
import io.rsio.nbd.transmission.TransmissionHandler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The server side of a kernel NBD device: connected unix socket pairs whose one end serves a
 * {@link BlockTarget} in the NBD transmission phase and whose other end is handed to the
 * kernel ({@code NbdNetlink.connect}). The kernel skips the handshake and reads simple replies
 * only, so the connection starts in transmission with structured replies off and the flags
 * {@link #transmissionFlags()} (which CONNECT passes as the server flags).
 */
public final class KernelNbdSockets implements AutoCloseable {
    private final List<Channel> channels = new ArrayList<>();
    private final int[] kernelEnds;
    private final ExportSession session;

    private KernelNbdSockets(int[] kernelEnds, ExportSession session) {
        this.kernelEnds = kernelEnds;
        this.session = session;
    }

    /** {@code count} socket pairs serving {@code target} on {@code group} (epoll). */
    public static KernelNbdSockets serve(EventLoopGroup group, BlockTarget target, int count) throws IOException {
        if (count < 1 || count > 64) {
            throw new IllegalArgumentException("1 to 64 sockets, not " + count);
        }
        ExportSession session = ExportSession.of(target, false, false);
        int[] kernelEnds = new int[count];
        java.util.Arrays.fill(kernelEnds, -1);
        KernelNbdSockets sockets = new KernelNbdSockets(kernelEnds, session);
        try {
            for (int i = 0; i < count; i++) {
                int[] pair = Syscalls.socketpair(Syscalls.AF_UNIX, Syscalls.SOCK_STREAM);
                kernelEnds[i] = pair[1];
                EpollDomainSocketChannel ch = new EpollDomainSocketChannel(pair[0]);
                String label = "kernel NBD socket " + i + " of " + target.name();
                ch.pipeline()
                        .addLast("nbd-request-decoder", new RequestDecoder())
                        .addLast("nbd-reply-encoder", ReplyEncoder.INSTANCE)
                        .addLast("nbd-transmission", new TransmissionHandler(session, label));
                group.register(ch).syncUninterruptibly();
                sockets.channels.add(ch);
            }
            return sockets;
        } catch (IOException | RuntimeException e) {
            sockets.close();
            throw e;
        }
    }

    /** The ends for the kernel: pass them to NBD_CMD_CONNECT, then {@link #closeKernelEnds()}. */
    public int[] kernelEnds() {
        return kernelEnds.clone();
    }

    /** The transmission flags to give the kernel (HAS_FLAGS, SEND_FLUSH, SEND_FUA, SEND_TRIM, …). */
    public int transmissionFlags() {
        return session.transmissionFlags();
    }

    /** After CONNECT the kernel holds its own references: ours can go. */
    public void closeKernelEnds() {
        for (int i = 0; i < kernelEnds.length; i++) {
            if (kernelEnds[i] >= 0) {
                try {
                    Syscalls.close(kernelEnds[i], Path.of("socketpair"));
                } catch (NativeException ignored) {
                    // released either way
                }
                kernelEnds[i] = -1;
            }
        }
    }

    /** True while every connection is open (the kernel has not disconnected). */
    public boolean connected() {
        return !channels.isEmpty() && channels.stream().allMatch(Channel::isActive);
    }

    @Override
    public void close() {
        closeKernelEnds();
        for (Channel ch : channels) {
            ch.close().syncUninterruptibly();
        }
    }
}
