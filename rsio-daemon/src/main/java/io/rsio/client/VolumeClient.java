package io.rsio.client;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.rsio.block.BlockTarget;
import io.rsio.block.Errno;
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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.Set;
import java.util.TreeSet;
import io.rsio.block.BlockException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One RSIO volume as a {@link BlockTarget}, over every path that has it open, on one or more
 * servers exporting the same volume identity. Large requests are cut into chunks that travel
 * on several paths at once, so even one sequential stream uses every link; the
 * {@link PathScheduler} places each chunk. A request whose path dies is sent again on
 * another; with no path at all requests wait up to {@code nopath_timeout}, then fail with EIO.
 */
public final class VolumeClient implements BlockTarget {
    private static final Logger LOG = LogManager.getLogger(VolumeClient.class);
    /** Discard and write-zeroes ranges are split into pieces the wire's 31-bit length can carry. */
    static final int MAX_RANGE_PIECE = 1 << 30;
    /** Largest read or write a front end may hand in one call; it is chunked on the way. */
    static final int MAX_IO_SIZE = 8 << 20;

    private final String namespace;
    private volatile VolumeInfo info;
    // A reload may change these (rsconfig's multipath settings); each request reads them once.
    private volatile Duration nopathTimeout;
    private volatile int chunkSize;
    private volatile PathScheduler scheduler;
    private final Map<RsioPath, Integer> handles = new ConcurrentHashMap<>();
    private final ArrayDeque<IoRequest> waiting = new ArrayDeque<>();
    private final PathStats stats = new PathStats();
    private final ScheduledFuture<?> housekeeping;
    private volatile List<RsioPath> ready = List.of();
    /** FLUSHes for one server that has no ready path yet (see {@link #flush()}). */
    private final List<IoRequest> held = new ArrayList<>();
    private final FlushLedger ledger = new FlushLedger();
    private final Map<Integer, String> serverNames = new ConcurrentHashMap<>();
    /** The loop of the first path that opened the volume: front ends placed there avoid thread hops. */
    private volatile io.netty.channel.EventLoop homeLoop;

    VolumeClient(String namespace, VolumeInfo info, io.rsio.config.ClientConfig.MultipathSettings settings,
                 ScheduledExecutorService timer) {
        this.namespace = namespace;
        this.info = info;
        this.nopathTimeout = settings.nopathTimeout();
        this.chunkSize = settings.chunkSize();
        this.scheduler = new PathScheduler(PathScheduler.Policy.of(settings.policy()));
        this.housekeeping = timer.scheduleAtFixedRate(this::housekeeping, 100, 100, TimeUnit.MILLISECONDS);
    }

    /** A reload changed the namespace's multipath settings: later requests use the new ones. */
    void reconfigure(io.rsio.config.ClientConfig.MultipathSettings settings) {
        nopathTimeout = settings.nopathTimeout();
        chunkSize = settings.chunkSize();
        PathScheduler.Policy policy = PathScheduler.Policy.of(settings.policy());
        if (scheduler.policy() != policy) {
            scheduler = new PathScheduler(policy);
        }
    }

    public String namespace() {
        return namespace;
    }

    public VolumeInfo info() {
        return info;
    }

    PathStats stats() {
        return stats;
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
        return MAX_IO_SIZE;
    }

    @Override
    public boolean readOnly() {
        return info.readOnly();
    }

    /**
     * The event loop a front end (an NBD connection) should run on to share a thread with the
     * volume's first path: requests and replies then pass without a wake-up between threads.
     * Empty before any path has opened the volume.
     */
    public java.util.Optional<io.netty.channel.EventLoop> homeLoop() {
        return java.util.Optional.ofNullable(homeLoop);
    }

    /** True when a ready path other than {@code leaving} carries this volume. */
    boolean hasReadyPathBesides(java.util.Collection<RsioPath> leaving) {
        return ready.stream().anyMatch(p -> !leaving.contains(p));
    }

    public int readyPaths() {
        return ready.size();
    }

    @Override
    public CompletableFuture<ByteBuf> read(long offset, int length) {
        int chunkSize = this.chunkSize;
        if (length <= chunkSize) {
            return dispatch(new IoRequest(this, IoRequest.Kind.READ, offset, length, false, null))
                    .thenApply(ByteBuf.class::cast);
        }
        List<CompletableFuture<Object>> parts = new ArrayList<>();
        for (int done = 0; done < length; done += chunkSize) {
            int piece = Math.min(chunkSize, length - done);
            parts.add(dispatch(new IoRequest(this, IoRequest.Kind.READ, offset + done, piece, false, null)));
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).handle((ignored, failure) -> {
            if (failure != null) {
                parts.stream().filter(p -> !p.isCompletedExceptionally()).forEach(p -> ((ByteBuf) p.join()).release());
                throw failure instanceof RuntimeException re ? re : new java.util.concurrent.CompletionException(failure);
            }
            CompositeByteBuf whole = PooledByteBufAllocator.DEFAULT.compositeDirectBuffer(parts.size());
            parts.forEach(p -> whole.addComponent(true, (ByteBuf) p.join()));
            return whole;
        });
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuf data, boolean fua) {
        int length = data.readableBytes();
        int chunkSize = this.chunkSize;
        if (length <= chunkSize) {
            return dispatch(new IoRequest(this, IoRequest.Kind.WRITE, offset, length, fua, data)).thenApply(x -> null);
        }
        List<CompletableFuture<Object>> parts = new ArrayList<>();
        try {
            for (int done = 0; done < length; done += chunkSize) {
                int piece = Math.min(chunkSize, length - done);
                ByteBuf slice = data.retainedSlice(data.readerIndex() + done, piece);
                parts.add(dispatch(new IoRequest(this, IoRequest.Kind.WRITE, offset + done, piece, fua, slice)));
            }
        } finally {
            data.release(); // each chunk holds its own reference
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
    }

    /**
     * Flushes on every server that has a ready path and on every server that acknowledged
     * writes since its last FLUSH, reachable or not: a server makes durable only what it wrote
     * itself, and chunks of earlier writes may have gone to any of them. A part for a server
     * without a ready path waits for one up to {@code nopath_timeout}, then fails with EIO; a
     * server that comes back as another instance (its host rebooted) fails the FLUSH with EIO,
     * since the writes it held may be gone (docs/reliability.md, "Durability").
     */
    @Override
    public CompletableFuture<Void> flush() {
        List<String> losses = ledger.takeLosses();
        if (!losses.isEmpty()) {
            stats.errors.increment();
            return CompletableFuture.failedFuture(new BlockException(Errno.EIO, flushFailure(String.join("; ", losses))));
        }
        List<CompletableFuture<Object>> parts = new ArrayList<>();
        Set<Integer> pinned = new TreeSet<>(ledger.unflushed());
        for (int server : pinned) {
            // This server holds writes only it can make durable: the part waits for it.
            IoRequest flush = new IoRequest(this, IoRequest.Kind.FLUSH, 0, 0, false, null);
            flush.server = server;
            flush.covers = ledger.mark(server);
            parts.add(dispatch(flush));
        }
        // Servers without writes of ours get a FLUSH too while they are reachable (an earlier
        // rsiod may have left writes there), as before: best effort, it may move to any path.
        Map<Integer, RsioPath> others = new java.util.LinkedHashMap<>();
        for (RsioPath path : ready) {
            if (!pinned.contains(path.serverId())) {
                others.putIfAbsent(path.serverId(), path);
            }
        }
        for (RsioPath path : others.values()) {
            IoRequest flush = new IoRequest(this, IoRequest.Kind.FLUSH, 0, 0, false, null);
            Integer handle = handles.get(path);
            if (handle == null || !path.submit(flush, handle)) {
                dispatch(flush);
            }
            parts.add(flush.future);
        }
        if (parts.isEmpty()) {
            // Nothing written through this daemon and no path yet: the first server that comes
            // up flushes.
            return dispatch(new IoRequest(this, IoRequest.Kind.FLUSH, 0, 0, false, null)).thenApply(x -> null);
        }
        return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new));
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
            if (request.server >= 0) {
                // A FLUSH for one server waits for that server, without holding up the rest.
                synchronized (held) {
                    held.add(request);
                }
                drainHeld();
                return request.future;
            }
            synchronized (waiting) {
                waiting.add(request);
            }
            // A path may have come up between the failed send and the enqueue.
            drainWaiting();
        }
        return request.future;
    }

    /** Places the request on the path the scheduler picks; false when no path is ready. */
    private boolean send(IoRequest request) {
        for (int attempt = 0; attempt < 8; attempt++) {
            RsioPath path = request.server < 0 ? scheduler.pick(ready, request.length) : onServer(request.server);
            if (path == null) {
                return false;
            }
            Integer handle = handles.get(path);
            if (handle != null && path.submit(request, handle)) {
                return true;
            }
            refreshReady();
        }
        return false;
    }

    /** A ready path to server {@code serverId}, the least loaded, or null. */
    private RsioPath onServer(int serverId) {
        RsioPath best = null;
        for (RsioPath path : ready) {
            if (path.serverId() == serverId && (best == null || path.outstanding() < best.outstanding())) {
                best = path;
            }
        }
        return best;
    }

    void pathReady(RsioPath path, VolumeInfo latest, int handle) {
        if (handles.containsKey(path)) {
            // A re-list on the same connection (docs/VOLUMES.md), not a reconnect: only the size may change.
            info = latest;
            handles.put(path, handle);
            return;
        }
        if (homeLoop == null) {
            homeLoop = path.loop();
        }
        serverNames.put(path.serverId(), path.status().serverName());
        // Before the path takes any request: a FLUSH must not reach an instance that never
        // held the writes it is meant to make durable.
        FlushLedger.Loss loss = ledger.connected(path.serverId(), path.serverInstance());
        if (loss != null) {
            lost(loss);
        }
        info = latest;
        handles.put(path, handle);
        refreshReady();
        drainWaiting();
        drainHeld();
    }

    /**
     * A reload left no path to the servers outside {@code reachable}: unflushed writes there
     * can no longer be made durable from here, which the next FLUSH reports (EIO).
     */
    void serversRemoved(java.util.Set<Integer> reachable) {
        for (int server : ledger.servers()) {
            if (!reachable.contains(server)) {
                FlushLedger.Loss loss = ledger.forget(server);
                if (loss != null) {
                    lost(loss);
                }
            }
        }
    }

    /** Writes a server acknowledged may be gone: say so, and fail the FLUSHes waiting for it. */
    private void lost(FlushLedger.Loss loss) {
        LOG.error("volume {}:{}: {} ({}); the next FLUSH fails with EIO", namespace, info.name(), loss.why(),
                serverNames.getOrDefault(loss.serverId(), "?"));
        List<IoRequest> waitingForIt = new ArrayList<>();
        synchronized (held) {
            for (Iterator<IoRequest> it = held.iterator(); it.hasNext(); ) {
                IoRequest r = it.next();
                if (r.server == loss.serverId()) {
                    it.remove();
                    waitingForIt.add(r);
                }
            }
        }
        if (!waitingForIt.isEmpty()) {
            String why = ledger.takeLoss(loss.serverId());
            stats.errors.increment();
            waitingForIt.forEach(r -> r.fail(Errno.EIO, flushFailure(why == null ? loss.why() : why)));
        }
    }

    void pathDown(RsioPath path) {
        handles.remove(path);
        refreshReady();
    }

    private void refreshReady() {
        ready = handles.keySet().stream().filter(RsioPath::isReady).toList();
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
                stats.errors.increment();
                request.fail(failure.status(), failure.reason());
            }
        } else {
            stats.completed(request.kind, request.length);
            if (!recordDurability(path, request)) {
                return;
            }
            request.succeed(reply);
        }
    }

    /**
     * Notes in the ledger what a successful reply means for durability, before the front end
     * hears of it (so a FLUSH it sends next covers it); false when the reply must become an
     * error instead: a FLUSH of a server that may have lost writes meanwhile.
     */
    private boolean recordDurability(RsioPath path, IoRequest request) {
        switch (request.kind) {
            case WRITE, DISCARD, WRITE_ZEROES -> {
                if (request.kind != IoRequest.Kind.WRITE || !request.flag) { // FUA: durable already
                    FlushLedger.Loss loss = ledger.acknowledged(path.serverId(), path.serverInstance());
                    if (loss != null) {
                        lost(loss);
                    }
                }
            }
            case FLUSH -> {
                if (request.server >= 0) {
                    String loss = ledger.takeLoss(request.server);
                    if (loss != null) {
                        stats.errors.increment();
                        request.fail(Errno.EIO, flushFailure(loss));
                        return false;
                    }
                    ledger.flushed(request.server, path.serverInstance(), request.covers);
                }
            }
            case READ -> {}
        }
        return true;
    }

    private String flushFailure(String why) {
        return "FLUSH of " + namespace + ":" + info.name() + " failed: " + why;
    }

    /** Sends the FLUSHes waiting for their server, or fails those older than nopath_timeout. */
    private void drainHeld() {
        List<IoRequest> candidates;
        synchronized (held) {
            if (held.isEmpty()) {
                return;
            }
            candidates = new ArrayList<>(held);
        }
        long limit = System.nanoTime() - nopathTimeout.toNanos();
        for (IoRequest r : candidates) {
            boolean done;
            if (r.isFinished()) {
                done = true;
            } else if (r.startNanos < limit) {
                stats.errors.increment();
                r.fail(Errno.EIO, flushFailure("server " + serverNames.getOrDefault(r.server, "?") + " (id " + r.server
                        + ") holds " + ledger.unflushedWrites(r.server)
                        + " acknowledged write(s) not yet flushed and had no path for " + nopathTimeout.toMillis() + " ms"));
                done = true;
            } else {
                done = send(r);
            }
            if (done) {
                synchronized (held) {
                    held.remove(r);
                }
            }
        }
    }

    private void drainWaiting() {
        while (true) {
            IoRequest next;
            synchronized (waiting) {
                next = waiting.peek();
                if (next == null || ready.isEmpty()) {
                    return;
                }
                waiting.poll();
            }
            if (!next.isFinished() && next.startNanos < System.nanoTime() - nopathTimeout.toNanos()) {
                // It has outlived nopath_timeout bouncing between paths that never answer (a
                // server that logs in and then stalls): sending it to the next one would let
                // such a server hold the I/O forever.
                stats.errors.increment();
                next.fail(Errno.EIO, "no path to volume " + namespace + ":" + info.name() + " completed it within "
                        + nopathTimeout.toMillis() + " ms");
                continue;
            }
            if (!next.isFinished() && !send(next)) {
                synchronized (waiting) {
                    waiting.addFirst(next);
                }
                return;
            }
        }
    }

    private int samples;

    private void housekeeping() {
        refreshReady();
        if (++samples % 10 == 0) {
            stats.sample(false);
        }
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
            if (!r.isFinished()) {
                stats.errors.increment();
            }
            r.fail(Errno.EIO, "no path to volume " + namespace + ":" + info.name() + " for "
                    + nopathTimeout.toMillis() + " ms");
        }
        drainWaiting();
        drainHeld();
    }

    /** Fails every waiting request; used when rsiod stops. */
    void shutdown() {
        housekeeping.cancel(false);
        List<IoRequest> left;
        synchronized (waiting) {
            left = new ArrayList<>(waiting);
            waiting.clear();
        }
        synchronized (held) {
            left.addAll(held);
            held.clear();
        }
        left.forEach(r -> r.fail(Errno.ESHUTDOWN, "rsiod is stopping"));
    }
}
