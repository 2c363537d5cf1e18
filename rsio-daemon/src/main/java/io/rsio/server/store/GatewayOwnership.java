package io.rsio.server.store;

import io.rsio.block.BlockException;
import io.rsio.block.Errno;
import io.rsio.nativeio.rbd.CephException;
import io.rsio.nativeio.rbd.RbdImage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Which gateway may change an RBD image: the one holding its exclusive lock (docs/SCALE-OUT.md,
 * "Ownership"). Clients send a volume's I/O to one gateway at a time and move only when it
 * is unreachable, so a change arriving at a gateway that does not own the image means the
 * client lost the owner: this gateway then takes the image over. It first fences the previous
 * owner (blocklists its connection, so the OSDs refuse everything it still sends, including
 * writes in flight that the client is about to send again here), then breaks its lock and
 * takes it. Changes that arrive meanwhile wait, in order, and start once the lock is held.
 *
 * <p>A gateway fenced while alive (clients moved away from it) reconnects as a new client and is
 * a standby again. The lock calls block (a blocklist waits for the new OSD map), so they run on
 * one thread of this volume, never on an event loop.
 */
final class GatewayOwnership implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(GatewayOwnership.class);
    /** 0: the cluster's osd_blocklist_default_expire (an hour), far longer than a restart. */
    private static final int BLOCKLIST_SECONDS = 0;

    private record Waiting(AsyncVolumeStore.Done done, Runnable start, Runnable abandon) {}

    /** Replaces the volume's connection with a new one (a new client instance). */
    @FunctionalInterface
    interface Reconnect {
        void run() throws java.io.IOException;
    }

    private final String volume;
    private final Supplier<RbdConnection> current;
    private final Reconnect reconnect;
    private final ExecutorService lockThread;
    private final List<Waiting> waiting = new ArrayList<>();
    private volatile boolean owned;
    private volatile boolean fenced;
    /** For the metrics: lock acquisitions by this gateway, and fencings of it by another. */
    private final java.util.concurrent.atomic.AtomicLong takeovers = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong fencings = new java.util.concurrent.atomic.AtomicLong();
    private volatile boolean closed;
    private boolean takingOver;

    GatewayOwnership(String volume, Supplier<RbdConnection> current, Reconnect reconnect) {
        this.volume = volume;
        this.current = current;
        this.reconnect = reconnect;
        this.lockThread = Executors.newSingleThreadExecutor(Thread.ofPlatform().daemon().name("rbd-lock-" + volume)
                .factory());
    }

    boolean owned() {
        return owned;
    }

    /** Times this gateway became the image's owner (the first time included). */
    long takeovers() {
        return takeovers.get();
    }

    /** Times another gateway fenced this one. */
    long fencings() {
        return fencings.get();
    }

    /**
     * Runs {@code start} once this gateway owns the image (at once when it does); if taking it
     * over fails, runs {@code abandon} and reports the failure to {@code done}.
     */
    void whenOwner(String what, AsyncVolumeStore.Done done, Runnable start, Runnable abandon) {
        if (owned) {
            start.run();
            return;
        }
        synchronized (this) {
            if (!owned) {
                waiting.add(new Waiting(done, start, abandon));
                if (!takingOver) {
                    takingOver = true;
                    lockThread.execute(this::takeOver);
                }
                return;
            }
        }
        start.run();
    }

    /**
     * A request on {@code connection} failed with EBLOCKLISTED: another gateway fenced this one.
     * Until a new connection is up, requests are answered with ESHUTDOWN (clients move to the
     * owner); then this gateway is a standby again. Late failures of an older connection are
     * ignored.
     */
    void fenced(RbdConnection connection) {
        synchronized (this) {
            if (fenced || connection != current.get() || closed) {
                return;
            }
            fenced = true;
            owned = false;
        }
        fencings.incrementAndGet();
        LOG.error("volume {}: another gateway took over RBD image {} and fenced this one; reconnecting as a new "
                + "client, requests meanwhile are answered with ESHUTDOWN", volume, connection.image().name());
        lockThread.execute(this::recover);
    }

    private void recover() {
        for (int attempt = 1; !closed; attempt++) {
            try {
                reconnect.run();
                fenced = false;
                return;
            } catch (java.io.IOException | RuntimeException e) {
                LOG.warn("volume {}: reconnecting after being fenced, attempt {}: {}", volume, attempt, e.getMessage());
            }
            try {
                Thread.sleep(Math.min(10_000, 500L * attempt));
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void takeOver() {
        BlockException failure = null;
        long start = System.nanoTime();
        RbdConnection connection = current.get();
        RbdImage image = connection.image();
        try {
            if (fenced) {
                failure = new BlockException(Errno.ESHUTDOWN, "volume " + volume
                        + ": this gateway was fenced by another one and is reconnecting");
            } else {
                if (!image.isExclusiveLockOwner()) {
                    for (String previous : image.lockOwners()) {
                        LOG.warn("volume {}: taking RBD image {} over from {}: fencing it first", volume, image.name(),
                                previous);
                        connection.cluster().blocklist(previous, BLOCKLIST_SECONDS);
                        image.breakLock(previous);
                    }
                }
                // Also when librbd took the lock for this handle by itself (seen after an
                // `rbd resize` by another client): rbd_lock_acquire makes it a managed lock
                // that librbd no longer hands to a peer that asks for it.
                image.acquireExclusiveLock();
                takeovers.incrementAndGet();
                owned = true;
                LOG.info("volume {}: this gateway owns RBD image {} now (took {} ms)", volume, image.name(),
                        (System.nanoTime() - start) / 1_000_000);
            }
        } catch (CephException e) {
            if (e.errno() == RbdVolumeStore.EBLOCKLISTED) {
                fenced(connection);
                failure = new BlockException(Errno.ESHUTDOWN, "volume " + volume
                        + ": this gateway was fenced by another one and is reconnecting");
            } else {
                failure = cannotTakeOver(image, e);
            }
        } catch (RuntimeException e) {
            failure = cannotTakeOver(image, e);
        }
        List<Waiting> ready;
        synchronized (this) {
            ready = new ArrayList<>(waiting);
            waiting.clear();
            takingOver = false;
        }
        for (Waiting w : ready) {
            if (failure == null) {
                w.start().run();
            } else {
                w.abandon().run();
                w.done().completed(failure);
            }
        }
    }

    private BlockException cannotTakeOver(RbdImage image, Exception e) {
        LOG.error("volume {}: cannot take RBD image {} over: {}", volume, image.name(), e.getMessage());
        if (e instanceof CephException c && c.errno() == RbdConnection.ETIMEDOUT) {
            // The cluster did not answer: this gateway may be cut off; another one may not be.
            return new BlockException(Errno.ESHUTDOWN, "volume " + volume + ": this gateway cannot take RBD image "
                    + image.name() + " over, the Ceph cluster does not answer: " + e.getMessage());
        }
        return new BlockException(Errno.EIO, "volume " + volume + ": this gateway cannot take RBD image "
                + image.name() + " over: " + e.getMessage());
    }

    /** Hands the lock back (a clean stop: the next gateway need not fence this one). */
    @Override
    public void close() {
        closed = true;
        lockThread.shutdown();
        RbdImage image = current.get().image();
        if (owned && !fenced) {
            try {
                image.releaseLock();
                LOG.info("volume {}: released RBD image {}", volume, image.name());
            } catch (CephException e) {
                LOG.warn("volume {}: releasing the lock of RBD image {}: {}", volume, image.name(), e.getMessage());
            }
            owned = false;
        }
    }
}
