package io.rsio.common;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Whether a volume is out of space now (its writes fail with ENOSPC), so the daemon logs an
 * episode once when it starts and once when a write succeeds again, not once per failed
 * write: a full disk under a busy client fails thousands of writes a second.
 */
public final class NoSpaceEpisode {
    private final AtomicBoolean active = new AtomicBoolean();
    private final LongAdder failures = new LongAdder();
    private volatile long failuresAtStart;

    /** A write failed with ENOSPC; true when this starts an episode (the caller logs it). */
    public boolean failed() {
        failures.increment();
        if (!active.get() && active.compareAndSet(false, true)) {
            failuresAtStart = failures.sum() - 1;
            return true;
        }
        return false;
    }

    /**
     * A write succeeded; true when this ends an episode (the caller logs it). Costs one volatile
     * read when there is none.
     */
    public boolean succeeded() {
        return active.get() && active.compareAndSet(true, false);
    }

    /** True while writes fail for want of space. */
    public boolean active() {
        return active.get();
    }

    /** Writes failed with ENOSPC since the daemon started. */
    public long failures() {
        return failures.sum();
    }

    /** Writes failed with ENOSPC in the current (or last) episode. */
    public long failuresInEpisode() {
        return failures.sum() - failuresAtStart;
    }
}
