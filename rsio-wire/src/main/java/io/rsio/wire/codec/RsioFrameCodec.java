package io.rsio.wire.codec;

import io.netty.channel.CombinedChannelDuplexHandler;

/**
 * The RSIO frame decoder and encoder as one pipeline handler, for either end of a connection.
 *
 * <p>Handshake order (docs/PROTOCOL.md §3.2): until {@link #negotiated} is called both
 * directions use the pre-HELLO settings (header digests, no data digests, 4096-byte payloads).
 * The server writes its HelloReply and then calls {@code negotiated}; the client calls it when
 * it reads the HelloReply, before it sends anything else. Both on the event loop.
 */
public final class RsioFrameCodec extends CombinedChannelDuplexHandler<RsioFrameDecoder, RsioFrameEncoder> {

    /** @param serverSide true on a server (decodes requests), false on a client (decodes replies) */
    public RsioFrameCodec(boolean serverSide) {
        super(new RsioFrameDecoder(serverSide), new RsioFrameEncoder());
    }

    /**
     * Applies what HELLO agreed to both directions.
     *
     * @throws IllegalArgumentException when {@code maxPayload} is outside 4096..16 MiB or
     *     {@code features} has unknown bits; nothing changes then
     */
    public void negotiated(int maxPayload, int features) {
        LinkSettings agreed = new LinkSettings(maxPayload, features); // validates for both directions
        inboundHandler().apply(agreed);
        outboundHandler().apply(agreed);
    }
}
