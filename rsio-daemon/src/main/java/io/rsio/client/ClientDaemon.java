package io.rsio.client;

import io.netty.channel.EventLoopGroup;
import io.rsio.client.attach.AttachControl;
import io.rsio.client.attach.AttachManager;
import io.rsio.common.NamedThreads;
import io.rsio.common.RsioEnvironment;
import io.rsio.common.Transport;
import io.rsio.config.ClientConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
    private final AttachControl attachControl;

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
        List<PathSpec> plan = new PathPlanner(config.interfaces()).plan(config);
        for (ClientConfig.Namespace ns : config.namespaces()) {
            List<PathSpec> specs = plan.stream().filter(p -> p.namespace().equals(ns.name())).toList();
            // Exports bind sockets and wait for that, which an event loop must not do: the
            // timer thread does it.
            namespaces.add(new NamespaceClient(NamespaceLogin.of(ns), specs, transport, group, timer,
                    volume -> {
                        if (exports != null) {
                            timer.execute(() -> exports.export(volume));
                        }
                    }));
        }
        LOG.info("transport {}, {} namespace(s), {} path(s) planned", transport.name(), namespaces.size(), plan.size());
        this.attach = nbdEnv.map(e -> new AttachManager(e, this::namespaces)).orElse(null);
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
        java.util.Map<String, List<RsioPath>> byAddress = new java.util.LinkedHashMap<>();
        daemon.namespaces.forEach(ns -> ns.paths().forEach(p -> byAddress
                .computeIfAbsent(p.spec().clientInterface().address(), a -> new ArrayList<>()).add(p)));
        new LinkMonitor(byAddress).start(daemon.timer);
        return daemon;
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

    /**
     * Starts a namespace added to the config file since rsiod started (control request
     * {@code reload}, see {@link ReloadService}). The running namespaces are not touched, so
     * attached volumes stay up. {@code fileConfig} is the new file, for path planning.
     */
    synchronized void addNamespace(ClientConfig fileConfig, ClientConfig.Namespace ns) throws IOException {
        List<PathSpec> specs = new PathPlanner(config.interfaces()).plan(fileConfig).stream()
                .filter(p -> p.namespace().equals(ns.name())).toList();
        NamespaceClient client = new NamespaceClient(NamespaceLogin.of(ns), specs, Transport.best(), group, timer,
                volume -> {
                    if (exports != null) {
                        timer.execute(() -> exports.export(volume));
                    }
                });
        List<ClientConfig.Namespace> running = new ArrayList<>(config.namespaces());
        running.add(ns);
        config = new ClientConfig(config.file(), config.defaults(), config.interfaces(), running);
        namespaces.add(client);
        LOG.info("reload: namespace {} (id {}) added, {} path(s) planned", ns.name(), ns.id(), specs.size());
        client.start();
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
