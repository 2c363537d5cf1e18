package io.rsio.nativeio.fuse;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/** The io_uring queues of one mount ({@link FuseMount}), one per possible CPU, each on its own thread. */
final class FuseRingQueues {
    /**
     * Ring entries per io_uring queue: requests one queue can hold at once. A loop device's
     * queue (QD32) may come from one CPU. Each entry has a payload of max_write (1 MiB) mapped
     * lazily: memory becomes resident only as large requests use it.
     */
    static final int RING_DEPTH = 32;

    private final List<FuseRingQueue> queues = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();

    /**
     * Starts one io_uring queue per possible CPU on the mount's descriptor {@code fd} (the kernel
     * sends a request to the queue of the CPU it was made on, and uses the rings only once every
     * queue has an entry) and waits for their registration. Each thread counts itself in
     * {@code running} and calls {@code ended} when it stops. Returns null, or why io_uring cannot
     * be used (the queues are then stopped; the kernel sends requests to /dev/fuse after a failed
     * registration).
     */
    String start(int fd, FuseInitReply negotiated, VolumeFileSystem fs, Path dir, String threadPrefix,
            AtomicInteger running, Runnable ended) throws IOException {
        int count = FuseUringSupport.possibleCpus();
        long payload = Math.max(negotiated.maxWrite(), (long) negotiated.maxPages() * 4096);
        for (int q = 0; q < count; q++) {
            FuseRingQueue queue = new FuseRingQueue(q, fd, RING_DEPTH, payload, fs, dir.toString());
            queues.add(queue);
            Thread t = Thread.ofPlatform().daemon().name(threadPrefix + "-q" + q).unstarted(() -> {
                try {
                    queue.run();
                } finally {
                    ended.run();
                }
            });
            threads.add(t);
            running.incrementAndGet();
            t.start();
        }
        String failure = awaitRegistration();
        if (failure != null) {
            queues.forEach(FuseRingQueue::stop);
        }
        return failure;
    }

    private String awaitRegistration() {
        for (FuseRingQueue queue : queues) {
            try {
                queue.registered.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                return "registering io_uring queue " + queue.qid() + " failed: " + e.getCause().getMessage();
            } catch (TimeoutException e) {
                return "io_uring queue " + queue.qid() + " did not register within 10 s";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted while registering the io_uring queues";
            }
        }
        return null;
    }

    /** Requests that arrived over the queues. */
    long requests() {
        return queues.stream().mapToLong(FuseRingQueue::requests).sum();
    }

    int size() {
        return queues.size();
    }

    List<Thread> threads() {
        return threads;
    }
}
