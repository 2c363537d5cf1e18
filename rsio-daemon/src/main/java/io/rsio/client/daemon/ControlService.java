package io.rsio.client.daemon;

import io.rsio.client.multipath.NamespaceClient;
import io.rsio.client.multipath.PathSpec;
import io.rsio.client.multipath.PathState;
import io.rsio.client.multipath.PathStats;
import io.rsio.client.multipath.PathStatus;
import io.rsio.client.multipath.RsioPath;
import io.rsio.client.multipath.VolumeClient;
import io.rsio.config.ClientConfig;
import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.DaemonRow;
import io.rsio.control.ControlRows.InterfaceRow;
import io.rsio.control.ControlRows.NamespaceRow;
import io.rsio.control.ControlRows.PathRow;
import io.rsio.control.ControlRows.PathStatRow;
import io.rsio.control.ControlRows.ServerRow;
import io.rsio.control.ControlRows.VolumeRow;
import io.rsio.control.ControlRows.VolumeStatRow;
import io.rsio.wire.message.VolumeInfo;
import java.util.ArrayList;
import java.util.List;

/** Answers control-socket requests from the daemon's live state (docs/CONTROL.md). */
public final class ControlService {
    private final ClientDaemon daemon;

    public ControlService(ClientDaemon daemon) {
        this.daemon = daemon;
    }

    public ControlResponse handle(List<String> words) {
        return switch (words.getFirst()) {
            case "status" -> ControlResponse.ok(status());
            case "query" -> ControlResponse.ok(query());
            case "stat" -> ControlResponse.ok(stat());
            case "attach", "detach", "local", "stop" -> daemon.attachControl().handle(words);
            case "daemon" -> ControlResponse.ok(List.of(new DaemonRow(ProcessHandle.current().pid(),
                    daemon.startedMillis(), daemon.configFile().toString(), nodeNames())));
            case "reload" -> new ReloadService(daemon).reload();
            case "volume" -> new VolumeManagementControl(daemon).handle(words);
            default -> ControlResponse.error("unknown request '" + words.getFirst()
                    + "' (known: status, query, stat, daemon, reload, attach, detach, local, stop, volume)");
        };
    }

    private String nodeNames() {
        return String.join(",", daemon.namespaces().stream().map(NamespaceClient::nodeName).distinct().toList());
    }

    private List<Record> status() {
        List<Record> rows = new ArrayList<>();
        List<ClientConfig.Interface> interfaces = daemon.config().interfaces();
        for (int i = 0; i < interfaces.size(); i++) {
            ClientConfig.Interface itf = interfaces.get(i);
            rows.add(new InterfaceRow(i, itf.name(), itf.protocol(), itf.address(), itf.port()));
        }
        for (NamespaceClient ns : daemon.namespaces()) {
            for (PathStatus p : ns.pathStatus()) {
                PathSpec spec = p.spec();
                boolean up = p.state() == PathState.CONNECTED;
                rows.add(new PathRow(spec.interfaceIndex(), spec.repIndex(), ns.name(), spec.server().name(),
                        spec.server().protocol(), spec.server().address(), spec.server().port(), p.state().label(),
                        up ? (p.txOk() ? "ok" : "err") : "-", up ? (p.rxOk() ? "ok" : "err") : "-",
                        p.serverName(), p.serverId(), p.rttMicros(), p.inFlight(), p.stateSinceMillis(), p.reason()));
            }
        }
        return rows;
    }

    private List<Record> stat() {
        List<Record> rows = new ArrayList<>();
        for (NamespaceClient ns : daemon.namespaces()) {
            for (RsioPath path : ns.paths()) {
                PathStatus p = path.status();
                PathStats s = path.stats();
                PathStats.Rates r = s.rates();
                PathSpec spec = p.spec();
                rows.add(new PathStatRow(spec.interfaceIndex(), spec.clientInterface().name(), spec.repIndex(),
                        spec.server().address(), spec.server().port(), p.state().label(), r.readBytesPerSecond(),
                        r.writeBytesPerSecond(), r.readOpsPerSecond(), r.writeOpsPerSecond(), p.inFlight(),
                        p.rttMicros(), s.errors(), s.failovers(), p.stateSinceMillis(), s.readBytes(),
                        s.writeBytes(), ns.name(), s.readOps(), s.writeOps()));
            }
        }
        for (NamespaceClient ns : daemon.namespaces()) {
            for (VolumeClient v : ns.volumes()) {
                PathStats s = v.stats();
                PathStats.Rates r = s.rates();
                rows.add(new VolumeStatRow(ns.name(), v.name(), v.readyPaths(), r.readBytesPerSecond(),
                        r.writeBytesPerSecond(), r.readOpsPerSecond(), r.writeOpsPerSecond(), s.errors(),
                        s.readBytes(), s.writeBytes(), s.readOps(), s.writeOps(), v.size(),
                        v.noSpace().active(), v.noSpace().failures()));
            }
        }
        return rows;
    }

    private List<Record> query() {
        List<Record> rows = new ArrayList<>();
        List<NamespaceClient> namespaces = daemon.namespaces();
        for (int n = 0; n < namespaces.size(); n++) {
            NamespaceClient ns = namespaces.get(n);
            rows.add(new NamespaceRow(n, ns.name(), ns.id(), ns.nodeName()));
            List<NamespaceClient.ServerView> servers = ns.servers();
            for (int s = 0; s < servers.size(); s++) {
                NamespaceClient.ServerView server = servers.get(s);
                int serverId = server.serverId();
                int others = ns.paths().stream().filter(p -> p.serverId() == serverId)
                        .mapToInt(RsioPath::otherInstances).max().orElse(0);
                rows.add(new ServerRow(n, s, serverId, server.serverName(), others));
                for (VolumeInfo v : server.volumes()) {
                    VolumeClient client = ns.volumes().stream().filter(c -> c.info().id().equals(v.id()))
                            .findFirst().orElse(null);
                    rows.add(new VolumeRow(n, s, v.name(), v.size(), v.blockSize(), v.deviceDir(), v.id().toString(),
                            v.readOnly(), client == null ? 0 : client.readyPaths(),
                            client == null ? "" : daemon.nbdSocket(client).map(Object::toString).orElse("")));
                }
            }
        }
        return rows;
    }
}
