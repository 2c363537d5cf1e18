package io.rsio.it;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Keeps {@code queueDepth} writes of stamped blocks (runs of 1 to 8 blocks, a few with FUA)
 * in flight on one NBD connection, with a FLUSH every {@code flushEvery} writes, and records
 * every outcome in a {@link WriteLedger}. Runs on its own thread until stopped or until its
 * connection fails.
 */
final class StampedWriter implements AutoCloseable {
    /** Where the writes go: rsiod's NBD export, or the attached block device. */
    interface Device {
        CompletableFuture<Void> write(long offset, byte[] data, boolean fua);

        CompletableFuture<Void> flush();
    }

    private final Device nbd;
    private final WriteLedger ledger;
    private final int queueDepth;
    private final int flushEvery;
    private final SplittableRandom random;
    private final Semaphore slots;
    private final List<Throwable> errors = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean stopping;

    StampedWriter(Device nbd, WriteLedger ledger, int queueDepth, int flushEvery, long seed) {
        this.nbd = nbd;
        this.ledger = ledger;
        this.queueDepth = queueDepth;
        this.flushEvery = flushEvery;
        this.random = new SplittableRandom(seed);
        this.slots = new Semaphore(queueDepth);
        this.thread = Thread.ofPlatform().daemon().name("stamped-writer").start(this::run);
    }

    private void run() {
        int sinceFlush = 0;
        try {
            while (!stopping && errors.isEmpty()) {
                if (!slots.tryAcquire(100, TimeUnit.MILLISECONDS)) {
                    continue;
                }
                if (++sinceFlush >= flushEvery) {
                    sinceFlush = 0;
                    long[] ackedAtSend = ledger.ackedSnapshot();
                    nbd.flush().whenComplete((v, e) -> {
                        if (e == null) {
                            ledger.flushed(ackedAtSend);
                        } else {
                            errors.add(e);
                        }
                        slots.release();
                    });
                    continue;
                }
                long[] claim = ledger.claim(random, 1 + random.nextInt(8));
                if (claim == null) {
                    slots.release();
                    continue;
                }
                int n = claim.length - 1;
                byte[] data = new byte[n * StampedBlocks.SIZE];
                for (int i = 0; i < n; i++) {
                    StampedBlocks.fill(data, i * StampedBlocks.SIZE, (int) claim[0] + i, claim[i + 1]);
                }
                boolean fua = random.nextInt(20) == 0;
                nbd.write(claim[0] * StampedBlocks.SIZE, data, fua).whenComplete((v, e) -> {
                    if (e == null) {
                        ledger.acknowledged(claim, fua);
                    } else {
                        ledger.abandoned(claim);
                        errors.add(e);
                    }
                    slots.release();
                });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Failures seen so far (an NBD error or a lost connection). */
    List<Throwable> errors() {
        return errors;
    }

    boolean running() {
        return thread.isAlive();
    }

    /**
     * Stops issuing and waits until every request in flight has an outcome; true when that
     * happened within {@code limit}.
     */
    boolean stop(Duration limit) throws InterruptedException {
        stopping = true;
        thread.join(limit.toMillis());
        return slots.tryAcquire(queueDepth, limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() throws Exception {
        stopping = true;
        thread.join(5000);
    }
}
