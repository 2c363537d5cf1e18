package io.rsio.server;

import io.rsio.common.Args;
import io.rsio.common.DaemonLogging;
import io.rsio.common.DaemonProcess;
import io.rsio.common.RsioEnvironment;
import io.rsio.config.ConfigException;
import io.rsio.config.ServerConfig;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** {@code rssrv}: the RSIO storage server. */
public final class RssrvMain {
    static final String USAGE = """
            usage: rssrv [-c FILE] [-f] [--help]
              -c FILE   server configuration (default /etc/dvsc/rssrvcfg)
              -f        stay in the foreground and also log to stderr
                        (the scripts/rssrv launcher detaches without -f)
              --help    show this help
            environment: RSIO_RUN_DIR (default /run/rsio), RSIO_LOG_DIR (default /var/log/rsio)
            """;

    private RssrvMain() {}

    public static void main(String[] argv) {
        Path configFile = Path.of("/etc/dvsc/rssrvcfg");
        boolean foreground = false;
        try {
            Args args = new Args(argv);
            while (args.hasNext()) {
                String word = args.next();
                switch (word) {
                    case "-c" -> configFile = Path.of(args.valueFor("-c"));
                    case "-f" -> foreground = true;
                    case "-h", "--help" -> {
                        System.out.print(USAGE);
                        return;
                    }
                    default -> throw new Args.UsageException("unknown option " + word);
                }
            }
        } catch (Args.UsageException e) {
            System.err.println("rssrv: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
        }
        System.exit(run(configFile, foreground));
    }

    static int run(Path configFile, boolean foreground) {
        RsioEnvironment env = RsioEnvironment.fromSystem();
        ServerConfig config;
        try {
            config = ServerConfig.load(configFile);
        } catch (ConfigException e) {
            System.err.println("rssrv: " + e.getMessage());
            return 1;
        }
        io.rsio.config.ConfigFilePermissions permissions = io.rsio.config.ConfigFilePermissions.check(configFile);
        if (permissions.refusal().isPresent()) {
            System.err.println("rssrv: " + permissions.refusal().get());
            return 1;
        }
        DaemonProcess process = new DaemonProcess("rssrv", env);
        try {
            process.prepareDirectories();
        } catch (IOException e) {
            System.err.println("rssrv: cannot create " + env.runDir() + " or " + env.logDir() + ": " + e.getMessage());
            return 1;
        }
        DaemonLogging.init(config.server().name(), env.logFile("rssrv"), foreground);
        Logger log = LogManager.getLogger(RssrvMain.class);
        permissions.warnings().forEach(log::warn);
        RsioServer server;
        try {
            server = RsioServer.start(config);
            process.writePidFile();
        } catch (IOException e) {
            log.error("rssrv not started: {}", e.getMessage());
            System.err.println("rssrv: " + e.getMessage());
            DaemonLogging.shutdown();
            return 1;
        }
        log.info("rssrv started: namespace {} (id {}), server {} (id {}), {} volume(s), config {}",
                config.namespace().name(), config.namespace().id(), config.server().name(), config.server().id(),
                server.catalog().all().size(), configFile);
        process.runUntilStopped(() -> {
            log.info("rssrv stopping: closing sessions");
            server.close();
            log.info("rssrv stopped");
        });
        return 0;
    }
}
