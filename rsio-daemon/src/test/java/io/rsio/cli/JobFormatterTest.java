package io.rsio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rsio.control.ControlRows.JobRow;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code rsconfig -m jobs} and the progress of {@code rsconfig -K/-B/-S} (docs/VOLUMES.md, "Copies"). */
class JobFormatterTest {
    private static final long MIB = 1 << 20;

    private static JobRow job(int id, String state, long done, long rate, boolean reflink, String message) {
        return new JobRow("osl", "big-9", id, "file", state, "fast", "data", "data.bak.raw", "big-2", 256 * MIB, done,
                rate, 1500, reflink, message);
    }

    @Test
    void aRunningJobShowsItsBarBytesAndRate() {
        assertEquals("[###########...................]  37% 96.0 MiB of 256.0 MiB, 310.0 MiB/s",
                JobFormatter.progress(job(1, "running", 96 * MIB, 310 * MIB, false, "")));
    }

    @Test
    void theEndLineSaysHowItEnded() {
        assertEquals("job 1 on big-9: file data.bak.raw done, 256.0 MiB in 1.5 s (170.7 MiB/s)",
                JobFormatter.ended(job(1, "done", 256 * MIB, 256 * MIB * 2 / 3, false, "")));
        assertEquals("job 2 on big-9: file data.bak.raw done, 256.0 MiB by reflink",
                JobFormatter.ended(job(2, "done", 256 * MIB, 0, true, "")));
        assertEquals("job 3 on big-9: file data.bak.raw failed: No space left on device",
                JobFormatter.ended(job(3, "failed", 3 * MIB, 0, false, "No space left on device")));
    }

    @Test
    void theListHasAHeaderAndALinePerJobWithItsFailure() {
        String out = JobFormatter.format(List.of(job(3, "failed", 128 * MIB, 0, false, "No space left on device")));
        assertEquals("""
                server        job kind     state      done                   bytes         rate   elapsed  source -> target (pool, client)
                big-9           3 file     failed      50%     128.0 MiB/256.0 MiB        0 B/s      1.5s  osl:data -> data.bak.raw (fast, big-2)
                    No space left on device
                """, out);
        assertEquals("no copy jobs (running or ended in the last 10 minutes)\n", JobFormatter.format(List.of()));
    }
}
