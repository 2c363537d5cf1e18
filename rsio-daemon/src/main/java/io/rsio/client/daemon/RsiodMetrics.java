package io.rsio.client.daemon;

import io.rsio.metrics.MetricFamilies;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import io.rsio.client.daemon.ClientDaemon;
import io.rsio.client.daemon.ControlService;
import io.rsio.client.multipath.NamespaceClient;
import io.rsio.client.multipath.VolumeClient;
import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.NamespaceRow;
import io.rsio.control.ControlRows.PathStatRow;
import io.rsio.control.ControlRows.ServerRow;
import io.rsio.control.ControlRows.VolumeStatRow;
import java.util.List;

/**
 * rsiod's metrics (docs/METRICS.md): the statistics {@code rsconfig -m stat} shows, read from
 * the same rows at each scrape, plus each volume's latency histogram.
 */
public final class RsiodMetrics implements MultiCollector {
    private static final List<String> STATES = List.of("connecting", "connected", "down");

    private final ClientDaemon daemon;
    private final ControlService control;

    public RsiodMetrics(ClientDaemon daemon) {
        this.daemon = daemon;
        this.control = new ControlService(daemon);
    }

    @Override
    public MetricSnapshots collect() {
        MetricFamilies f = new MetricFamilies();
        ControlResponse stat = control.handle(List.of("stat"));
        List<PathStatRow> paths = stat.rows(PathStatRow.class);
        List<VolumeStatRow> volumes = stat.rows(VolumeStatRow.class);
        f.gauge("rsiod_namespaces", "Namespaces in the config", daemon.namespaces().size());
        f.gauge("rsiod_paths", "Paths (client interface to server interface)", paths.size());
        f.gauge("rsiod_paths_up", "Paths connected now", paths.stream().filter(p -> p.state().equals("connected")).count());
        f.gauge("rsiod_volumes", "Volumes seen on the servers", volumes.size());
        f.declareGauge("rsiod_path_up", "1 while the path is connected (logged in, carrying I/O)");
        for (PathStatRow p : paths) {
            String[] l = {"namespace", p.namespace(), "interface", p.interfaceName(), "server",
                    p.address() + ":" + p.port()};
            f.gauge("rsiod_path_up", "", p.state().equals("connected") ? 1 : 0, l);
            for (String state : STATES) {
                f.gauge("rsiod_path_state", "1 for the state the path is in (connecting, connected, down)",
                        p.state().equals(state) ? 1 : 0, with(l, "state", state));
            }
            f.gauge("rsiod_path_state_since_timestamp_seconds", "When the path entered its state (Unix time)",
                    p.stateSinceMillis() / 1000.0, l);
            f.gauge("rsiod_path_in_flight", "Requests sent on the path and not answered yet", p.inFlight(), l);
            if (p.rttMicros() >= 0) {
                f.gauge("rsiod_path_rtt_seconds", "Round-trip time of the last PING", p.rttMicros() / 1e6, l);
            }
            f.counter("rsiod_path_read_bytes", "Bytes read over the path", p.readBytes(), l);
            f.counter("rsiod_path_written_bytes", "Bytes written over the path", p.writeBytes(), l);
            f.counter("rsiod_path_reads", "READ requests completed over the path", p.readOps(), l);
            f.counter("rsiod_path_writes", "WRITE requests completed over the path", p.writeOps(), l);
            f.counter("rsiod_path_errors", "Requests the server answered with an error on the path", p.errors(), l);
            f.counter("rsiod_path_failovers", "Requests moved from the path to another when it failed",
                    p.failovers(), l);
        }
        for (VolumeStatRow v : volumes) {
            String[] l = {"namespace", v.namespace(), "volume", v.name()};
            f.gauge("rsiod_volume_ready_paths", "Connected paths that have the volume open", v.readyPaths(), l);
            f.gauge("rsiod_volume_size_bytes", "Size of the volume", v.size(), l);
            f.gauge("rsiod_volume_nospace", "1 while the server reports the volume full (writes fail with ENOSPC)",
                    v.noSpace() ? 1 : 0, l);
            f.counter("rsiod_volume_read_bytes", "Bytes read from the volume", v.readBytes(), l);
            f.counter("rsiod_volume_written_bytes", "Bytes written to the volume", v.writeBytes(), l);
            f.counter("rsiod_volume_reads", "READ requests completed (large reads count once per chunk)",
                    v.readOps(), l);
            f.counter("rsiod_volume_writes", "WRITE requests completed (large writes count once per chunk)",
                    v.writeOps(), l);
            f.counter("rsiod_volume_errors", "Requests of the volume that failed", v.errors(), l);
            f.counter("rsiod_volume_nospace_errors", "Requests of the volume that failed with ENOSPC",
                    v.noSpaceErrors(), l);
        }
        ControlResponse query = control.handle(List.of("query"));
        java.util.Map<Integer, String> namespaces = new java.util.HashMap<>();
        query.rows(NamespaceRow.class).forEach(n -> namespaces.put(n.index(), n.name()));
        f.declareGauge("rsiod_server_other_instances", "Other rsiods the server sees logged in under this client's "
                + "node name (another host with the same name and key); normally 0");
        for (ServerRow s : query.rows(ServerRow.class)) {
            f.gauge("rsiod_server_other_instances", "", s.otherInstances(),
                    "namespace", namespaces.getOrDefault(s.namespaceIndex(), "?"), "server", s.serverName());
        }
        for (NamespaceClient ns : daemon.namespaces()) {
            for (VolumeClient v : ns.volumes()) {
                f.histogram("rsiod_volume_io_latency_seconds", "Time from sending a request (a chunk of a large "
                        + "one) to its reply, including retries on other paths, by operation", v.latency().points());
            }
        }
        return f.build();
    }

    private static String[] with(String[] labels, String name, String value) {
        String[] all = java.util.Arrays.copyOf(labels, labels.length + 2);
        all[labels.length] = name;
        all[labels.length + 1] = value;
        return all;
    }
}
