package io.rsio.client.daemon;

import io.netty.channel.EventLoopGroup;
import io.rsio.client.frontend.NbdExportManager;
import io.rsio.client.frontend.attach.AttachControl;
import io.rsio.client.frontend.attach.AttachManager;
import io.rsio.client.multipath.LinkMonitor;
import io.rsio.client.multipath.NamespaceClient;
import io.rsio.client.multipath.NamespaceLogin;
import io.rsio.client.multipath.PathPlanner;
import io.rsio.client.multipath.PathSpec;
import io.rsio.client.multipath.RsioPath;
import io.rsio.client.multipath.VolumeClient;
import io.rsio.common.NamedThreads;
import io.rsio.common.RsioEnvironment;
import io.rsio.common.Transport;
import io.rsio.config.ClientConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * rsiod's core: one {@link NamespaceClient} per configured namespace, each with its paths and
 * volumes, and the NBD exports of those volumes.
 */
public final class ClientDaemon implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(ClientDaemon.class);

    private volatile ClientConfig config; // what runs; a reload may add namespaces
    private final Path configFile;
    private final long startedMillis = System.currentTimeMillis();
    private final EventLoopGroup group;
    private final ScheduledExecutorService timer;
    private final NbdExportManager exports;
    private final List<NamespaceClient> namespaces = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Block devices (rsconfig -a/-d/-l); closed first, while the volumes still have their paths. None when embedded. */
    private final AttachManager attach;
    /** Deleted volumes kept because they are attached here (warned about once). */
    private final java.util.Set<VolumeClient> keptDeleted = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AttachControl attachControl;
    private final Transport transport;

    private ClientDaemon(ClientConfig config, Path configFile, Optional<RsioEnvironment> nbdEnv,
                         Optional<InetSocketAddress> nbdTcp) throws IOException {
        this.config = config;
        this.configFile = configFile;
        Transport transport = Transport.best();
        int threads = Integer.getInteger("rsio.io.threads", Runtime.getRuntime().availableProcessors());
        this.group = transport.newGroup(threads, "rsiod-io");
        this.timer = Executors.newSingleThreadScheduledExecutor(new NamedThreads("rsiod-timer"));
        try {
            this.exports = nbdEnv.isPresent() ? new NbdExportManager(group, nbdEnv.get().nbdSocketDir(), nbdTcp) : null;
        } catch (IOException | RuntimeException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            timer.shutdownNow();
            throw e;
        }
        this.transport = transport;
        List<PathSpec> plan = new PathPlanner(config.interfaces()).plan(config);
        for (ClientConfig.Namespace ns : config.namespaces()) {
            namespaces.add(newNamespace(NamespaceLogin.of(ns), PathSpec.of(plan, ns.name())));
        }
        LOG.info("transport {}, {} namespace(s), {} path(s) planned", transport.name(), namespaces.size(), plan.size());
        this.attach = nbdEnv.map(e -> new AttachManager(e, this::namespaces, config.defaults().attach(),
                config.defaults().fuseTransport())).orElse(null);
        this.attachControl = attach == null ? null : new AttachControl(attach, this::namespaces, () -> System.exit(0));
    }

    public static ClientDaemon start(ClientConfig config, Path configFile, RsioEnvironment env,
                                     Optional<InetSocketAddress> nbdTcp) throws IOException {
        return started(new ClientDaemon(config, configFile, Optional.of(env), nbdTcp));
    }

    /**
     * The client core without NBD exports or control socket, inside another program: the
     * protocol load generator uses it to measure RSIO without the NBD hop.
     */
    public static ClientDaemon startEmbedded(ClientConfig config) throws IOException {
        return started(new ClientDaemon(config, config.file(), Optional.empty(), Optional.empty()));
    }

    private static ClientDaemon started(ClientDaemon daemon) {
        if (daemon.attach != null) {
            daemon.attach.start(); // first: clears what a crashed rsiod left before anything new is made
        }
        daemon.namespaces.forEach(NamespaceClient::start);
        new LinkMonitor(daemon::pathsByAddress).start(daemon.timer);
        return daemon;
    }

    /** Every path by its client interface address (the link monitor's view; a reload changes it). */
    private java.util.Map<String, List<RsioPath>> pathsByAddress() {
        java.util.Map<String, List<RsioPath>> byAddress = new java.util.LinkedHashMap<>();
        namespaces.forEach(ns -> ns.paths().forEach(p -> byAddress
                .computeIfAbsent(p.spec().clientInterface().address(), a -> new ArrayList<>()).add(p)));
        return byAddress;
    }

    private NamespaceClient newNamespace(NamespaceLogin login, List<PathSpec> specs) {
        // Exports bind sockets and wait for that, which an event loop must not do: the timer
        // thread does it.
        return new NamespaceClient(login, specs, transport, group, timer, volume -> {
            if (exports != null) {
                timer.execute(() -> exports.export(volume));
            }
        }, this::volumeDeleted);
    }

    /**
     * A volume no server lists any more (deleted, docs/VOLUMES.md): its NBD export goes. One
     * attached here stays, device and all, until it is detached (it can only have been deleted
     * through another server of a shared pool; its I/O fails meanwhile).
     */
    private boolean volumeDeleted(VolumeClient volume) {
        if (attach != null && attach.attachments().stream().anyMatch(a -> a.volume() == volume)) {
            if (keptDeleted.add(volume)) {
                LOG.warn("volume {}:{} is no longer listed by any server but is attached here: kept until detached",
                        volume.namespace(), volume.name());
            }
            return false;
        }
        if (exports != null) {
            timer.execute(() -> exports.unexport(volume));
        }
        return true;
    }

    public ClientConfig config() {
        return config;
    }

    public Path configFile() {
        return configFile;
    }

    public long startedMillis() {
        return startedMillis;
    }

    public List<NamespaceClient> namespaces() {
        return namespaces;
    }

    /** What runs after a reload: the rows of the next {@code reload} are relative to it. */
    void running(ClientConfig now) {
        config = now;
    }

    /**
     * Starts a namespace added to the config file since rsiod started (a reload). The running
     * namespaces are not touched, so attached volumes stay up.
     */
    NamespaceClient addNamespace(NamespaceLogin login, List<PathSpec> specs) {
        NamespaceClient client = newNamespace(login, specs);
        namespaces.add(client);
        LOG.info("reload: namespace {} (id {}) added, {} path(s) planned", login.namespace(), login.namespaceId(),
                specs.size());
        client.start();
        return client;
    }

    /** The attached volumes of {@code namespace} with their block-device links. */
    Map<VolumeClient, Path> attachedVolumesIn(String namespace) {
        Map<VolumeClient, Path> attached = new java.util.LinkedHashMap<>();
        if (attach != null) {
            attach.attachments().stream().filter(a -> a.namespace().equals(namespace))
                    .forEach(a -> attached.put(a.volume(), a.blockLink()));
        }
        return attached;
    }

    /** The block-device links of {@code namespace}'s attached volumes: a reload does not remove it then. */
    List<String> attachedIn(String namespace) {
        return attachedVolumesIn(namespace).values().stream().map(Path::toString).toList();
    }

    /** Ends a namespace a reload removed (none of its volumes attached): paths, volumes, NBD exports. */
    void removeNamespace(NamespaceClient client) {
        namespaces.remove(client);
        if (exports != null) {
            client.volumes().forEach(exports::unexport);
        }
        client.stop();
        LOG.info("reload: namespace {} (id {}) removed", client.name(), client.id());
    }

    public Optional<Path> nbdSocket(VolumeClient volume) {
        return exports == null ? Optional.empty() : exports.socketOf(volume);
    }

    public AttachControl attachControl() {
        return attachControl;
    }

    @Override
    public void close() {
        if (attach != null) {
            attach.close();
        }
        if (exports != null) {
            exports.close();
        }
        namespaces.forEach(NamespaceClient::stop);
        // Let GOODBYEs go out before the event loops stop.
        group.shutdownGracefully(600, 3000, TimeUnit.MILLISECONDS).awaitUninterruptibly();
        timer.shutdownNow();
    }
}
