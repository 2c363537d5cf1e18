package io.rsio.client.multipath;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * Requests of one volume that found no ready path, oldest first. They go out in order when a
 * path comes up; one that waited longer than {@code nopath_timeout} (or bounced that long
 * between paths that never answer) is handed to the caller to fail. Thread-safe: front ends
 * add, path loops and the housekeeping timer drain.
 */
final class NoPathQueue {
    private final ArrayDeque<IoRequest> waiting = new ArrayDeque<>();

    void add(IoRequest request) {
        synchronized (waiting) {
            waiting.add(request);
        }
    }

    /**
     * Sends waiting requests in order while a path is ready and {@code send} takes them; one
     * started before {@code deadlineNanos} goes to {@code expired} instead: sending it to the
     * next path would let a server that logs in and then stalls hold the I/O forever.
     */
    void drain(BooleanSupplier anyReady, Predicate<IoRequest> send, long deadlineNanos, Consumer<IoRequest> expired) {
        while (true) {
            IoRequest next;
            synchronized (waiting) {
                next = waiting.peek();
                if (next == null || !anyReady.getAsBoolean()) {
                    return;
                }
                waiting.poll();
            }
            if (!next.isFinished() && next.startNanos < deadlineNanos) {
                expired.accept(next);
                continue;
            }
            if (!next.isFinished() && !send.test(next)) {
                synchronized (waiting) {
                    waiting.addFirst(next);
                }
                return;
            }
        }
    }

    /** Removes the finished requests and those started before {@code deadlineNanos}; returns them. */
    List<IoRequest> expire(long deadlineNanos) {
        List<IoRequest> expired = new ArrayList<>();
        synchronized (waiting) {
            for (Iterator<IoRequest> it = waiting.iterator(); it.hasNext(); ) {
                IoRequest r = it.next();
                if (r.isFinished() || r.startNanos < deadlineNanos) {
                    it.remove();
                    expired.add(r);
                }
            }
        }
        return expired;
    }

    /** Empties the queue; returns what it held. */
    List<IoRequest> clear() {
        synchronized (waiting) {
            List<IoRequest> left = new ArrayList<>(waiting);
            waiting.clear();
            return left;
        }
    }
}
