package io.rsio.client.multipath;

import io.netty.channel.EventLoopGroup;
import io.rsio.common.Transport;
import io.rsio.wire.message.VolumeInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Everything rsiod knows of one namespace: its paths, the servers met on them and the volumes
 * they export. Volumes are keyed by identity, so the same volume seen through two servers is
 * one {@link VolumeClient} with paths to both.
 */
public final class NamespaceClient implements PathListener {
    private static final Logger LOG = LogManager.getLogger(NamespaceClient.class);

    /** A server as met at login: its name, id and what it lists for this client. */
    public record ServerView(int serverId, String serverName, List<VolumeInfo> volumes) {}

    private volatile NamespaceLogin login; // a reload may change log-in data and settings
    private final List<RsioPath> paths = new CopyOnWriteArrayList<>(); // a reload adds and retires paths
    private final Transport transport;
    private final EventLoopGroup group;
    private final Map<UUID, VolumeClient> volumes = new ConcurrentHashMap<>();
    private final Map<Integer, ServerView> servers = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    private final Consumer<VolumeClient> volumeAdded;
    private final java.util.function.Predicate<VolumeClient> volumeGone;
    /**
     * Per volume, the servers whose last list (at login or a re-list) named it. A volume no
     * server names any more was deleted (docs/VOLUMES.md); one whose servers are only
     * unreachable keeps its entries, and waits for them as any volume without a path.
     */
    private final Map<UUID, java.util.Set<Integer>> listedBy = new ConcurrentHashMap<>();
    private volatile java.util.concurrent.ScheduledFuture<?> relister;

    public NamespaceClient(NamespaceLogin login, List<PathSpec> specs, Transport transport, EventLoopGroup group,
                    ScheduledExecutorService timer, Consumer<VolumeClient> volumeAdded) {
        this(login, specs, transport, group, timer, volumeAdded, v -> true);
    }

    /**
     * @param volumeGone told of a volume that no server lists any more, before it is dropped;
     *     answers false to keep it (it is attached here: its device stays until detached)
     */
    public NamespaceClient(NamespaceLogin login, List<PathSpec> specs, Transport transport, EventLoopGroup group,
                    ScheduledExecutorService timer, Consumer<VolumeClient> volumeAdded,
                    java.util.function.Predicate<VolumeClient> volumeGone) {
        this.login = login;
        this.timer = timer;
        this.volumeAdded = volumeAdded;
        this.volumeGone = volumeGone;
        this.transport = transport;
        this.group = group;
        for (PathSpec spec : specs) {
            paths.add(new RsioPath(spec, login, transport, group.next(), this));
        }
    }

    /** How often the volumes are listed again, so changes made by other clients arrive (docs/VOLUMES.md). */
    public static final long RELIST_SECONDS = 5;

    /**
     * Opens new paths (a reload: servers or interfaces added, or log-in data changed) with
     * {@code with}, next to the running ones; returns them, started.
     */
    public List<RsioPath> addPaths(List<PathSpec> specs, NamespaceLogin with) {
        List<RsioPath> added = new ArrayList<>();
        for (PathSpec spec : specs) {
            added.add(new RsioPath(spec, with, transport, group.next(), this));
        }
        paths.addAll(added);
        added.forEach(RsioPath::start);
        return added;
    }

    /**
     * Closes paths a reload no longer wants. No new request goes to them from now on; what is
     * in flight on them finishes there (the server answers what it read before GOODBYE) or is
     * sent again on another path, as after a failover.
     */
    public void retire(List<RsioPath> old) {
        if (old.isEmpty()) {
            return;
        }
        paths.removeAll(old);
        for (RsioPath path : old) {
            volumes.values().forEach(v -> v.pathDown(path));
            path.stop();
        }
        java.util.Set<Integer> reached = new java.util.HashSet<>();
        paths.forEach(p -> reached.add(p.serverId()));
        servers.keySet().retainAll(reached);
        volumes.values().forEach(v -> v.serversRemoved(reached));
    }

    /** A reload's new log-in data and settings: later paths log in with it, volumes use its settings. */
    public void useLogin(NamespaceLogin next) {
        login = next;
        volumes.values().forEach(v -> v.reconfigure(next.settings()));
    }

    public String name() {
        return login.namespace();
    }

    public int id() {
        return login.namespaceId();
    }

    public String nodeName() {
        return login.nodeName();
    }

    public void start() {
        if (paths.isEmpty()) {
            LOG.warn("namespace {}: no usable path (check the [interface] and [server] addresses)", name());
        }
        paths.forEach(RsioPath::start);
        relister = timer.scheduleWithFixedDelay(this::refreshQuietly, RELIST_SECONDS, RELIST_SECONDS,
                java.util.concurrent.TimeUnit.SECONDS);
    }

    public void stop() {
        if (relister != null) {
            relister.cancel(false);
        }
        paths.forEach(RsioPath::stop);
        volumes.values().forEach(VolumeClient::shutdown);
    }

    public List<RsioPath> paths() {
        return paths;
    }

    public List<PathStatus> pathStatus() {
        return paths.stream().map(RsioPath::status).toList();
    }

    public List<ServerView> servers() {
        return servers.values().stream().sorted(java.util.Comparator.comparingInt(ServerView::serverId)).toList();
    }

    public List<VolumeClient> volumes() {
        return volumes.values().stream().sorted(java.util.Comparator.comparing(VolumeClient::name)).toList();
    }

    @Override
    public void pathReady(RsioPath path, Map<VolumeInfo, Integer> opened) {
        if (!paths.contains(path)) {
            return; // retired by a reload while it was logging in; it is closing
        }
        PathStatus status = path.status();
        servers.put(status.serverId(), new ServerView(status.serverId(), status.serverName(),
                opened.keySet().stream().sorted(java.util.Comparator.comparing(VolumeInfo::name)).toList()));
        java.util.Set<UUID> here = new java.util.HashSet<>();
        opened.keySet().forEach(info -> here.add(info.id()));
        volumes.values().stream().filter(v -> !here.contains(v.info().id())).forEach(v -> v.pathDown(path));
        opened.forEach((info, handle) -> {
            VolumeClient[] created = new VolumeClient[1];
            VolumeClient client = volumes.computeIfAbsent(info.id(), id -> {
                created[0] = new VolumeClient(name(), info, login.settings(), timer);
                return created[0];
            });
            client.pathReady(path, info, handle);
            if (created[0] != null) {
                LOG.info("volume {}:{} available: {} bytes, block size {}", name(), info.name(), info.size(),
                        info.blockSize());
                volumeAdded.accept(client);
            }
        });
        forgetDeleted(status.serverId(), here);
    }

    /**
     * Notes which volumes server {@code serverId} lists now, and drops the volumes no server
     * lists any more: their I/O fails, their export goes (unless {@link #volumeGone} keeps them).
     */
    private synchronized void forgetDeleted(int serverId, java.util.Set<UUID> listed) {
        for (VolumeClient v : volumes.values()) {
            java.util.Set<Integer> by = listedBy.computeIfAbsent(v.info().id(), id -> ConcurrentHashMap.newKeySet());
            if (listed.contains(v.info().id())) {
                by.add(serverId);
            } else {
                by.remove(serverId);
            }
            if (by.isEmpty() && volumeGone.test(v)) {
                volumes.remove(v.info().id());
                listedBy.remove(v.info().id());
                v.shutdown("volume " + name() + ":" + v.name() + " was deleted (no server lists it)");
                LOG.info("volume {}:{} no longer listed by any server: deleted, closed", name(), v.name());
            }
        }
    }

    /** The answer of a management request and the server that gave it. */
    public record Managed(String serverName, io.rsio.wire.message.Reply reply) {}

    /**
     * Sends one management request (docs/VOLUMES.md) to one logged-in server of the namespace;
     * fails when no path to a server that takes MANAGE (HELLO feature, docs/PROTOCOL.md §3.2) is ready.
     */
    public java.util.concurrent.CompletableFuture<Managed> manage(io.rsio.wire.message.Management operation) {
        RsioPath path = paths.stream().filter(RsioPath::manages).findFirst().orElse(null);
        if (path == null) {
            return java.util.concurrent.CompletableFuture.failedFuture(new java.io.IOException("namespace " + name()
                    + (paths.stream().anyMatch(RsioPath::isReady)
                    ? ": its servers do not take volume management requests (an rssrv older than this rsiod)"
                    : ": no server logged in (see rsconfig -m status)")));
        }
        String server = path.status().serverName();
        return path.exchange(tag -> new io.rsio.wire.message.Request.Manage(tag, operation))
                .thenApply(reply -> new Managed(server, reply));
    }

    /**
     * Sends one management request to every logged-in server of the namespace that takes MANAGE,
     * once per server (on its first ready path): for what each server keeps for itself, such as
     * its statistics and pauses. Empty when no such server is ready.
     */
    public List<java.util.concurrent.CompletableFuture<Managed>> manageEach(io.rsio.wire.message.Management operation) {
        Map<Integer, RsioPath> perServer = new java.util.LinkedHashMap<>();
        for (RsioPath path : paths) {
            if (path.manages()) {
                perServer.putIfAbsent(path.serverId(), path);
            }
        }
        List<java.util.concurrent.CompletableFuture<Managed>> answers = new ArrayList<>();
        perServer.values().forEach(path -> {
            String server = path.status().serverName();
            answers.add(path.exchange(tag -> new io.rsio.wire.message.Request.Manage(tag, operation))
                    .thenApply(reply -> new Managed(server, reply)));
        });
        return answers;
    }

    /**
     * Lists the volumes again on every ready path: volumes made, resized or deleted since the
     * login show up (new ones are opened, exported and can be attached; growth reaches devices).
     */
    public java.util.concurrent.CompletableFuture<Void> refreshVolumes() {
        return java.util.concurrent.CompletableFuture.allOf(paths.stream().filter(RsioPath::isReady)
                .map(RsioPath::relist).toArray(java.util.concurrent.CompletableFuture[]::new));
    }

    /** The periodic re-list: what another client changed reaches this one within the period. */
    private void refreshQuietly() {
        refreshVolumes().exceptionally(e -> {
            LOG.debug("namespace {}: volume re-list failed: {}", name(), e.getMessage());
            return null;
        });
    }

    @Override
    public void pathDown(RsioPath path) {
        volumes.values().forEach(v -> v.pathDown(path));
    }
}
