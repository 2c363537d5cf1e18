package io.rsio.nbd.handshake;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.ScheduledFuture;
import io.rsio.block.BlockTarget;
import io.rsio.nbd.handshake.HandshakeReply.OptionReply;
import io.rsio.nbd.handshake.HandshakeRequest.ClientFlags;
import io.rsio.nbd.handshake.HandshakeRequest.OptionRequest;
import io.rsio.nbd.handshake.HandshakeRequest.OversizedOption;
import io.rsio.nbd.handshake.OptionPayloads.MalformedOptionException;
import io.rsio.nbd.protocol.InfoType;
import io.rsio.nbd.protocol.NbdOption;
import io.rsio.nbd.protocol.NbdProtocol;
import io.rsio.nbd.protocol.NbdProtocolException;
import io.rsio.nbd.protocol.OptionReplyType;
import io.rsio.nbd.transmission.ExportSession;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The server side of the fixed-newstyle handshake for one connection: greets, checks the client
 * flags, answers options, and hands the connection to the transmission phase after
 * NBD_OPT_GO or NBD_OPT_EXPORT_NAME.
 *
 * <p>No TLS: STARTTLS is refused with ERR_POLICY, so the server runs in the spec's NOTLS mode
 * (it must only listen on loopback and unix sockets). A handshake that does not finish within
 * the timeout, or that sends more than {@link NbdProtocol#MAX_OPTIONS_PER_HANDSHAKE} options,
 * is closed.
 */
public final class HandshakeHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LogManager.getLogger(HandshakeHandler.class);

    private final ExportCatalog exports;
    private final TransmissionStarter starter;
    private final Duration timeout;
    private final String client;

    private boolean noZeroes;
    private boolean structuredReplies;
    /** The export base:allocation was selected for by the last SET_META_CONTEXT, or null. */
    private BlockTarget metaContextExport;
    private int options;
    private boolean finished;
    private ScheduledFuture<?> timer;

    public HandshakeHandler(ExportCatalog exports, TransmissionStarter starter, Duration timeout, String client) {
        this.exports = exports;
        this.starter = starter;
        this.timeout = timeout;
        this.client = client;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.writeAndFlush(new HandshakeReply.Greeting(
                NbdProtocol.HANDSHAKE_FLAG_FIXED_NEWSTYLE | NbdProtocol.HANDSHAKE_FLAG_NO_ZEROES));
        timer = ctx.executor().schedule(() -> {
            if (!finished) {
                LOG.warn("NBD client {} did not finish the handshake within {}, closing", client, timeout);
                finish();
                ctx.close();
            }
        }, timeout.toNanos(), TimeUnit.NANOSECONDS);
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        if (!finished) {
            LOG.debug("NBD client {} closed during the handshake", client);
        }
        finish();
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HandshakeRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            if (finished) {
                return; // after ABORT or a fatal error nothing more is answered
            }
            switch (request) {
                case ClientFlags f -> onClientFlags(ctx, f.flags());
                case OptionRequest o -> {
                    if (++options > NbdProtocol.MAX_OPTIONS_PER_HANDSHAKE) {
                        hardClose(ctx, "more than " + NbdProtocol.MAX_OPTIONS_PER_HANDSHAKE + " options");
                    } else {
                        onOption(ctx, o);
                    }
                }
                case OversizedOption o -> onOversized(ctx, o);
            }
        } finally {
            if (request instanceof OptionRequest o) {
                o.data().release();
            }
        }
    }

    private void onClientFlags(ChannelHandlerContext ctx, int flags) {
        int unknown = flags & ~NbdProtocol.KNOWN_CLIENT_FLAGS;
        if (unknown != 0) {
            hardClose(ctx, String.format("unknown client flags 0x%08x", unknown));
            return;
        }
        noZeroes = (flags & NbdProtocol.CLIENT_FLAG_NO_ZEROES) != 0;
    }

    private void onOversized(ChannelHandlerContext ctx, OversizedOption o) {
        if (o.option() == NbdOption.EXPORT_NAME.value()) {
            hardClose(ctx, "NBD_OPT_EXPORT_NAME with a " + o.length() + "-byte name");
            return;
        }
        boolean known = NbdOption.of(o.option()).isPresent();
        reply(ctx, o.option(), new OptionReplyBody.Failure(known ? OptionReplyType.ERR_TOO_BIG : OptionReplyType.ERR_UNSUP,
                "option payload of " + o.length() + " bytes is too large"));
    }

    private void onOption(ChannelHandlerContext ctx, OptionRequest o) {
        Optional<NbdOption> known = NbdOption.of(o.option());
        LOG.debug("NBD client {}: {}", client, o);
        if (known.isEmpty()) {
            reply(ctx, o.option(), failure(OptionReplyType.ERR_UNSUP, NbdOption.describe(o.option()) + " is not supported"));
            return;
        }
        try {
            switch (known.get()) {
                case EXPORT_NAME -> exportName(ctx, OptionPayloads.exportName(o.data()));
                case ABORT -> {
                    finish();
                    ctx.writeAndFlush(new OptionReply(o.option(), new OptionReplyBody.Ack()))
                            .addListener(ChannelFutureListener.CLOSE);
                }
                case LIST -> list(ctx, o);
                case STARTTLS -> reply(ctx, o.option(), o.data().isReadable()
                        ? failure(OptionReplyType.ERR_INVALID, "NBD_OPT_STARTTLS carries no data")
                        : failure(OptionReplyType.ERR_POLICY, "TLS is not offered by this server"));
                case INFO, GO -> infoOrGo(ctx, known.get(), OptionPayloads.exportRequest(o.data()));
                case STRUCTURED_REPLY -> {
                    if (o.data().isReadable()) {
                        reply(ctx, o.option(), failure(OptionReplyType.ERR_INVALID, "NBD_OPT_STRUCTURED_REPLY carries no data"));
                    } else {
                        structuredReplies = true;
                        reply(ctx, o.option(), new OptionReplyBody.Ack());
                    }
                }
                case LIST_META_CONTEXT, SET_META_CONTEXT ->
                        metaContext(ctx, known.get(), OptionPayloads.metaContextRequest(o.data()));
            }
        } catch (MalformedOptionException e) {
            if (known.get() == NbdOption.EXPORT_NAME) {
                hardClose(ctx, "NBD_OPT_EXPORT_NAME: " + e.getMessage());
            } else {
                if (known.get() == NbdOption.SET_META_CONTEXT) {
                    metaContextExport = null; // a failed SET still replaces the selection
                }
                reply(ctx, o.option(), failure(OptionReplyType.ERR_INVALID, e.getMessage()));
            }
        }
    }

    private void exportName(ChannelHandlerContext ctx, String name) {
        Optional<BlockTarget> target = exports.find(name);
        if (target.isEmpty()) {
            // EXPORT_NAME cannot be answered with an error: the spec says hang up
            hardClose(ctx, "NBD_OPT_EXPORT_NAME for unknown export '" + name + "'");
            return;
        }
        ExportSession session = session(target.get());
        ctx.writeAndFlush(new HandshakeReply.ExportNameReply(target.get().size(), session.transmissionFlags(), !noZeroes));
        enterTransmission(ctx, session);
    }

    private void list(ChannelHandlerContext ctx, OptionRequest o) {
        if (o.data().isReadable()) {
            reply(ctx, o.option(), failure(OptionReplyType.ERR_INVALID, "NBD_OPT_LIST carries no data"));
            return;
        }
        for (BlockTarget t : exports.all()) {
            ctx.write(new OptionReply(o.option(), new OptionReplyBody.Server(t.name(), description(t))));
        }
        reply(ctx, o.option(), new OptionReplyBody.Ack());
    }

    private void infoOrGo(ChannelHandlerContext ctx, NbdOption option, OptionPayloads.ExportRequest request) {
        Optional<BlockTarget> found = exports.find(request.name());
        if (found.isEmpty()) {
            reply(ctx, option.value(), failure(OptionReplyType.ERR_UNKNOWN, request.name().isEmpty()
                    ? "no default export" : "no export named '" + request.name() + "'"));
            return;
        }
        BlockTarget target = found.get();
        ExportSession session = session(target);
        int opt = option.value();
        // EXPORT is mandatory; BLOCK_SIZE is always sent (the spec lets a server volunteer it,
        // and clients that did not ask may ignore it); NAME and DESCRIPTION only on request
        ctx.write(new OptionReply(opt, new OptionReplyBody.ExportInfo(target.size(), session.transmissionFlags())));
        ctx.write(new OptionReply(opt, new OptionReplyBody.BlockSizeInfo(session.sizes())));
        for (int info : request.infoRequests()) {
            InfoType.of(info).ifPresent(type -> {
                switch (type) {
                    case NAME -> ctx.write(new OptionReply(opt, new OptionReplyBody.NameInfo(target.name())));
                    case DESCRIPTION -> ctx.write(new OptionReply(opt, new OptionReplyBody.DescriptionInfo(description(target))));
                    case EXPORT, BLOCK_SIZE -> { } // already sent
                }
            });
        }
        reply(ctx, opt, new OptionReplyBody.Ack());
        if (option == NbdOption.GO) {
            enterTransmission(ctx, session);
        }
    }

    private void metaContext(ChannelHandlerContext ctx, NbdOption option, OptionPayloads.MetaContextRequest request) {
        boolean set = option == NbdOption.SET_META_CONTEXT;
        if (set) {
            metaContextExport = null; // replaced by this request whatever its outcome
        }
        if (!structuredReplies) {
            reply(ctx, option.value(), failure(OptionReplyType.ERR_INVALID,
                    "metadata contexts need NBD_OPT_STRUCTURED_REPLY first"));
            return;
        }
        Optional<BlockTarget> target = exports.find(request.exportName());
        if (target.isEmpty()) {
            reply(ctx, option.value(), failure(OptionReplyType.ERR_UNKNOWN,
                    "no export named '" + request.exportName() + "'"));
            return;
        }
        boolean selected = request.queries().stream().anyMatch(q -> matchesBaseAllocation(q, set))
                || (!set && request.queries().isEmpty()); // LIST with no query lists everything
        if (selected) {
            int id = set ? NbdProtocol.BASE_ALLOCATION_CONTEXT_ID : 0; // ids in LIST replies are reserved: 0
            ctx.write(new OptionReply(option.value(), new OptionReplyBody.MetaContext(id, NbdProtocol.BASE_ALLOCATION)));
            if (set) {
                metaContextExport = target.get();
            }
        }
        reply(ctx, option.value(), new OptionReplyBody.Ack());
    }

    /** "base:allocation" selects the context; "base:" is a wildcard for LIST only; anything else is ignored. */
    private static boolean matchesBaseAllocation(String query, boolean set) {
        return query.equals(NbdProtocol.BASE_ALLOCATION) || (!set && query.equals("base:"));
    }

    private ExportSession session(BlockTarget target) {
        // meta contexts count only if they were set for the export actually chosen
        return ExportSession.of(target, structuredReplies, metaContextExport == target);
    }

    private void enterTransmission(ChannelHandlerContext ctx, ExportSession session) {
        finish();
        starter.start(ctx, session);
    }

    private static String description(BlockTarget t) {
        return "RSIO volume " + t.name() + (t.readOnly() ? " (read-only)" : "");
    }

    private static OptionReplyBody.Failure failure(OptionReplyType type, String message) {
        return new OptionReplyBody.Failure(type, message);
    }

    private static void reply(ChannelHandlerContext ctx, int option, OptionReplyBody body) {
        ctx.writeAndFlush(new OptionReply(option, body));
    }

    private void hardClose(ChannelHandlerContext ctx, String reason) {
        LOG.warn("NBD client {} closed during the handshake: {}", client, reason);
        finish();
        ctx.close();
    }

    private void finish() {
        finished = true;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable t = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (t instanceof NbdProtocolException) {
            hardClose(ctx, t.getMessage());
        } else if (t instanceof IOException) {
            LOG.debug("NBD client {}: connection error during the handshake: {}", client, t.getMessage());
            finish();
            ctx.close();
        } else {
            LOG.error("NBD client {}: unexpected failure during the handshake, closing", client, t);
            finish();
            ctx.close();
        }
    }
}
