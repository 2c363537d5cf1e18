package io.rsio.crsio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rsio.control.ControlRows.PathRow;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The words of the "what changed" line after a reload. */
class PathChangesTest {
    private static PathRow path(String server, String state, long rtt) {
        return new PathRow(0, 1, "osl", server, "tcp", "127.0.0.1", 5000, state, "ok", "ok", "big-9", 1, rtt, 0, 0L,
                "");
    }

    @Test
    void newPathsWithStateAndRttAndGonePaths() {
        Map<String, PathRow> before = new LinkedHashMap<>();
        before.put("if0 -> big-9-1 127.0.0.1/5000 (osl)", path("big-9-1", "connected", 90));
        before.put("if0 -> big-9-3 127.0.0.3/5000 (osl)", path("big-9-3", "connected", 95));
        Map<String, PathRow> after = new LinkedHashMap<>();
        after.put("if0 -> big-9-1 127.0.0.1/5000 (osl)", path("big-9-1", "connected", 90));
        after.put("if1 -> big-9-1 127.0.0.1/5000 (osl)", path("big-9-1", "connected", 180));
        assertEquals("What changed: new path if1 -> big-9-1 127.0.0.1/5000 (osl) connected, RTT 180 us; "
                + "gone path if0 -> big-9-3 127.0.0.3/5000 (osl)", PathChanges.describe(before, after));
        assertEquals("What changed: the same 2 path(s)", PathChanges.describe(after, after));
    }
}
