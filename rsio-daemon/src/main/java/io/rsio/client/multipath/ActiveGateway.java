package io.rsio.client.multipath;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * For a volume whose servers serve it one at a time (RBD gateways, docs/SCALE-OUT.md): the
 * server in use. It changes only when it has no ready path left or answers that it cannot
 * serve, since every move makes the new gateway take the image over.
 */
final class ActiveGateway {
    private static final Logger LOG = LogManager.getLogger(ActiveGateway.class);

    private final String volume;
    private final UUID volumeId;
    private final Map<Integer, String> serverNames;
    /** The server in use, -1 before the first. */
    private volatile int activeServer = -1;

    ActiveGateway(String volume, UUID volumeId, Map<Integer, String> serverNames) {
        this.volume = volume;
        this.volumeId = volumeId;
        this.serverNames = serverNames;
    }

    /** The ready paths of the server in use; picks one first when it has none. */
    List<RsioPath> pathsToUse(List<RsioPath> ready) {
        if (ready.isEmpty()) {
            return ready;
        }
        List<RsioPath> onActive = pathsOf(ready, activeServer);
        if (!onActive.isEmpty()) {
            return onActive;
        }
        synchronized (this) {
            onActive = pathsOf(ready, activeServer);
            if (onActive.isEmpty()) {
                int previous = activeServer;
                activeServer = preferredServer(ready);
                onActive = pathsOf(ready, activeServer);
                LOG.info("volume {}: I/O goes to server {} ({}){}", volume, activeServer,
                        serverNames.getOrDefault(activeServer, "?"), previous < 0 ? ""
                                : ", server " + previous + " has no ready path");
            }
        }
        return onActive;
    }

    /**
     * The server in use answered that it cannot serve: use another one that has a ready path.
     * False when there is none (the request then waits a moment before it is sent again).
     */
    synchronized boolean leave(int serverId, List<RsioPath> ready) {
        if (activeServer != serverId) {
            return true;
        }
        List<RsioPath> others = ready.stream().filter(p -> p.serverId() != serverId).toList();
        if (others.isEmpty()) {
            return false;
        }
        // By the volume id again, so clients leaving the same gateway go to the same next one.
        activeServer = preferredServer(others);
        LOG.warn("volume {}: server {} cannot serve it now; I/O goes to server {} ({})", volume, serverId,
                activeServer, serverNames.getOrDefault(activeServer, "?"));
        return true;
    }

    /**
     * Chosen by the volume's identity among the servers with a ready path, so every client that
     * reaches the same gateways picks the same one (no tug of war over the image), and different
     * volumes spread over the gateways.
     */
    private int preferredServer(List<RsioPath> ready) {
        int[] servers = ready.stream().mapToInt(RsioPath::serverId).distinct().sorted().toArray();
        return servers[Math.floorMod(volumeId.hashCode(), servers.length)];
    }

    private static List<RsioPath> pathsOf(List<RsioPath> paths, int serverId) {
        List<RsioPath> on = new ArrayList<>(paths.size());
        for (RsioPath p : paths) {
            if (p.serverId() == serverId) {
                on.add(p);
            }
        }
        return on;
    }
}
