package io.rsio.server;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.rsio.metrics.MetricFamilies;
import io.rsio.server.store.RbdVolumeStore;
import io.rsio.server.store.ServedVolume;
import io.rsio.server.store.VolumeCounters;

/** rssrv's metrics (docs/METRICS.md), read from its live state at each scrape. */
public final class RssrvMetrics implements MultiCollector {
    private final RsioServer server;

    public RssrvMetrics(RsioServer server) {
        this.server = server;
    }

    @Override
    public MetricSnapshots collect() {
        MetricFamilies f = new MetricFamilies();
        ClientSessions sessions = server.sessions();
        f.gauge("rssrv_sessions", "Logged-in connections (paths) now", sessions.sessions());
        f.gauge("rssrv_clients", "Node names with at least one logged-in connection now", sessions.clients());
        f.gauge("rssrv_shared_identities", "Node names logged in from more than one rsiod at once now",
                sessions.sharedIdentities());
        f.gauge("rssrv_volumes", "Volumes this server exports", server.catalog().all().size());
        f.counter("rssrv_logins", "Logins since start, by result", sessions.loginsAccepted(), "result", "accepted");
        f.counter("rssrv_logins", "Logins since start, by result", sessions.loginsRefused(), "result", "refused");
        f.counter("rssrv_connections_throttled", "Connections closed unread: their address held max_pending_logins "
                + "connections not logged in", server.connectionsThrottled());
        f.counter("rssrv_read_pauses", "Times a connection stopped reading requests: 512 requests or 32 MiB in "
                + "flight, or 32 MiB of replies unsent (the per-connection throttle)", sessions.readPauses());
        for (ServedVolume v : server.catalog().all()) {
            VolumeCounters c = v.counters();
            String[] l = {"volume", v.info().name()};
            f.gauge("rssrv_volume_size_bytes", "Size of the volume", v.info().size(), l);
            f.gauge("rssrv_volume_read_only", "1 when the volume is served read-only", v.info().readOnly() ? 1 : 0, l);
            f.gauge("rssrv_volume_nospace", "1 while writes to the volume fail with ENOSPC (its storage is full)",
                    c.noSpace().active() ? 1 : 0, l);
            f.counter("rssrv_volume_reads", "READ requests executed", c.reads(), l);
            f.counter("rssrv_volume_writes", "WRITE requests executed", c.writes(), l);
            f.counter("rssrv_volume_flushes", "FLUSH requests executed", c.flushes(), l);
            f.counter("rssrv_volume_other_requests", "DISCARD, WRITE_ZEROES and QUERY requests executed", c.others(), l);
            f.counter("rssrv_volume_read_bytes", "Bytes read for clients", c.readBytes(), l);
            f.counter("rssrv_volume_written_bytes", "Bytes written for clients", c.writtenBytes(), l);
            f.counter("rssrv_volume_errors", "Requests answered with an error", c.errors(), l);
            f.counter("rssrv_volume_nospace_errors", "Requests that failed with ENOSPC", c.noSpace().failures(), l);
            f.counter("rssrv_volume_throttled_requests", "Requests the volume's bandwidth or IOPS limits made wait",
                    v.gate().throttledRequests(), l);
            f.counter("rssrv_volume_throttled_seconds", "Time requests waited for the volume's limits, summed over requests",
                    v.gate().throttledNanos() / 1e9, l);
            f.gauge("rssrv_volume_paused", "1 while the volume's I/O is paused (rsconfig -P)", v.gate().paused() ? 1 : 0, l);
            f.histogram("rssrv_volume_io_latency_seconds", "Time the store took to execute a request, by operation",
                    c.latency().points());
            if (v.store() instanceof RbdVolumeStore rbd) {
                f.gauge("rssrv_volume_rbd_owner", "1 while this gateway holds the RBD image's exclusive lock (the "
                        + "active gateway), 0 while it is a standby", rbd.owner() ? 1 : 0, l);
                f.counter("rssrv_volume_rbd_takeovers", "Times this gateway became the RBD image's owner (took its "
                        + "lock, fencing the previous owner where there was one)", rbd.takeovers(), l);
                f.counter("rssrv_volume_rbd_fenced", "Times another gateway fenced this one", rbd.fencings(), l);
            }
        }
        return f.build();
    }
}
