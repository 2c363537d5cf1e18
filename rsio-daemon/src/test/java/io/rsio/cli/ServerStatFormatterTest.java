package io.rsio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.ServerVolumeStatRow;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code rsconfig -m vstat}: the rows rsiod answers, as an administrator reads them. */
class ServerStatFormatterTest {
    @Test
    void aThrottledVolumeWithItsLimitsAndLatency() {
        ControlResponse response = ControlResponse.ok(List.of(new ServerVolumeStatRow("osl", "big-9", "data", false,
                812, 3421, 101L << 20, 427L << 20, 1294, 126_500_000_000L, "=10485760/0 venus=0/500",
                "50000:10 100000:80 250000:9 500000:0 1000000:1 inf:0")));
        assertEquals("""
                volume                   server            reads        read     writes     written  throttled   waited s state
                osl:data                 big-9               812   101.0 MiB       3421   427.0 MiB       1294    126.500 running
                    limits: volume 10.0 MiB/s; client venus 500 IOPS
                    latency: 100 requests, p50 <=100us, p99 <=250us; <=50us 10 <=100us 80 <=250us 9 <=1ms 1
                """, ServerStatFormatter.format(response));
    }

    @Test
    void aPausedVolumeWithoutRequests() {
        ControlResponse response = ControlResponse.ok(List.of(new ServerVolumeStatRow("osl", "big-9", "log", true,
                0, 0, 0, 0, 0, 0, "", "50000:0 inf:0")));
        String out = ServerStatFormatter.format(response);
        assertEquals(true, out.contains(" PAUSED\n    limits: none\n    latency: no requests yet\n"), out);
    }
}
