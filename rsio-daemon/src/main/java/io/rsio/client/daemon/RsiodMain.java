package io.rsio.client.daemon;

import io.rsio.common.Args;
import io.rsio.common.DaemonProcess;
import io.rsio.common.DaemonStartup;
import io.rsio.common.RsioEnvironment;
import io.rsio.common.ServiceManager;
import io.rsio.config.ClientConfig;
import io.rsio.config.KeyStrength;
import io.rsio.control.ControlServer;
import io.rsio.metrics.MetricsEndpoint;
import io.rsio.client.daemon.RsiodMetrics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.logging.log4j.Logger;

/** {@code rsiod}: the RSIO client daemon. */
public final class RsiodMain {
    static final String USAGE = """
            usage: rsiod [-c FILE] [-f] [--nbd-port PORT] [--help]
              -c FILE          client configuration (default /etc/rscltcfg)
              -f               stay in the foreground and also log to stderr (the
                               launcher detaches without -f, except under systemd)
              --nbd-port PORT  also serve every volume as an NBD export on 127.0.0.1:PORT
              -h, --help       show this help
            environment: RSIO_RUN_DIR (default /run/rsio; control socket rsiod.sock, NBD sockets nbd/),
                         RSIO_LOG_DIR (default /var/log/rsio), RSIO_DEV_DIR (default /dev)
            """;

    private RsiodMain() {}

    /** The command line: what USAGE lists, and nothing else. */
    public static final class Options implements Args.OptionHandler {
        Path configFile = Path.of("/etc/rscltcfg");
        boolean foreground;
        Optional<InetSocketAddress> nbdTcp = Optional.empty();

        @Override
        public void accept(String word, Args args) throws Args.UsageException {
            switch (word) {
                case "-c" -> configFile = Path.of(args.valueFor("-c"));
                case "-f" -> foreground = true;
                case "--nbd-port" -> nbdTcp = Optional.of(new InetSocketAddress(
                        InetAddress.getLoopbackAddress(), port(args.valueFor("--nbd-port"))));
                default -> throw new Args.UsageException("unknown option " + word);
            }
        }
    }

    public static void main(String[] argv) {
        Options options = new Options();
        boolean go = Args.parseOrExit("rsiod", USAGE, argv, options);
        if (go) {
            System.exit(run(options.configFile, options.foreground, options.nbdTcp));
        }
    }

    private static int port(String text) throws Args.UsageException {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new Args.UsageException("--nbd-port needs a port from 1 to 65535, found \"" + text + "\"");
    }

    static int run(Path configFile, boolean foreground, Optional<InetSocketAddress> nbdTcp) {
        Optional<DaemonStartup<ClientConfig>> prepared = DaemonStartup.prepare("rsiod", configFile, ClientConfig::load);
        if (prepared.isEmpty()) {
            return 1;
        }
        DaemonStartup<ClientConfig> startup = prepared.get();
        ClientConfig config = startup.config();
        RsioEnvironment env = startup.env();
        DaemonProcess process = startup.process();
        Logger log = startup.startLogging(
                c -> c.namespaces().isEmpty() ? "rsiod" : c.namespaces().getFirst().nodeName(), foreground,
                RsiodMain.class);
        KeyStrength.warnings(config).forEach(log::warn);
        ClientDaemon daemon;
        ControlServer control;
        Optional<MetricsEndpoint> metrics;
        try {
            daemon = ClientDaemon.start(config, configFile, env, nbdTcp);
            try {
                control = ControlServer.start(env.controlSocket(),
                        new ControlService(daemon)::handle);
            } catch (IOException e) {
                daemon.close();
                throw e;
            }
            try {
                metrics = MetricsEndpoint.startIfConfigured("rsiod", config.defaults().metrics(),
                        () -> new RsiodMetrics(daemon));
            } catch (IOException e) {
                control.close();
                daemon.close();
                throw e;
            }
            process.writePidFile();
        } catch (IOException | RuntimeException e) {
            return startup.notStarted(log, e);
        }
        ServiceManager service = ServiceManager.fromSystem();
        ReadinessReporter readiness = ReadinessReporter.start(daemon, service);
        log.info("rsiod started: {} namespace(s), {} interface(s), control socket {}, config {}",
                config.namespaces().size(), config.interfaces().size(), env.controlSocket(), configFile);
        process.runUntilStopped(() -> {
            log.info("rsiod stopping");
            metrics.ifPresent(MetricsEndpoint::close);
            service.stopping();
            readiness.close();
            control.close();
            daemon.close();
            log.info("rsiod stopped");
        });
        return 0;
    }
}
