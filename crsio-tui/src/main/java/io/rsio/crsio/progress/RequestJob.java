package io.rsio.crsio.progress;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * One long request as a {@link ProgressJob}: it runs on a virtual thread of its own from the
 * moment the job is made; polls say "running" (no byte count: the answer comes whole) until
 * the request returns or throws.
 */
public final class RequestJob<T> implements ProgressJob<T> {
    private final String phase;
    private final CompletableFuture<T> answer = new CompletableFuture<>();

    public RequestJob(String phase, Callable<T> request) {
        this.phase = phase;
        Thread.ofVirtual().name("crsio-request").start(() -> {
            try {
                answer.complete(request.call());
            } catch (Exception | Error e) {
                answer.completeExceptionally(e);
            }
        });
    }

    @Override
    public JobState<T> poll() throws Exception {
        if (!answer.isDone()) {
            return new JobState.Running<>(0, -1, phase);
        }
        try {
            return new JobState.Done<>(answer.get());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception cause) {
                throw cause;
            }
            throw e;
        }
    }
}
