package io.rsio.nbd.handshake;

import io.netty.channel.ChannelHandlerContext;
import io.rsio.nbd.transmission.ExportSession;

/** Replaces the handshake handlers with the transmission ones once an export is chosen. */
@FunctionalInterface
public interface TransmissionStarter {
    /** Called on the event loop, from the handshake handler's context, after the final reply was written. */
    void start(ChannelHandlerContext handshakeContext, ExportSession session);
}
