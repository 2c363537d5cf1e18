package io.rsio.server.pool;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which clients have which volume open on this server, counted per handle: what a shrink or
 * a delete must not pull from under a client (docs/VOLUMES.md).
 */
public final class VolumeUsers {
    private final Map<String, Map<String, Integer>> open = new HashMap<>();
    private volatile Runnable changed = () -> {};

    /** Told (on the opening or closing thread) after every change; it must not block. */
    public void onChange(Runnable listener) {
        changed = listener;
    }

    public void opened(String volume, String client) {
        synchronized (this) {
            open.computeIfAbsent(volume, v -> new HashMap<>()).merge(client, 1, Integer::sum);
        }
        changed.run();
    }

    /** Every open volume with the clients that have it open, sorted. */
    public synchronized Map<String, List<String>> snapshot() {
        Map<String, List<String>> copy = new java.util.TreeMap<>();
        open.forEach((volume, clients) -> copy.put(volume, clients.keySet().stream().sorted().toList()));
        return copy;
    }

    public void closed(String volume, String client) {
        synchronized (this) {
            Map<String, Integer> clients = open.get(volume);
            if (clients == null) {
                return;
            }
            clients.computeIfPresent(client, (c, n) -> n == 1 ? null : n - 1);
            if (clients.isEmpty()) {
                open.remove(volume);
            }
        }
        changed.run();
    }

    /** The clients other than {@code except} that have {@code volume} open, sorted. */
    public synchronized List<String> othersThan(String volume, String except) {
        List<String> others = new ArrayList<>(open.getOrDefault(volume, Map.of()).keySet());
        others.remove(except);
        others.sort(null);
        return others;
    }
}
