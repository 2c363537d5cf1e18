package io.rsio.common;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.time.Duration;

/**
 * The Netty transport the daemons use: epoll where the native library loads (Linux, always
 * here), NIO otherwise, so the same code runs on any JVM.
 */
public record Transport(IoHandlerFactory ioHandlerFactory,
                        Class<? extends ServerChannel> serverChannel,
                        Class<? extends SocketChannel> socketChannel,
                        String name) {

    public static Transport best() {
        return best(Duration.ZERO);
    }

    /**
     * With {@code busyPoll} above zero, epoll event loops keep polling for that long after
     * their last work before they sleep ({@link SpinThenSleepStrategy}).
     */
    public static Transport best(Duration busyPoll) {
        if (Epoll.isAvailable()) {
            IoHandlerFactory factory = busyPoll.isZero() ? EpollIoHandler.newFactory()
                    : SpinThenSleepStrategy.epollFactory(busyPoll.toNanos());
            return new Transport(factory, EpollServerSocketChannel.class,
                    EpollSocketChannel.class, "epoll");
        }
        return new Transport(NioIoHandler.newFactory(), NioServerSocketChannel.class,
                NioSocketChannel.class, "nio");
    }

    public EventLoopGroup newGroup(int threads, String threadPrefix) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(threadPrefix, true), ioHandlerFactory);
    }
}
