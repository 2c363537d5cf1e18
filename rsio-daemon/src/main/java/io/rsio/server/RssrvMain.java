package io.rsio.server;

import io.rsio.common.Args;
import io.rsio.common.DaemonStartup;
import io.rsio.config.KeyStrength;
import io.rsio.common.ServiceManager;
import io.rsio.config.ServerConfig;
import io.rsio.metrics.MetricsEndpoint;
import io.rsio.server.RssrvMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.logging.log4j.Logger;

/** {@code rssrv}: the RSIO storage server. */
public final class RssrvMain {
    static final String USAGE = """
            usage: rssrv [-c FILE] [-f] [--help]
              -c FILE   server configuration (default /etc/dvsc/rssrvcfg)
              -f        stay in the foreground and also log to stderr (the
                        launcher detaches without -f, except under systemd)
              -h, --help  show this help
            environment: RSIO_RUN_DIR (default /run/rsio), RSIO_LOG_DIR (default /var/log/rsio)
            """;

    private RssrvMain() {}

    /** The command line: what USAGE lists, and nothing else. */
    public static final class Options implements Args.OptionHandler {
        Path configFile = Path.of("/etc/dvsc/rssrvcfg");
        boolean foreground;

        @Override
        public void accept(String word, Args args) throws Args.UsageException {
            switch (word) {
                case "-c" -> configFile = Path.of(args.valueFor("-c"));
                case "-f" -> foreground = true;
                default -> throw new Args.UsageException("unknown option " + word);
            }
        }
    }

    public static void main(String[] argv) {
        Options options = new Options();
        boolean go = Args.parseOrExit("rssrv", USAGE, argv, options);
        if (go) {
            System.exit(run(options.configFile, options.foreground));
        }
    }

    static int run(Path configFile, boolean foreground) {
        Optional<DaemonStartup<ServerConfig>> prepared = DaemonStartup.prepare("rssrv", configFile, ServerConfig::load);
        if (prepared.isEmpty()) {
            return 1;
        }
        DaemonStartup<ServerConfig> startup = prepared.get();
        ServerConfig config = startup.config();
        Logger log = startup.startLogging(c -> c.server().name(), foreground, RssrvMain.class);
        KeyStrength.warnings(config).forEach(log::warn);
        RsioServer server;
        Optional<MetricsEndpoint> metrics;
        try {
            server = RsioServer.start(config);
            try {
                metrics = MetricsEndpoint.startIfConfigured("rssrv", config.server().metrics(),
                        () -> new RssrvMetrics(server));
            } catch (IOException e) {
                server.close();
                throw e;
            }
            startup.process().writePidFile();
        } catch (IOException e) {
            return startup.notStarted(log, e);
        }
        log.info("rssrv started: namespace {} (id {}), server {} (id {}), {} volume(s), config {}",
                config.namespace().name(), config.namespace().id(), config.server().name(), config.server().id(),
                server.catalog().all().size(), configFile);
        ServiceManager service = ServiceManager.fromSystem();
        service.ready("serving " + server.catalog().all().size() + " volume(s) of namespace "
                + config.namespace().name() + " on " + config.interfaces().size() + " interface(s)");
        startup.process().runUntilStopped(() -> {
            log.info("rssrv stopping: closing sessions");
            metrics.ifPresent(MetricsEndpoint::close);
            service.stopping();
            server.close();
            log.info("rssrv stopped");
        });
        return 0;
    }
}
