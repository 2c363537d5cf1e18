package io.rsio.cli;

import io.rsio.control.ControlClient;
import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.JobRow;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Follows one copy job until it ends, asking rsiod for the servers' jobs twice a second: a
 * live progress bar on a terminal (one line, redrawn), a progress line every 10 s otherwise.
 */
final class JobWaiter {
    private static final Duration POLL = Duration.ofMillis(500);
    private static final long LINE_EVERY_NANOS = Duration.ofSeconds(10).toNanos();

    private JobWaiter() {}

    /** Waits for job {@code id} of {@code server}; returns how it ended, or null when rsiod no longer lists it. */
    static JobRow await(ControlClient client, String server, int id, PrintStream progress, boolean terminal)
            throws ControlClient.ControlException, InterruptedException {
        long lastLine = System.nanoTime();
        boolean drawn = false;
        int missing = 0;
        while (true) {
            ControlResponse r = client.call("volume", "jobs");
            if (!r.ok()) {
                throw new ControlClient.ControlException(r.error());
            }
            JobRow job = r.rows(JobRow.class).stream().filter(j -> j.server().equals(server) && j.id() == id)
                    .findFirst().orElse(null);
            if (job == null) {
                if (++missing >= 10) { // its server restarted or is unreachable: the job is gone with it
                    return null;
                }
            } else {
                missing = 0;
                if (!job.state().equals("running")) {
                    if (drawn) {
                        progress.print("\r" + JobFormatter.progress(job) + "\n");
                    }
                    return job;
                }
                if (terminal) {
                    progress.print("\r" + JobFormatter.progress(job));
                    progress.flush();
                    drawn = true;
                } else if (System.nanoTime() - lastLine >= LINE_EVERY_NANOS) {
                    progress.println(JobFormatter.progress(job));
                    lastLine = System.nanoTime();
                }
            }
            Thread.sleep(POLL.toMillis());
        }
    }
}
