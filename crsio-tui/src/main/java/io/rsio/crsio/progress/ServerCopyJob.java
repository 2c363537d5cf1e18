package io.rsio.crsio.progress;

import io.rsio.control.ControlClient;
import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.JobRow;
import java.util.ArrayList;
import java.util.List;

/**
 * A management request to rsiod and the servers' copy jobs it starts (docs/VOLUMES.md,
 * "Copies"): {@code volume copy} and {@code volume snapshot} answer a {@code JobRow} besides their
 * {@code ManageRow}. While the request is out it is a {@link RequestJob}; then each running job
 * is followed through {@code volume jobs}, matched by server and job id, with its bytes done of
 * the total, until it is done, failed or cancelled. A reflink copy, or an answer without jobs,
 * ends at the first poll (so no window). Rows are read by class, never by position.
 */
public final class ServerCopyJob implements ProgressJob<ServerCopyJob.Outcome> {
    /** Polls without the job listed before it counts as gone (its server restarted). */
    private static final int MISSING_POLLS = 10;

    /** rsiod's answer to the request and how each of its jobs ended (as listed last). */
    public record Outcome(ControlResponse answer, List<JobRow> jobs) {
        public List<JobRow> failed() {
            return jobs.stream().filter(j -> !j.state().equals("done")).toList();
        }
    }

    private final ControlClient client;
    private final RequestJob<ControlResponse> request;
    private ControlResponse answer;
    private List<JobRow> jobs;
    private int missing;

    public ServerCopyJob(String phase, ControlClient client, String... words) {
        this.client = client;
        this.request = new RequestJob<>(phase, () -> client.call(words));
    }

    @Override
    public JobState<Outcome> poll() throws Exception {
        if (answer == null) {
            JobState<ControlResponse> s = request.poll();
            if (!(s instanceof JobState.Done<ControlResponse> d)) {
                return new JobState.Running<>(0, -1, ((JobState.Running<ControlResponse>) s).phase());
            }
            answer = d.result();
            jobs = answer.ok() ? answer.rows(JobRow.class) : List.of();
        } else {
            jobs = listed();
        }
        List<JobRow> running = jobs.stream().filter(j -> j.state().equals("running")).toList();
        if (running.isEmpty()) {
            return new JobState.Done<>(new Outcome(answer, jobs));
        }
        JobRow first = running.getFirst();
        return new JobState.Running<>(running.stream().mapToLong(JobRow::done).sum(),
                running.stream().mapToLong(JobRow::total).sum(), phase(first));
    }

    /** The jobs of the answer as {@code volume jobs} lists them now; a job not listed keeps its last row. */
    private List<JobRow> listed() throws ControlClient.ControlException {
        ControlResponse r = client.call("volume", "jobs");
        if (!r.ok()) {
            throw new ControlClient.ControlException(r.error());
        }
        List<JobRow> now = r.rows(JobRow.class);
        List<JobRow> updated = new ArrayList<>();
        boolean absent = false;
        for (JobRow mine : jobs) {
            JobRow row = now.stream().filter(j -> j.server().equals(mine.server()) && j.id() == mine.id())
                    .findFirst().orElse(null);
            absent |= row == null;
            updated.add(row == null ? mine : row);
        }
        missing = absent ? missing + 1 : 0;
        if (missing >= MISSING_POLLS) {
            throw new ControlClient.ControlException("the copy job is no longer listed (its server restarted?)");
        }
        return updated;
    }

    /** "Server big-9 copies osl:data to data.copy (pool fast)". */
    private static String phase(JobRow j) {
        return "Server " + j.server() + " copies " + j.namespace() + ":" + j.source() + " to " + j.target()
                + " (pool " + j.pool() + ")";
    }
}
