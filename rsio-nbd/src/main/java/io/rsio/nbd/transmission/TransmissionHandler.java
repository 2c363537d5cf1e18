package io.rsio.nbd.transmission;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.EventExecutor;
import io.rsio.block.BlockCompletion;
import io.rsio.block.BlockException;
import io.rsio.block.BlockIo;
import io.rsio.block.RequestFlow;
import io.rsio.nbd.protocol.CommandFlag;
import io.rsio.nbd.protocol.NbdCommand;
import io.rsio.nbd.protocol.NbdError;
import io.rsio.nbd.protocol.NbdProtocol;
import io.rsio.nbd.protocol.NbdProtocolException;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Serves one connection's transmission phase: validates each request ({@link RequestValidator}),
 * dispatches it to the target ({@link BlockIo}) and replies when the target completes. Requests
 * run concurrently and are answered in completion order; the cookie ties replies to requests.
 *
 * <p>All state lives on the channel's event loop: completions arriving on target threads hop
 * back before touching it. Reading pauses while too much is in flight or the socket is not
 * writable, so a client that floods requests or stops reading replies cannot grow memory without
 * bound. NBD_CMD_DISC stops reading, lets the in-flight requests reply, then closes.
 */
public final class TransmissionHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LogManager.getLogger(TransmissionHandler.class);

    static final int MAX_INFLIGHT_REQUESTS = 128;
    static final long MAX_INFLIGHT_BYTES = 4L * NbdProtocol.MAX_PAYLOAD;

    private final ExportSession session;
    private final BlockIo io;
    private final String client;
    private final RequestFlow flow = new RequestFlow(MAX_INFLIGHT_REQUESTS, MAX_INFLIGHT_BYTES,
            RequestFlow.Resume.BELOW_LIMITS);
    private long requests;
    private boolean disconnecting;
    /** True while a request is dispatched from channelRead: replies made then wait for channelReadComplete. */
    private boolean dispatching;
    private String closeReason = "connection closed";

    public TransmissionHandler(ExportSession session, String client) {
        this.session = session;
        this.io = new BlockIo(session.target());
        this.client = client;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        LOG.info("NBD client {} attached to export '{}' ({} bytes{}{}{})", client, session.exportName(),
                session.target().size(), session.structuredReplies() ? ", structured replies" : "",
                session.baseAllocation() ? ", base:allocation" : "",
                session.target().readOnly() ? ", read-only" : "");
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        LOG.info("NBD client {} detached from export '{}' after {} requests: {}", client, session.exportName(),
                requests, closeReason);
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof NbdRequest request)) {
            ctx.fireChannelRead(msg);
            return;
        }
        if (disconnecting) {
            // the client must not send anything after DISC; nothing more is served
            LOG.debug("NBD client {}: ignoring {} after NBD_CMD_DISC", client, request);
            request.releasePayload();
            return;
        }
        requests++;
        dispatching = true;
        try {
            switch (RequestValidator.validate(request, session)) {
                case RequestValidator.Rejected r -> {
                    request.releasePayload();
                    LOG.debug("NBD client {}: refused {}: {}", client, request, r.reason());
                    send(ctx, errorReply(request.cookie(), r.error(), r.reason()));
                }
                case RequestValidator.Accepted a -> dispatch(ctx, request, a);
            }
        } finally {
            dispatching = false;
        }
    }

    private void dispatch(ChannelHandlerContext ctx, NbdRequest r, RequestValidator.Accepted a) {
        boolean fua = a.has(CommandFlag.FUA);
        switch (a.command()) {
            case DISC -> {
                disconnecting = true;
                closeReason = "client sent NBD_CMD_DISC";
                ctx.channel().config().setAutoRead(false);
                closeWhenIdle(ctx);
            }
            case READ -> io.read(r.offset(), (int) r.length(), track(ctx, r, a, r.length()));
            case WRITE -> io.write(r.offset(), r.payload(), fua, track(ctx, r, a, r.length()));
            case FLUSH -> BlockCompletion.when(io.flush(), track(ctx, r, a, 0));
            case TRIM -> BlockCompletion.when(io.discard(r.offset(), r.length(), fua), track(ctx, r, a, 0));
            case WRITE_ZEROES -> {
                if (a.has(CommandFlag.FAST_ZERO)) {
                    // we cannot tell whether the target zeroes faster than it writes: the spec's
                    // answer for that is a quick ENOTSUP, and the client then writes zeroes itself
                    send(ctx, errorReply(r.cookie(), NbdError.ENOTSUP, "fast zero is not supported"));
                    return;
                }
                BlockCompletion.when(io.writeZeroes(r.offset(), r.length(), !a.has(CommandFlag.NO_HOLE), fua),
                        track(ctx, r, a, 0));
            }
            case CACHE -> send(ctx, NbdReply.SimpleReply.ok(r.cookie())); // a hint; nothing to prefetch into
            case BLOCK_STATUS -> {
                // Allocation is not tracked by the block layer: every range is reported as
                // allocated data (status 0), which is always a correct answer for base:allocation.
                NbdReply.Extent extent = new NbdReply.Extent(r.length(), 0);
                send(ctx, new NbdReply.BlockStatusChunk(r.cookie(), NbdProtocol.BASE_ALLOCATION_CONTEXT_ID,
                        List.of(extent), true));
            }
        }
    }

    /** Counts the request in flight; what it returns is the target's completion for it. */
    private InFlight track(ChannelHandlerContext ctx, NbdRequest r, RequestValidator.Accepted a, long bytes) {
        flow.started(bytes);
        updateReading(ctx);
        return new InFlight(ctx, r, a, bytes);
    }

    /**
     * One request the target works on: its completion (called on whichever thread the target
     * completes it), then the task that answers on the channel's event loop. One object per
     * request, where a future's stages and lambdas were four.
     */
    private final class InFlight implements BlockCompletion, Runnable {
        private final ChannelHandlerContext ctx;
        private final NbdRequest request;
        private final RequestValidator.Accepted accepted;
        private final long bytes;
        /** The outcome, written before the hand-off to the event loop (which orders it). */
        private ByteBuf data;
        private Throwable failure;

        InFlight(ChannelHandlerContext ctx, NbdRequest request, RequestValidator.Accepted accepted, long bytes) {
            this.ctx = ctx;
            this.request = request;
            this.accepted = accepted;
            this.bytes = bytes;
        }

        @Override
        public void succeeded(ByteBuf data) {
            this.data = data;
            answer();
        }

        @Override
        public void failed(Throwable failure) {
            this.failure = failure;
            answer();
        }

        private void answer() {
            EventExecutor loop = ctx.executor();
            if (loop.inEventLoop()) {
                run();
                return;
            }
            try {
                loop.execute(this);
            } catch (RejectedExecutionException e) {
                ReferenceCountUtil.release(data); // the event loop is shutting down: the connection is gone anyway
            }
        }

        @Override
        public void run() {
            complete(ctx, request, accepted, data, failure, bytes);
        }
    }

    private void complete(ChannelHandlerContext ctx, NbdRequest r, RequestValidator.Accepted a, ByteBuf data,
            Throwable failure, long bytes) {
        flow.finished(bytes);
        if (!ctx.channel().isActive()) {
            ReferenceCountUtil.release(data);
        } else if (failure != null) {
            NbdError error = NbdError.fromErrno(BlockException.errnoOf(failure), a.has(CommandFlag.FAST_ZERO));
            LOG.debug("NBD client {}: {} failed: {}", client, r, failure);
            send(ctx, errorReply(r.cookie(), error, "NBD_CMD_" + a.command() + " at offset " + r.offset()
                    + ": " + describe(failure)));
        } else if (a.command() == NbdCommand.READ) {
            send(ctx, session.structuredReplies()
                    ? new NbdReply.DataChunk(r.cookie(), r.offset(), data, true)
                    : new NbdReply.SimpleReply(r.cookie(), data));
        } else {
            ReferenceCountUtil.release(data); // null for everything but a READ; released should a target hand one
            send(ctx, NbdReply.SimpleReply.ok(r.cookie()));
        }
        updateReading(ctx);
        closeWhenIdle(ctx);
    }

    /**
     * Replies made while requests are being read (refusals, targets that complete at once) share
     * one flush at channelReadComplete, which always follows channelRead; replies completing
     * later, from an event-loop task, are flushed right away.
     */
    private void send(ChannelHandlerContext ctx, NbdReply reply) {
        if (dispatching) {
            ctx.write(reply, ctx.voidPromise());
            flow.replyWritten();
        } else {
            ctx.writeAndFlush(reply, ctx.voidPromise());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (flow.takeFlush()) {
            ctx.flush();
        }
        ctx.fireChannelReadComplete();
    }

    /** Once structured replies are agreed every error goes in an error chunk (READ requires it). */
    private NbdReply errorReply(long cookie, NbdError error, String message) {
        return session.structuredReplies()
                ? new NbdReply.ErrorChunk(cookie, error, message, true)
                : new NbdReply.SimpleError(cookie, error);
    }

    private static String describe(Throwable failure) {
        Throwable t = failure;
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t instanceof BlockException b ? b.errno().description() + " (" + b.getMessage() + ")"
                : BlockException.errnoOf(t).description();
    }

    private void updateReading(ChannelHandlerContext ctx) {
        boolean reading = ctx.channel().config().isAutoRead();
        boolean read = flow.shouldRead(reading, !disconnecting, ctx.channel().isWritable());
        if (reading != read) {
            ctx.channel().config().setAutoRead(read); // turning it back on also asks for a read
        }
    }

    private void closeWhenIdle(ChannelHandlerContext ctx) {
        if (disconnecting && flow.requests() == 0 && ctx.channel().isActive()) {
            // the empty write completes after every reply queued before it has been written
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        updateReading(ctx);
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable t = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (t instanceof NbdProtocolException) {
            closeReason = "protocol violation: " + t.getMessage();
            LOG.warn("NBD client {} on export '{}' broke the protocol, closing: {}", client, session.exportName(),
                    t.getMessage());
        } else if (t instanceof IOException) {
            closeReason = "connection error: " + t.getMessage();
        } else {
            closeReason = "internal error: " + t;
            LOG.error("NBD client {} on export '{}': unexpected failure, closing", client, session.exportName(), t);
        }
        ctx.close();
    }
}
