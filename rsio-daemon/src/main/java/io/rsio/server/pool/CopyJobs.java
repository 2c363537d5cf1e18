package io.rsio.server.pool;

import io.rsio.common.NamedThreads;
import io.rsio.wire.message.CopyJob;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * This server's copy jobs (docs/VOLUMES.md, "Copies"): the running ones and those that ended in
 * the last {@value #KEEP_MINUTES} minutes, and the threads that run them ({@value #THREADS}
 * "rssrv-copy" threads, started at once so that a tracer can find them; further jobs wait).
 */
final class CopyJobs implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(CopyJobs.class);
    static final int THREADS = 2;
    static final int KEEP_MINUTES = 10;
    private static final int KEEP_ENDED = 64;

    private final AtomicInteger ids = new AtomicInteger();
    private final List<Job> jobs = new ArrayList<>();
    private final ThreadPoolExecutor runner = new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), new NamedThreads("rssrv-copy"));

    CopyJobs() {
        runner.prestartAllCoreThreads();
    }

    /** The work of one job: copies, reporting progress to {@code job}, and checks {@link Job#cancelled()}. */
    @FunctionalInterface
    interface Work {
        void run(Job job) throws Exception;
    }

    /** A job done at once (a reflink): listed as done. */
    synchronized Job done(CopyJob.Kind kind, String pool, String source, String target, String client, long total) {
        Job job = new Job(ids.incrementAndGet(), kind, pool, source, target, client, total, true);
        job.finish(CopyJob.State.DONE, "");
        jobs.add(job);
        trim();
        return job;
    }

    /** Starts {@code work} as a background job on a copy thread. */
    synchronized Job start(CopyJob.Kind kind, String pool, String source, String target, String client, long total,
                           Work work) {
        Job job = new Job(ids.incrementAndGet(), kind, pool, source, target, client, total, false);
        jobs.add(job);
        trim();
        runner.execute(() -> {
            try {
                work.run(job);
                job.finish(CopyJob.State.DONE, "");
                LOG.info("copy job {}: {} of pool {} to {} {} done: {} bytes in {} ms", job.id, source, pool, kind.word,
                        target, total, job.elapsedMillis());
            } catch (Cancelled e) {
                job.finish(CopyJob.State.CANCELLED, e.getMessage());
                LOG.info("copy job {}: {} of pool {} to {} {} cancelled: {}", job.id, source, pool, kind.word, target,
                        e.getMessage());
            } catch (Exception | Error e) {
                job.finish(CopyJob.State.FAILED, e.getMessage() == null ? e.toString() : e.getMessage());
                LOG.error("copy job {}: {} of pool {} to {} {} failed: {}", job.id, source, pool, kind.word, target,
                        e.toString());
            }
        });
        return job;
    }

    /** The jobs of the pools {@code visible} accepts, oldest first. */
    synchronized List<CopyJob> list(Predicate<String> visible) {
        trim();
        return jobs.stream().filter(j -> visible.test(j.pool)).sorted(Comparator.comparingInt(j -> j.id))
                .map(Job::view).toList();
    }

    /** Cancels the running job making {@code target} in {@code pool}, if any. */
    synchronized void cancel(String pool, String target, String why) {
        jobs.stream().filter(j -> j.pool.equals(pool) && j.target.equals(target) && j.running()).forEach(j -> j.cancel(why));
    }

    /** True while a running job reads volume {@code source} of {@code pool}. */
    synchronized boolean reading(String pool, String source) {
        return jobs.stream().anyMatch(j -> j.pool.equals(pool) && j.source.equals(source) && j.running());
    }

    private void trim() {
        long now = System.nanoTime();
        jobs.removeIf(j -> !j.running() && now - j.endedNanos > TimeUnit.MINUTES.toNanos(KEEP_MINUTES));
        long ended = jobs.stream().filter(j -> !j.running()).count();
        for (var it = jobs.iterator(); it.hasNext() && ended > KEEP_ENDED; ) {
            if (!it.next().running()) {
                it.remove();
                ended--;
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            jobs.forEach(j -> j.cancel("server shutting down"));
        }
        runner.shutdown();
        try {
            if (!runner.awaitTermination(10, TimeUnit.SECONDS)) {
                runner.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Thrown by a job's work when it sees itself cancelled. */
    static final class Cancelled extends Exception {
        Cancelled(String why) {
            super(why, null, false, false);
        }
    }

    /** One job's progress, updated by its copy thread and read by listings. */
    static final class Job {
        private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);
        final int id;
        final CopyJob.Kind kind;
        final String pool;
        final String source;
        final String target;
        final String client;
        final long total;
        final boolean reflink;
        private final long startNanos = System.nanoTime();
        private volatile long done;
        private volatile CopyJob.State state = CopyJob.State.RUNNING;
        private volatile String message = "";
        private volatile String cancelled;
        private volatile long endedNanos;
        private volatile long rate;
        private long windowNanos = startNanos;
        private long windowDone;

        private Job(int id, CopyJob.Kind kind, String pool, String source, String target, String client, long total,
                    boolean reflink) {
            this.id = id;
            this.kind = kind;
            this.pool = pool;
            this.source = source;
            this.target = target;
            this.client = client;
            this.total = total;
            this.reflink = reflink;
        }

        /** The copy thread covered the volume up to {@code offset}; the rate is taken over about a second. */
        void progress(long offset) throws Cancelled {
            done = Math.min(offset, total);
            long now = System.nanoTime();
            if (now - windowNanos >= WINDOW_NANOS) {
                rate = (done - windowDone) * 1_000_000_000L / (now - windowNanos);
                windowNanos = now;
                windowDone = done;
            }
            String why = cancelled;
            if (why != null) {
                throw new Cancelled(why);
            }
        }

        void cancel(String why) {
            cancelled = why;
        }

        /** The reason it was cancelled, or null. */
        String cancelled() {
            return cancelled;
        }

        boolean running() {
            return state == CopyJob.State.RUNNING;
        }

        private void finish(CopyJob.State end, String why) {
            endedNanos = System.nanoTime();
            if (end == CopyJob.State.DONE) {
                done = total;
                long nanos = Math.max(1, endedNanos - startNanos);
                rate = reflink ? 0 : (long) (total * 1e9 / nanos);
            }
            message = why;
            state = end;
        }

        long elapsedMillis() {
            return TimeUnit.NANOSECONDS.toMillis((running() ? System.nanoTime() : endedNanos) - startNanos);
        }

        CopyJob view() {
            CopyJob.State s = state;
            return new CopyJob(id, kind, s, pool, source, target, client, total, s == CopyJob.State.DONE ? total : done,
                    rate, elapsedMillis(), reflink, message);
        }
    }
}
