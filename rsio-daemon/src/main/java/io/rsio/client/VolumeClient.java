package io.rsio.client;

import io.netty.buffer.ByteBuf;
import io.rsio.block.BlockException;
import io.rsio.block.BlockTarget;
import io.rsio.block.Errno;
import io.rsio.wire.WireConstants;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.VolumeInfo;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One RSIO volume as a {@link BlockTarget}, over every path that has it open (on one or more
 * servers exporting the same volume identity). Requests go to the ready path with the least
 * outstanding work; a request whose path dies is sent again on another; with no path at all
 * requests wait up to {@code nopath_timeout} and then fail with EIO.
 */
public final class VolumeClient implements BlockTarget {
    /** Discard and write-zeroes ranges are split into pieces the wire's 32-bit length can carry. */
    static final int MAX_RANGE_PIECE = 1 << 30;

    private final String namespace;
    private volatile VolumeInfo info;
    private final Duration nopathTimeout;
    private final Map<RsioPath, Integer> handles = new ConcurrentHashMap<>();
    private final ArrayDeque<IoRequest> waiting = new ArrayDeque<>();

    VolumeClient(String namespace, VolumeInfo info, Duration nopathTimeout, ScheduledExecutorService timer) {
        this.namespace = namespace;
        this.info = info;
        this.nopathTimeout = nopathTimeout;
        timer.scheduleAtFixedRate(this::expireWaiting, 100, 100, TimeUnit.MILLISECONDS);
    }

    public String namespace() {
        return namespace;
    }

    public VolumeInfo info() {
        return info;
    }

    @Override
    public String name() {
        return info.name();
    }

    @Override
    public long size() {
        return info.size();
    }

    @Override
    public int blockSize() {
        return info.blockSize();
    }

    @Override
    public int maxIoSize() {
        return WireConstants.DEFAULT_MAX_PAYLOAD;
    }

    @Override
    public boolean readOnly() {
        return info.readOnly();
    }

    public int readyPaths() {
        return (int) handles.keySet().stream().filter(RsioPath::isReady).count();
    }

    @Override
    public CompletableFuture<ByteBuf> read(long offset, int length) {
        return dispatch(new IoRequest(this, IoRequest.Kind.READ, offset, length, false, null))
                .thenApply(ByteBuf.class::cast);
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuf data, boolean fua) {
        return dispatch(new IoRequest(this, IoRequest.Kind.WRITE, offset, data.readableBytes(), fua, data))
                .thenApply(ignored -> null);
    }

    @Override
    public CompletableFuture<Void> flush() {
        return dispatch(new IoRequest(this, IoRequest.Kind.FLUSH, 0, 0, false, null)).thenApply(ignored -> null);
    }

    @Override
    public CompletableFuture<Void> discard(long offset, long length) {
        return ranged(IoRequest.Kind.DISCARD, offset, length, false);
    }

    @Override
    public CompletableFuture<Void> writeZeroes(long offset, long length, boolean mayPunchHole) {
        return ranged(IoRequest.Kind.WRITE_ZEROES, offset, length, !mayPunchHole);
    }

    private CompletableFuture<Void> ranged(IoRequest.Kind kind, long offset, long length, boolean flag) {
        List<CompletableFuture<Object>> pieces = new ArrayList<>();
        long position = offset;
        long end = offset + length;
        do {
            int piece = (int) Math.min(end - position, MAX_RANGE_PIECE);
            pieces.add(dispatch(new IoRequest(this, kind, position, piece, flag, null)));
            position += piece;
        } while (position < end);
        return CompletableFuture.allOf(pieces.toArray(CompletableFuture[]::new));
    }

    private CompletableFuture<Object> dispatch(IoRequest request) {
        if (!send(request)) {
            synchronized (waiting) {
                waiting.add(request);
            }
            // A path may have come up between the failed send and the enqueue.
            drainWaiting();
        }
        return request.future;
    }

    /** Picks the ready path with the least outstanding requests and sends; false if none is ready. */
    private boolean send(IoRequest request) {
        while (true) {
            RsioPath best = null;
            for (RsioPath path : handles.keySet()) {
                if (path.isReady() && (best == null || path.outstanding() < best.outstanding())) {
                    best = path;
                }
            }
            if (best == null) {
                return false;
            }
            Integer handle = handles.get(best);
            if (handle != null && best.submit(request, handle)) {
                return true;
            }
        }
    }

    void pathReady(RsioPath path, VolumeInfo latest, int handle) {
        info = latest;
        handles.put(path, handle);
        drainWaiting();
    }

    void pathDown(RsioPath path) {
        handles.remove(path);
    }

    /** A request came back from a dead path: send it again, or let it wait for one. */
    void retry(IoRequest request) {
        if (!request.isFinished()) {
            dispatch(request);
        }
    }

    void completed(RsioPath path, IoRequest request, Reply reply) {
        if (reply instanceof Reply.Failure failure) {
            if (failure.status() == Errno.ESHUTDOWN) {
                retry(request); // that server is going away; another may serve it
            } else {
                request.fail(failure.status(), failure.reason());
            }
        } else {
            request.succeed(reply);
        }
    }

    private void drainWaiting() {
        while (true) {
            IoRequest next;
            synchronized (waiting) {
                next = waiting.peek();
                if (next == null || readyPaths() == 0) {
                    return;
                }
                waiting.poll();
            }
            if (!next.isFinished() && !send(next)) {
                synchronized (waiting) {
                    waiting.addFirst(next);
                }
                return;
            }
        }
    }

    private void expireWaiting() {
        long limit = System.nanoTime() - nopathTimeout.toNanos();
        List<IoRequest> expired = new ArrayList<>();
        synchronized (waiting) {
            for (Iterator<IoRequest> it = waiting.iterator(); it.hasNext(); ) {
                IoRequest r = it.next();
                if (r.isFinished() || r.startNanos < limit) {
                    it.remove();
                    expired.add(r);
                }
            }
        }
        for (IoRequest r : expired) {
            r.fail(Errno.EIO, "no path to volume " + namespace + ":" + info.name() + " for "
                    + nopathTimeout.toSeconds() + " s");
        }
        if (!expired.isEmpty() || readyPaths() > 0) {
            drainWaiting();
        }
    }

    /** Fails every waiting request; used when rsiod stops. */
    void shutdown() {
        List<IoRequest> left;
        synchronized (waiting) {
            left = new ArrayList<>(waiting);
            waiting.clear();
        }
        left.forEach(r -> r.fail(Errno.ESHUTDOWN, "rsiod is stopping"));
    }

}
