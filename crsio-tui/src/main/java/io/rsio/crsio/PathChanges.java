package io.rsio.crsio;

import io.rsio.control.ControlClient;
import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.InterfaceRow;
import io.rsio.control.ControlRows.PathRow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The paths rsiod has before and after a reload, told as one "What changed" line: new paths with
 * their state and measured RTT, paths gone. A path is known by client interface name, namespace,
 * server section and address/port (indexes move when interfaces are added or removed).
 */
final class PathChanges {
    private PathChanges() {}

    /** rsiod's paths by identity, in its order; empty when it does not answer. Blocking. */
    static Map<String, PathRow> paths(ControlClient client) {
        Map<String, PathRow> out = new LinkedHashMap<>();
        try {
            ControlResponse r = client.call("status");
            if (!r.ok()) {
                return out;
            }
            Map<Integer, String> names = new LinkedHashMap<>();
            r.rows(InterfaceRow.class).forEach(i -> names.put(i.index(), i.name()));
            for (PathRow p : r.rows(PathRow.class)) {
                out.put(names.getOrDefault(p.interfaceIndex(), "if?") + " -> " + p.serverSection() + " " + p.address()
                        + "/" + p.port() + " (" + p.namespace() + ")", p);
            }
        } catch (ControlClient.ControlException e) {
            // not answering: no paths to compare
        }
        return out;
    }

    /** The paths after a reload, once the new ones are past "connecting" (at most {@code limit}). Blocking. */
    static Map<String, PathRow> settled(ControlClient client, Map<String, PathRow> before, Duration limit)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        Map<String, PathRow> now = paths(client);
        while (System.nanoTime() < deadline && now.entrySet().stream()
                .anyMatch(e -> !before.containsKey(e.getKey()) && e.getValue().state().equals("connecting"))) {
            Thread.sleep(200);
            now = paths(client);
        }
        return now;
    }

    /** "What changed: new path if1 -> big-9-1 127.0.0.1/5000 (osl) connected, RTT 180 us; gone path ..." */
    static String describe(Map<String, PathRow> before, Map<String, PathRow> after) {
        List<String> parts = new ArrayList<>();
        after.forEach((k, p) -> {
            if (!before.containsKey(k)) {
                parts.add("new path " + k + " " + p.state() + (p.rttMicros() >= 0 ? ", RTT " + p.rttMicros() + " us"
                        : ""));
            }
        });
        before.keySet().stream().filter(k -> !after.containsKey(k)).forEach(k -> parts.add("gone path " + k));
        return parts.isEmpty() ? "What changed: the same " + after.size() + " path(s)"
                : "What changed: " + String.join("; ", parts);
    }
}
