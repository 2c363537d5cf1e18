package io.rsio.common;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SelectStrategy;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.util.IntSupplier;
import io.netty.util.concurrent.SingleThreadEventExecutor;

/**
 * Event-loop select strategy for {@code busy_poll}: after the loop last had work it keeps
 * polling (non-blocking epoll_wait, yielding the CPU between polls) for a bounded time before
 * it blocks in epoll_wait.
 *
 * <p>Why: at low queue depth every request finds the loop asleep, and on a virtual machine the
 * wake-up of a halted CPU costs about as much as serving the request. A loop that is still
 * polling when the next request arrives answers it without that wake-up. The poll is bounded
 * so an idle server goes back to sleep, yields so other threads on the same core run first,
 * and ends at once when another thread hands the loop a task (those do not wake a loop that
 * is not asleep). Scheduled tasks can run up to one poll late (at most 10 ms, the setting's
 * limit); rssrv's timers count in seconds.
 */
final class SpinThenSleepStrategy implements SelectStrategy {
    private final long pollNanos;
    private final SingleThreadEventExecutor loop;
    private long lastWorkNanos;
    private boolean workedSinceLastPoll;

    private SpinThenSleepStrategy(long pollNanos, SingleThreadEventExecutor loop) {
        this.pollNanos = pollNanos;
        this.loop = loop;
    }

    /** Epoll event loops whose select step is this strategy. */
    static IoHandlerFactory epollFactory(long pollNanos) {
        return executor -> executor instanceof SingleThreadEventExecutor loop
                ? EpollIoHandler.newFactory(0, () -> new SpinThenSleepStrategy(pollNanos, loop)).newHandler(executor)
                // Without a view of the loop's task queue a poll could hold tasks back: never poll.
                : EpollIoHandler.newFactory().newHandler(executor);
    }

    @Override
    public int calculateStrategy(IntSupplier selectNow, boolean hasTasks) throws Exception {
        if (hasTasks) {
            workedSinceLastPoll = true;
            return selectNow.get();
        }
        if (workedSinceLastPoll) {
            // The clock is read here, not on every busy turn of the loop above.
            workedSinceLastPoll = false;
            lastWorkNanos = System.nanoTime();
        }
        while (true) {
            int ready = selectNow.get();
            long now = System.nanoTime();
            if (ready > 0) {
                lastWorkNanos = now;
                return ready;
            }
            if (now - lastWorkNanos >= pollNanos) {
                return SelectStrategy.SELECT;
            }
            if (loop.pendingTasks() > 0) {
                // Another thread handed the loop a task: run it now instead of polling on.
                lastWorkNanos = now;
                return 0;
            }
            Thread.yield();
        }
    }
}
