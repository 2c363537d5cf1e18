package io.rsio.nbd;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.unix.DomainSocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.rsio.nbd.handshake.HandshakeDecoder;
import io.rsio.nbd.handshake.HandshakeEncoder;
import io.rsio.nbd.handshake.HandshakeHandler;
import io.rsio.nbd.transmission.ExportSession;
import io.rsio.nbd.transmission.ReplyEncoder;
import io.rsio.nbd.transmission.RequestDecoder;
import io.rsio.nbd.transmission.TransmissionHandler;
import java.time.Duration;

/**
 * Builds a connection's pipeline: handshake codec and handler first, swapped for the
 * transmission codec and handler once an export is chosen.
 */
final class NbdPipeline {
    static final String FLUSH_CONSOLIDATION = "nbd-flush";
    static final String HANDSHAKE_DECODER = "nbd-handshake-decoder";
    static final String HANDSHAKE_ENCODER = "nbd-handshake-encoder";
    static final String HANDSHAKE_HANDLER = "nbd-handshake";
    static final String REQUEST_DECODER = "nbd-request-decoder";
    static final String REPLY_ENCODER = "nbd-reply-encoder";
    static final String TRANSMISSION_HANDLER = "nbd-transmission";

    private NbdPipeline() {}

    static void install(Channel ch, NbdExports exports, Duration handshakeTimeout) {
        String client = describe(ch);
        ch.pipeline()
                // Replies completing together (a batch of target replies read at once) leave in one write.
                .addLast(FLUSH_CONSOLIDATION, new FlushConsolidationHandler(256, true))
                .addLast(HANDSHAKE_DECODER, new HandshakeDecoder())
                .addLast(HANDSHAKE_ENCODER, HandshakeEncoder.INSTANCE)
                .addLast(HANDSHAKE_HANDLER, new HandshakeHandler(exports,
                        (ctx, session) -> startTransmission(ctx, session, client), handshakeTimeout, client));
    }

    /**
     * Swaps the handlers. The request decoder goes right after the handshake decoder, which is
     * removed last: any bytes it still holds are passed on to the request decoder.
     */
    private static void startTransmission(ChannelHandlerContext ctx, ExportSession session, String client) {
        ChannelPipeline p = ctx.pipeline();
        p.addAfter(HANDSHAKE_DECODER, REQUEST_DECODER, new RequestDecoder());
        p.addAfter(HANDSHAKE_HANDLER, REPLY_ENCODER, ReplyEncoder.INSTANCE);
        p.addAfter(REPLY_ENCODER, TRANSMISSION_HANDLER, new TransmissionHandler(session, client));
        p.remove(HANDSHAKE_HANDLER);
        p.remove(HANDSHAKE_ENCODER);
        p.remove(HANDSHAKE_DECODER);
    }

    /** A label for log lines: unix-socket peers have no address, so the socket path and channel id. */
    static String describe(Channel ch) {
        if (ch instanceof DomainSocketChannel) {
            return "#" + ch.id().asShortText() + " via " + ch.localAddress();
        }
        return "#" + ch.id().asShortText() + " from " + ch.remoteAddress();
    }
}
