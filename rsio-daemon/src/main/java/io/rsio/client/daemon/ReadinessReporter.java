package io.rsio.client.daemon;

import io.rsio.client.multipath.NamespaceClient;
import io.rsio.client.multipath.PathState;
import io.rsio.client.multipath.PathStatus;
import io.rsio.common.NamedThreads;
import io.rsio.common.ServiceManager;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Tells systemd how rsiod's paths are: READY once every path is logged in (connected), or once
 * {@code nopath_timeout} has passed since the start (a server that is down must not hold the
 * boot: its volumes fail with EIO then, as they would for I/O), and a one-line STATUS whenever
 * the path summary changes. Checks once a second.
 */
final class ReadinessReporter implements AutoCloseable {
    static final Duration CHECK_INTERVAL = Duration.ofSeconds(1);

    private final ClientDaemon daemon;
    private final ServiceManager service;
    private final long readyDeadlineMillis;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            new NamedThreads("rsiod-notify"));
    private boolean ready;
    private String lastStatus = "";

    private ReadinessReporter(ClientDaemon daemon, ServiceManager service, Duration readyLimit) {
        this.daemon = daemon;
        this.service = service;
        this.readyDeadlineMillis = System.currentTimeMillis() + readyLimit.toMillis();
    }

    /** Starts reporting; does nothing (and costs no thread work) outside systemd. */
    static ReadinessReporter start(ClientDaemon daemon, ServiceManager service) {
        ReadinessReporter reporter = new ReadinessReporter(daemon, service,
                daemon.config().defaults().multipath().nopathTimeout());
        if (service.active()) {
            reporter.check();
            reporter.timer.scheduleWithFixedDelay(reporter::check, CHECK_INTERVAL.toMillis(),
                    CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        }
        return reporter;
    }

    private synchronized void check() {
        List<PathStatus> paths = daemon.namespaces().stream().flatMap(n -> n.pathStatus().stream()).toList();
        String status = summary(paths, daemon.namespaces().stream().mapToInt(n -> n.volumes().size()).sum());
        if (!ready && (allLoggedIn() || System.currentTimeMillis() >= readyDeadlineMillis)) {
            ready = true;
            service.ready(status);
        } else if (!status.equals(lastStatus)) {
            service.status(status);
        }
        lastStatus = status;
    }

    /**
     * Every path connected, and its server's volumes known (the log-in's answer has been taken
     * in): what rsio-attach.service, ordered after READY, needs to attach them.
     */
    private boolean allLoggedIn() {
        return daemon.namespaces().stream().allMatch(n -> {
            Set<Integer> answered = n.servers().stream().map(NamespaceClient.ServerView::serverId)
                    .collect(Collectors.toSet());
            return n.pathStatus().stream().allMatch(p -> p.state() == PathState.CONNECTED
                    && answered.contains(p.serverId()));
        });
    }

    /** E.g. {@code 3 of 4 paths connected, 1 connecting, 0 down; 2 volumes}. */
    static String summary(List<PathStatus> paths, int volumes) {
        long connected = paths.stream().filter(p -> p.state() == PathState.CONNECTED).count();
        long connecting = paths.stream().filter(p -> p.state() == PathState.CONNECTING).count();
        long down = paths.size() - connected - connecting;
        return connected + " of " + paths.size() + " paths connected, " + connecting + " connecting, " + down
                + " down; " + volumes + (volumes == 1 ? " volume" : " volumes");
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
