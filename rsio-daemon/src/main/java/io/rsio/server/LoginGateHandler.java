package io.rsio.server;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.rsio.wire.message.Reply;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * Holds one {@link PendingLogins} place for its connection from the moment it is accepted until
 * rssrv sends the AUTH_PROOF success reply (seen on its way out) or the connection closes.
 * A connection over the source's limit is closed at once, before a byte is read.
 */
final class LoginGateHandler extends ChannelDuplexHandler {
    private final PendingLogins gate;
    private InetAddress source;

    LoginGateHandler(PendingLogins gate) {
        this.gate = gate;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        InetAddress address = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        if (!gate.tryEnter(address)) {
            ctx.close();
            return;
        }
        source = address;
        super.channelActive(ctx);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        boolean loggedIn = msg instanceof Reply.AuthAccepted;
        if (loggedIn) {
            release();
        }
        super.write(ctx, msg, promise);
        if (loggedIn) {
            ctx.pipeline().remove(this); // nothing more to watch on a logged-in connection
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        release();
        super.channelInactive(ctx);
    }

    private void release() {
        if (source != null) {
            gate.leave(source);
            source = null;
        }
    }
}
