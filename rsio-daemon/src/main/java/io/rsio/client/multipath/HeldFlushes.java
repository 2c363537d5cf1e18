package io.rsio.client.multipath;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * FLUSHes of one volume for one server each that has no ready path yet: that server holds
 * writes only it can make durable, so its FLUSH waits for it without holding up the rest
 * (docs/reliability.md, "Durability"). Thread-safe.
 */
final class HeldFlushes {
    private final List<IoRequest> held = new ArrayList<>();

    void add(IoRequest flush) {
        synchronized (held) {
            held.add(flush);
        }
    }

    /**
     * Tries each held FLUSH once: a finished one is dropped, one started before
     * {@code deadlineNanos} goes to {@code expired}, the rest to {@code send}, and those it
     * takes leave.
     */
    void drain(Predicate<IoRequest> send, long deadlineNanos, Consumer<IoRequest> expired) {
        List<IoRequest> candidates;
        synchronized (held) {
            if (held.isEmpty()) {
                return;
            }
            candidates = new ArrayList<>(held);
        }
        for (IoRequest r : candidates) {
            boolean done;
            if (r.isFinished()) {
                done = true;
            } else if (r.startNanos < deadlineNanos) {
                expired.accept(r);
                done = true;
            } else {
                done = send.test(r);
            }
            if (done) {
                synchronized (held) {
                    held.remove(r);
                }
            }
        }
    }

    /** Removes and returns the FLUSHes waiting for server {@code serverId}. */
    List<IoRequest> takeFor(int serverId) {
        List<IoRequest> taken = new ArrayList<>();
        synchronized (held) {
            for (Iterator<IoRequest> it = held.iterator(); it.hasNext(); ) {
                IoRequest r = it.next();
                if (r.server == serverId) {
                    it.remove();
                    taken.add(r);
                }
            }
        }
        return taken;
    }

    /** Empties the list; returns what it held. */
    List<IoRequest> clear() {
        synchronized (held) {
            List<IoRequest> left = new ArrayList<>(held);
            held.clear();
            return left;
        }
    }
}
