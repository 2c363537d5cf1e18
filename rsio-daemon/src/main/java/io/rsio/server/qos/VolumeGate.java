package io.rsio.server.qos;

import io.rsio.wire.message.VolumeLimit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * What a volume's requests pass on rssrv before they reach its store (docs/VOLUMES.md,
 * "Throttling" and "Pause"): the volume's bandwidth and IOPS limit and each client's own limit
 * on it, as token buckets, and a pause. A request over a limit waits (it is never refused) and
 * the time it waited is counted; while the volume is paused requests are held and go on when it
 * resumes. Limits change at any time; a bucket whose rate stays the same keeps its state.
 *
 * <p>Thread-safe: the event loops of every connection to the volume admit requests here.
 */
public final class VolumeGate {
    /** A limit's two buckets; null where that dimension is unlimited. */
    private record Buckets(VolumeLimit limit, TokenBucket bytes, TokenBucket ops) {
        static Buckets of(VolumeLimit limit, Buckets before) {
            return new Buckets(limit, bucket(limit.bytesPerSecond(), before == null ? null : before.bytes),
                    bucket(limit.iops(), before == null ? null : before.ops));
        }

        private static TokenBucket bucket(long rate, TokenBucket before) {
            if (rate == 0) {
                return null;
            }
            return before != null && before.rate() == rate ? before : new TokenBucket(rate);
        }

        long take(long bytes, long now) {
            long wait = 0;
            if (this.bytes != null && bytes > 0) {
                wait = this.bytes.take(bytes, now);
            }
            if (ops != null) {
                wait = Math.max(wait, ops.take(1, now));
            }
            return wait;
        }
    }

    /** A request the gate holds: paused, or waiting for tokens it has (charged) or not yet taken. */
    private record Held(String client, long bytes, ScheduledExecutorService loop, Runnable go, boolean charged) {}

    /** The volume's limit under client "", each client's under its name; replaced whole. */
    private volatile Map<String, Buckets> limits = Map.of();
    private final LongAdder throttledRequests = new LongAdder();
    private final LongAdder throttledNanos = new LongAdder();
    /** Guards held and changes of paused; a pause sees every request either held or active. */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    /** Written under the lock, read without it by {@link #admitAtOnce}. */
    private volatile boolean paused;
    private final List<Held> held = new ArrayList<>();
    /** Requests let through and not yet {@link #done}. */
    private final AtomicInteger active = new AtomicInteger();

    /**
     * The per-I/O path of a volume with no limit and no pause (nearly all of them): no lock, no
     * allocation. True when the request may go (the caller then calls {@link #done}); false
     * when it must take {@link #admit}. A pause that begins at the same moment is safe: it
     * sets {@code paused} and then reads {@code active}, this bumps {@code active} and then
     * reads {@code paused}, so one of the two sees the other.
     */
    public boolean admitAtOnce() {
        if (paused || !limits.isEmpty()) {
            return false;
        }
        active.incrementAndGet();
        if (paused) {
            done();
            return false;
        }
        return true;
    }

    /**
     * Admits one request of {@code client} moving {@code bytes} of data (0 for DISCARD and
     * WRITE_ZEROES, which count as operations only): true when it may go at once, and then the
     * caller calls {@link #done} when it completes; otherwise the gate holds it (the volume is
     * paused, or over a limit) and runs {@code go} on {@code loop} once it may go (then too the
     * caller calls {@link #done} when it completes), and this answers false.
     */
    public boolean admit(String client, long bytes, ScheduledExecutorService loop, Runnable go) {
        return pass(new Held(client, bytes, loop, go, false), false);
    }

    /** Lets {@code request} through, holds it while paused, or schedules it after its wait. */
    private boolean pass(Held request, boolean runHere) {
        long wait;
        lock.lock();
        try {
            if (paused) {
                held.add(request);
                return false;
            }
            wait = request.charged() ? 0 : take(request.client(), request.bytes());
            if (wait == 0) {
                active.incrementAndGet();
            }
        } finally {
            lock.unlock();
        }
        if (wait == 0) {
            if (runHere) {
                request.loop().execute(request.go());
            }
            return true;
        }
        throttledRequests.increment();
        throttledNanos.add(wait);
        Held charged = new Held(request.client(), request.bytes(), request.loop(), request.go(), true);
        request.loop().schedule(() -> pass(charged, true), wait, TimeUnit.NANOSECONDS);
        return false;
    }

    private long take(String client, long bytes) {
        Map<String, Buckets> now = limits;
        if (now.isEmpty()) {
            return 0;
        }
        long at = System.nanoTime();
        long wait = 0;
        Buckets volume = now.get("");
        if (volume != null) {
            wait = volume.take(bytes, at);
        }
        Buckets own = now.get(client);
        if (own != null) {
            wait = Math.max(wait, own.take(bytes, at));
        }
        return wait;
    }

    /** A request let through has completed. */
    public void done() {
        // Only a pause waits for idle; the lock makes the signal reach a waiter between its check and its await.
        if (active.decrementAndGet() == 0 && paused) {
            lock.lock();
            try {
                idle.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Pauses every gate of {@code gates} at one instant (all their locks held together): from
     * then on their new requests are held, not executed and not failed.
     */
    public static void pauseAll(List<VolumeGate> gates) {
        List<VolumeGate> ordered = gates.stream().distinct()
                .sorted(java.util.Comparator.comparingInt(System::identityHashCode)).toList();
        int locked = 0;
        try {
            for (VolumeGate g : ordered) {
                g.lock.lock();
                locked++;
            }
            ordered.forEach(g -> g.paused = true);
        } finally {
            for (int i = locked - 1; i >= 0; i--) {
                ordered.get(i).lock.unlock();
            }
        }
    }

    /**
     * Waits until the requests let through before the pause have completed, at most until
     * {@code deadlineNanos} (System.nanoTime); answers how many are still executing.
     */
    public int awaitIdle(long deadlineNanos) throws InterruptedException {
        lock.lock();
        try {
            while (active.get() > 0) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                idle.awaitNanos(left);
            }
            return active.get();
        } finally {
            lock.unlock();
        }
    }

    /** Ends a pause: the held requests go on (through the limits) on their loops. Answers how many were held. */
    public int resume() {
        List<Held> release;
        lock.lock();
        try {
            paused = false;
            release = List.copyOf(held);
            held.clear();
        } finally {
            lock.unlock();
        }
        release.forEach(r -> r.loop().execute(() -> pass(r, true)));
        return release.size();
    }

    public boolean paused() {
        return paused;
    }

    /** Requests held by the pause now. */
    public int heldNow() {
        lock.lock();
        try {
            return held.size();
        } finally {
            lock.unlock();
        }
    }

    /** Sets the limits in force: the volume's (client "") and per client; unlimited ones are dropped. */
    public synchronized void limit(List<VolumeLimit> next) {
        Map<String, Buckets> before = limits;
        Map<String, Buckets> after = new HashMap<>();
        for (VolumeLimit l : next) {
            if (!l.unlimited()) {
                after.put(l.client(), Buckets.of(l, before.get(l.client())));
            }
        }
        limits = Map.copyOf(after);
    }

    /** The limits in force, the volume's first, then per client by name. */
    public List<VolumeLimit> limits() {
        List<VolumeLimit> out = new ArrayList<>(limits.values().stream().map(Buckets::limit).toList());
        out.sort(java.util.Comparator.comparing(VolumeLimit::client));
        return out;
    }

    /** Requests that waited for a limit since the volume was opened. */
    public long throttledRequests() {
        return throttledRequests.sum();
    }

    /** Their waits, summed. */
    public long throttledNanos() {
        return throttledNanos.sum();
    }
}
