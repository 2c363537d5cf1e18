package io.rsio.client.multipath;

import io.rsio.metrics.IoLatency;
import io.netty.buffer.ByteBuf;
import io.rsio.block.BlockCompletion;
import io.rsio.block.BlockException;
import io.rsio.block.BlockFuture;
import io.rsio.block.BlockTarget;
import io.rsio.block.Errno;
import io.rsio.block.RequestSplitter;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.VolumeInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One RSIO volume as a {@link BlockTarget}, over every path that has it open, on one or more
 * servers exporting the same volume identity. Large requests are cut into chunks that travel
 * on several paths at once, so even one sequential stream uses every link; the
 * {@link PathScheduler} places each chunk. A request whose path dies is sent again on
 * another; with no path at all requests wait up to {@code nopath_timeout}, then fail with EIO.
 *
 * <p>Why it is long: dispatch, completion and the FLUSH rules read and change the same state
 * (ready paths, handles, the ledger, held FLUSHes) under one set of rules about durability;
 * the parts with a job of their own are out already ({@link NoPathQueue}, {@link HeldFlushes},
 * {@link FlushLedger}, {@link ActiveGateway}, {@link VolumeOutcomes}, {@link PathScheduler}).
 */
public final class VolumeClient implements BlockTarget, RequestOwner {
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
    private final NoPathQueue waiting = new NoPathQueue();
    private final PathStats stats = new PathStats();
    private final VolumeOutcomes outcomes;
    private final ScheduledFuture<?> housekeeping;
    private final ScheduledExecutorService timer;
    /** How long a request waits before it is sent again to a gateway that answered ESHUTDOWN. */
    static final long ESHUTDOWN_PAUSE_MILLIS = 50;
    private volatile List<RsioPath> ready = List.of();
    /** FLUSHes for one server that has no ready path yet (see {@link #flush()}). */
    private final HeldFlushes held = new HeldFlushes();
    private final FlushLedger ledger = new FlushLedger();
    private final Map<Integer, String> serverNames = new ConcurrentHashMap<>();
    private final ActiveGateway gateway;
    /** The loop of the first path that opened the volume: front ends placed there avoid thread hops. */
    private volatile io.netty.channel.EventLoop homeLoop;

    VolumeClient(String namespace, VolumeInfo info, io.rsio.config.ClientConfig.MultipathSettings settings,
                 ScheduledExecutorService timer) {
        this.namespace = namespace;
        this.timer = timer;
        this.info = info;
        this.gateway = new ActiveGateway(namespace + ":" + info.name(), info.id(), serverNames);
        this.outcomes = new VolumeOutcomes(namespace, info.name());
        this.nopathTimeout = settings.nopathTimeout();
        this.chunkSize = settings.chunkSize();
        this.scheduler = new PathScheduler(PathScheduler.Policy.of(settings.policy()));
        // Every volume's housekeeping on one grid of HOUSEKEEPING_NANOS: the timer thread wakes
        // once a tick for all volumes rather than once per volume at its own phase (32 servers
        // with a volume each were 320 wake-ups a second; docs/performance.md §13).
        long phase = HOUSEKEEPING_NANOS - Math.floorMod(System.nanoTime(), HOUSEKEEPING_NANOS);
        this.housekeeping = timer.scheduleAtFixedRate(this::housekeeping, phase, HOUSEKEEPING_NANOS,
                TimeUnit.NANOSECONDS);
    }

    /** How often a volume expires and re-sends the requests waiting for a path, and samples its rates. */
    static final long HOUSEKEEPING_NANOS = 100_000_000L;

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

    public PathStats stats() {
        return stats;
    }

    /** Latency of this volume's requests, from the front end's call to the server's reply. */
    public io.rsio.metrics.IoLatency latency() {
        return outcomes.latency();
    }

    /** Whether the servers report this volume out of space now (writes fail with ENOSPC). */
    public io.rsio.common.NoSpaceEpisode noSpace() {
        return outcomes.noSpace();
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
    public boolean hasReadyPathBesides(java.util.Collection<RsioPath> leaving) {
        return ready.stream().anyMatch(p -> !leaving.contains(p));
    }

    public int readyPaths() {
        return ready.size();
    }

    @Override
    public CompletableFuture<ByteBuf> read(long offset, int length) {
        return RequestSplitter.read(offset, length, chunkSize, (at, piece) -> {
            BlockFuture part = new BlockFuture();
            dispatch(request(IoRequest.Kind.READ, at, piece, false, null, part));
            return part;
        });
    }

    /** A read of one chunk or less is one request that completes {@code done} itself: no future on the way. */
    @Override
    public void read(long offset, int length, BlockCompletion done) {
        if (length > chunkSize) {
            BlockCompletion.when(read(offset, length), done);
        } else {
            dispatch(request(IoRequest.Kind.READ, offset, length, false, null, done));
        }
    }

    @Override
    public CompletableFuture<Void> write(long offset, ByteBuf data, boolean fua) {
        return RequestSplitter.write(offset, data, chunkSize, (at, piece) ->
                dispatched(IoRequest.Kind.WRITE, at, piece.readableBytes(), fua, piece));
    }

    @Override
    public void write(long offset, ByteBuf data, boolean fua, BlockCompletion done) {
        if (data.readableBytes() > chunkSize) {
            BlockCompletion.when(write(offset, data, fua), done);
        } else {
            dispatch(request(IoRequest.Kind.WRITE, offset, data.readableBytes(), fua, data, done));
        }
    }

    private IoRequest request(IoRequest.Kind kind, long offset, int length, boolean flag, ByteBuf data,
            BlockCompletion done) {
        return new IoRequest(kind, offset, length, flag, data, this, done);
    }

    /** Sends a request that completes a future of its own, for the operations that compose. */
    private CompletableFuture<Void> dispatched(IoRequest.Kind kind, long offset, int length, boolean flag, ByteBuf data) {
        BlockFuture done = new BlockFuture();
        dispatch(request(kind, offset, length, flag, data, done));
        return done.thenApply(x -> null);
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
        if (info.oneActiveServer()) {
            // Gateways to shared storage: every acknowledged write is durable there already,
            // whichever gateway took it; the FLUSH is a barrier on the active one.
            return dispatched(IoRequest.Kind.FLUSH, 0, 0, false, null);
        }
        List<String> losses = ledger.takeLosses();
        if (!losses.isEmpty()) {
            stats.errors.increment();
            return CompletableFuture.failedFuture(new BlockException(Errno.EIO, flushFailure(String.join("; ", losses))));
        }
        List<CompletableFuture<ByteBuf>> parts = new ArrayList<>();
        Set<Integer> pinned = new TreeSet<>(ledger.unflushed());
        for (int server : pinned) {
            // This server holds writes only it can make durable: the part waits for it.
            BlockFuture part = new BlockFuture();
            IoRequest flush = request(IoRequest.Kind.FLUSH, 0, 0, false, null, part);
            flush.server = server;
            flush.covers = ledger.mark(server);
            parts.add(part);
            dispatch(flush);
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
            BlockFuture part = new BlockFuture();
            IoRequest flush = request(IoRequest.Kind.FLUSH, 0, 0, false, null, part);
            parts.add(part);
            Integer handle = handles.get(path);
            if (handle == null || !path.submit(flush, handle)) {
                dispatch(flush);
            }
        }
        if (parts.isEmpty()) {
            // Nothing written through this daemon and no path yet: the first server that comes
            // up flushes.
            return dispatched(IoRequest.Kind.FLUSH, 0, 0, false, null);
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
        return RequestSplitter.ranged(offset, length, MAX_RANGE_PIECE, (at, piece) ->
                dispatched(kind, at, piece, flag, null));
    }

    private void dispatch(IoRequest request) {
        if (!send(request)) {
            if (request.server >= 0) {
                // A FLUSH for one server waits for that server, without holding up the rest.
                held.add(request);
                drainHeld();
                return;
            }
            waiting.add(request);
            // A path may have come up between the failed send and the enqueue.
            drainWaiting();
        }
    }

    /** Places the request on the path the scheduler picks; false when no path is ready. */
    private boolean send(IoRequest request) {
        for (int attempt = 0; attempt < 8; attempt++) {
            RsioPath path = request.server < 0 ? scheduler.pick(candidates(), request.length)
                    : PathScheduler.leastLoadedOn(ready, request.server);
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

    /** The ready paths a request may take (all, or the active gateway's: {@link ActiveGateway}). */
    private List<RsioPath> candidates() {
        List<RsioPath> all = ready;
        return info.oneActiveServer() ? gateway.pathsToUse(all) : all;
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
        List<IoRequest> waitingForIt = held.takeFor(loss.serverId());
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
    @Override
    public void retry(IoRequest request) {
        if (!request.isFinished()) {
            dispatch(request);
        }
    }

    @Override
    public void completed(RsioPath path, IoRequest request, Reply reply) {
        if (reply instanceof Reply.Failure failure) {
            if (failure.status() == Errno.ESHUTDOWN) {
                // e.g. a gateway another one fenced
                if (info.oneActiveServer() && !gateway.leave(path.serverId(), ready)) {
                    // The only gateway in reach was fenced and is reconnecting: send it again
                    // shortly rather than in a busy loop.
                    try {
                        timer.schedule(() -> retry(request), ESHUTDOWN_PAUSE_MILLIS, TimeUnit.MILLISECONDS);
                        return;
                    } catch (java.util.concurrent.RejectedExecutionException stopping) {
                        // rsiod is stopping: the retry below meets the closing paths
                    }
                }
                retry(request); // that server is going away; another may serve it
            } else {
                stats.errors.increment();
                outcomes.failed(serverNames.getOrDefault(path.serverId(), "?"), failure);
                request.fail(failure.status(), failure.reason());
            }
        } else {
            stats.completed(request.kind, request.length);
            outcomes.succeeded(request);
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
                // FUA, and every write to a gateway volume: durable already.
                if ((request.kind != IoRequest.Kind.WRITE || !request.flag) && !info.oneActiveServer()) {
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
        held.drain(this::send, System.nanoTime() - nopathTimeout.toNanos(), r -> {
            stats.errors.increment();
            r.fail(Errno.EIO, flushFailure("server " + serverNames.getOrDefault(r.server, "?") + " (id " + r.server
                    + ") holds " + ledger.unflushedWrites(r.server)
                    + " acknowledged write(s) not yet flushed and had no path for " + nopathTimeout.toMillis() + " ms"));
        });
    }

    private void drainWaiting() {
        // A request past nopath_timeout here has bounced between paths that never answer.
        waiting.drain(() -> !ready.isEmpty(), this::send, System.nanoTime() - nopathTimeout.toNanos(), r -> {
            stats.errors.increment();
            r.fail(Errno.EIO, "no path to volume " + namespace + ":" + info.name() + " completed it within "
                    + nopathTimeout.toMillis() + " ms");
        });
    }

    private int samples;

    private void housekeeping() {
        refreshReady();
        if (++samples % 10 == 0) {
            stats.sample(false);
        }
        for (IoRequest r : waiting.expire(System.nanoTime() - nopathTimeout.toNanos())) {
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
        shutdown("rsiod is stopping");
    }

    /** Ends the volume here: the requests waiting for a path or held fail with {@code reason}. */
    void shutdown(String reason) {
        housekeeping.cancel(false);
        List<IoRequest> left = new ArrayList<>(waiting.clear());
        left.addAll(held.clear());
        left.forEach(r -> r.fail(Errno.ESHUTDOWN, reason));
    }
}
