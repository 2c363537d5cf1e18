package io.rsio.server.store;

import static io.rsio.server.store.StoreErrors.describe;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.rsio.block.BlockException;
import io.rsio.block.Errno;
import io.rsio.config.ServerConfig;
import io.rsio.nativeio.LinuxErrno;
import io.rsio.nativeio.rbd.AioCallback;
import io.rsio.nativeio.rbd.CephException;
import io.rsio.nativeio.rbd.RbdImage;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A volume kept in a Ceph RBD image, through librbd's asynchronous calls (docs/SCALE-OUT.md).
 *
 * <p>Each volume has its own connection to the cluster ({@link RbdConnection}), so fencing this
 * gateway for one image (a peer blocklists the connection) fences nothing else. librbd's cache
 * is off: a write is acknowledged once the OSDs have it, durable there and visible to every other
 * gateway, so a gateway that dies loses nothing it acknowledged and FUA costs nothing extra.
 *
 * <p>Changes go through {@link GatewayOwnership}: the first change on a gateway that does not
 * hold the image's exclusive lock takes it over (fencing the previous holder first).
 */
public final class RbdVolumeStore implements AsyncVolumeStore {
    private static final Logger LOG = LogManager.getLogger(RbdVolumeStore.class);
    /** librbd returns EBLOCKLISTED (= ESHUTDOWN) to a fenced client. */
    static final int EBLOCKLISTED = 108;

    private volatile VolumeGeometry geometry;
    private final ServerConfig.RbdImage source;
    private volatile RbdConnection connection;
    private final GatewayOwnership ownership;
    private volatile boolean closed;
    /** When the last "cluster did not answer" warning was logged (one per 10 s at most). */
    private volatile long lastTimeoutWarning = System.nanoTime() - 20_000_000_000L;

    private RbdVolumeStore(VolumeGeometry geometry, ServerConfig.RbdImage source, RbdConnection connection) {
        this.geometry = geometry;
        this.source = source;
        this.connection = connection;
        this.ownership = new GatewayOwnership(geometry.name(), () -> this.connection, this::reconnect);
    }

    /**
     * Connects to the cluster and opens the image; creates it when it does not exist and a size
     * is configured. The keyring must not be readable by other users.
     */
    public static RbdVolumeStore open(String volumeName, ServerConfig.RbdImage source, OptionalLong configuredSize,
            int blockSize, boolean readOnly) throws IOException {
        VolumeGeometry.checkBlockSize(blockSize);
        RbdConnection connection = RbdConnection.open(volumeName, source, configuredSize, readOnly);
        try {
            long size = VolumeGeometry.roundDown(connection.image().size(), blockSize);
            if (size == 0) {
                throw new IOException("volume " + volumeName + ": image " + connection.image().name()
                        + " is smaller than one block");
            }
            RbdVolumeStore store = new RbdVolumeStore(new VolumeGeometry(volumeName, size, blockSize, readOnly), source,
                    connection);
            connection.image().watchUpdates(store::imageChanged);
            LOG.info("volume {}: {} bytes in {} blocks of {} on RBD image {} as {} (connection {}){}", volumeName, size,
                    size / blockSize, blockSize, connection.image().name(), source.user(), connection.cluster().address(),
                    readOnly ? " (read-only)" : "");
            return store;
        } catch (IOException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * A librados connection to {@code pool}'s cluster with the gateway's settings, for the
     * management of an RBD pool (its catalog, creating and removing images).
     */
    public static io.rsio.nativeio.rbd.RadosCluster connect(ServerConfig.CephPool pool) throws IOException {
        return RbdConnection.connect(pool.cephConf(), pool.user(), pool.keyring(), pool.opTimeout());
    }

    /**
     * Another gateway fenced this one: a new connection (a new client instance, not on the
     * blocklist) makes it a standby again. The old one is closed aside: librbd may take a while
     * to give up a blocklisted handle.
     */
    private void reconnect() throws IOException {
        if (closed) {
            return;
        }
        RbdConnection fresh = RbdConnection.open(name(), source, OptionalLong.empty(), readOnly());
        try {
            fresh.image().watchUpdates(this::imageChanged);
        } catch (IOException e) {
            fresh.close();
            throw e;
        }
        RbdConnection old = connection;
        connection = fresh;
        Thread.ofPlatform().daemon().name("rbd-close-" + name()).start(old::close);
        LOG.info("volume {}: reconnected to RBD image {} as a new client ({}); standby until a client moves here",
                name(), fresh.image().name(), fresh.cluster().address());
    }

    /** The update watch: another client resized the image (or changed its header otherwise). */
    private void imageChanged() {
        if (closed) {
            return;
        }
        try {
            refreshSize();
        } catch (IOException | RuntimeException e) {
            LOG.debug("volume {}: size after an image change unknown: {}", geometry.name(), e.getMessage());
        }
    }

    /**
     * Resizes the image (a pool volume's growth or shrink, docs/VOLUMES.md) and takes the new
     * size at once; librbd carries the resize out through the lock owner, wherever it is.
     */
    public void resize(long size) throws IOException {
        live();
        connection.image().resize(size, size < geometry.size());
        refreshSize();
    }

    /** Takes the image's size as the cluster has it now (another gateway resized it). */
    public void refreshSize() throws IOException {
        live();
        VolumeGeometry g = geometry;
        long size = VolumeGeometry.roundDown(connection.image().size(), g.blockSize());
        if (size != g.size() && size > 0) {
            LOG.info("volume {}: RBD image {} resized from {} to {} bytes", g.name(), connection.image().name(),
                    g.size(), size);
            geometry = new VolumeGeometry(g.name(), size, g.blockSize(), g.readOnly());
        }
    }

    /** The bytes of the image's own allocated objects (what {@code rbd du} reports as used). */
    public long allocatedBytes() throws IOException {
        live();
        return connection.image().allocatedBytes();
    }

    @Override
    public VolumeGeometry geometry() {
        return geometry;
    }

    /** {@code pool/image}. */
    public String imageName() {
        return connection.image().name();
    }

    /** True while this gateway holds the image's exclusive lock (it serves changes). */
    public boolean owner() {
        return ownership.owned();
    }

    /** Times this gateway became the image's owner (took its lock, fencing the previous owner where there was one). */
    public long takeovers() {
        return ownership.takeovers();
    }

    /** Times another gateway fenced this one (and it reconnected as a standby). */
    public long fencings() {
        return ownership.fencings();
    }

    // ---- asynchronous operations

    @Override
    public void readAsync(long offset, ByteBuf dst, int length, Done done) {
        check(StoreOperation.READ, offset, length);
        dst.ensureWritable(length);
        boolean direct = dst.nioBufferCount() == 1 && dst.isDirect();
        ByteBuf target = direct ? dst : PooledByteBufAllocator.DEFAULT.directBuffer(length, length);
        ByteBuffer nio = target.nioBuffer(target.writerIndex(), length);
        String what = describe(StoreOperation.READ, offset, length);
        start(what, done, (image, callback) -> image.aioRead(offset, MemorySegment.ofBuffer(nio), callback), result -> {
            if (result < 0 || result == length) {
                if (!direct) {
                    if (result >= 0) {
                        dst.writeBytes(target, target.writerIndex(), length);
                    }
                    target.release();
                } else if (result >= 0) {
                    dst.writerIndex(dst.writerIndex() + length);
                }
                return result;
            }
            if (!direct) {
                target.release();
            }
            return -LinuxErrno.EIO; // a short read of a range inside the image
        });
    }

    @Override
    public void writeAsync(long offset, ByteBuf src, boolean fua, Done done) {
        int length = src.readableBytes();
        check(StoreOperation.WRITE, offset, length);
        ByteBuffer[] parts = src.nioBuffers(src.readerIndex(), length);
        ByteBuf copy = null;
        List<MemorySegment> segments = new ArrayList<>(parts.length);
        for (ByteBuffer part : parts) {
            if (!part.isDirect()) {
                segments = null;
                break;
            }
            segments.add(MemorySegment.ofBuffer(part));
        }
        if (segments == null) { // heap data: librbd needs native memory
            copy = PooledByteBufAllocator.DEFAULT.directBuffer(length, length);
            copy.writeBytes(src, src.readerIndex(), length);
            segments = List.of(MemorySegment.ofBuffer(copy.nioBuffer()));
        }
        List<MemorySegment> buffers = segments;
        ByteBuf release = copy;
        String what = describe(StoreOperation.WRITE, offset, length);
        ownership.whenOwner(what, done, () -> start(what, done,
                (image, callback) -> image.aioWrite(offset, buffers, callback),
                result -> {
                    if (release != null) {
                        release.release();
                    }
                    return result;
                }), () -> {
                    if (release != null) {
                        release.release();
                    }
                });
    }

    @Override
    public void flushAsync(Done done) {
        live();
        start("flush", done, RbdImage::aioFlush, result -> result);
    }

    @Override
    public void discardAsync(long offset, long length, Done done) {
        check(StoreOperation.DISCARD, offset, length);
        String what = describe(StoreOperation.DISCARD, offset, length);
        ownership.whenOwner(what, done, () -> start(what, done, (image, c) -> image.aioDiscard(offset, length, c), r -> r),
                () -> {});
    }

    @Override
    public void writeZeroesAsync(long offset, long length, boolean mayPunchHole, Done done) {
        check(StoreOperation.WRITE_ZEROES, offset, length);
        String what = describe(StoreOperation.WRITE_ZEROES, offset, length);
        ownership.whenOwner(what, done,
                () -> start(what, done, (image, c) -> image.aioWriteZeroes(offset, length, !mayPunchHole, c), r -> r), () -> {});
    }

    private interface Starter {
        void start(RbdImage image, AioCallback callback) throws CephException;
    }

    private interface ResultMapper {
        long map(long result);
    }

    /** Starts one librbd request; its result (mapped, then turned into an errno) goes to {@code done}. */
    private void start(String what, Done done, Starter starter, ResultMapper mapper) {
        RbdConnection used = connection;
        AioCallback callback = raw -> {
            long result = mapper.map(raw);
            if (result == -EBLOCKLISTED) {
                ownership.fenced(used);
            }
            done.completed(result >= 0 ? null : failure(what, (int) -result));
        };
        try {
            starter.start(used.image(), callback);
        } catch (CephException e) {
            callback.completed(-e.errno());
        }
    }

    private BlockException failure(String what, int errno) {
        if (errno == EBLOCKLISTED) {
            // Another gateway took the image over and fenced this one: the client must send the
            // request again elsewhere, which ESHUTDOWN tells it (docs/SCALE-OUT.md).
            return new BlockException(Errno.ESHUTDOWN, what + " on volume " + name()
                    + ": this gateway was fenced (another gateway took over the RBD image)");
        }
        if (errno == RbdConnection.ETIMEDOUT) {
            // No answer from the cluster within the op timeout: this gateway may be cut off from
            // it while its clients still reach it. ESHUTDOWN sends the request to another gateway.
            long now = System.nanoTime();
            if (now - lastTimeoutWarning > 10_000_000_000L) {
                lastTimeoutWarning = now;
                LOG.warn("volume {}: the Ceph cluster did not answer within {} s; this gateway sends its clients to "
                        + "another gateway (answering ESHUTDOWN)", name(), source.opTimeout().toSeconds());
            }
            return new BlockException(Errno.ESHUTDOWN, what + " on volume " + name() + ": no answer from the Ceph "
                    + "cluster within " + source.opTimeout().toSeconds() + " s (this gateway may be cut off "
                    + "from it); send it to another gateway");
        }
        return new BlockException(StoreErrors.errnoOf(errno), what + " on volume " + name() + " failed: "
                + LinuxErrno.name(errno) + " from RBD image " + source.pool() + "/" + source.image());
    }

    private void check(StoreOperation op, long offset, long length) {
        live();
        geometry.check(op, offset, length);
    }

    private void live() {
        if (closed) {
            throw StoreErrors.closed(name());
        }
    }

    // ---- the synchronous contract: wait for the asynchronous operations

    @Override
    public void read(long offset, ByteBuf dst, int length) {
        await(done -> readAsync(offset, dst, length, done));
    }

    @Override
    public void write(long offset, ByteBuf src, boolean fua) {
        await(done -> writeAsync(offset, src, fua, done));
    }

    @Override
    public void flush() {
        await(this::flushAsync);
    }

    @Override
    public void discard(long offset, long length) {
        await(done -> discardAsync(offset, length, done));
    }

    @Override
    public void writeZeroes(long offset, long length, boolean mayPunchHole) {
        await(done -> writeZeroesAsync(offset, length, mayPunchHole, done));
    }

    private static void await(java.util.function.Consumer<Done> operation) {
        CompletableFuture<BlockException> result = new CompletableFuture<>();
        operation.accept(result::complete);
        BlockException failure;
        try {
            failure = result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BlockException(Errno.EIO, "interrupted while waiting for RBD");
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** Releases the lock if held (a clean handover), closes the image and the connection. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        ownership.close();
        connection.close();
    }
}
