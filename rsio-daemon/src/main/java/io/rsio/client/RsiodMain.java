package io.rsio.client;

import io.rsio.common.Args;
import io.rsio.common.DaemonLogging;
import io.rsio.common.DaemonProcess;
import io.rsio.common.RsioEnvironment;
import io.rsio.config.ClientConfig;
import io.rsio.config.ConfigException;
import io.rsio.control.ControlServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/** {@code rsiod}: the RSIO client daemon. */
public final class RsiodMain {
    static final String USAGE = """
            usage: rsiod [-c FILE] [-f] [--nbd-port PORT] [--help]
              -c FILE          client configuration (default /etc/rscltcfg)
              -f               stay in the foreground and also log to stderr
                               (the scripts/rsiod launcher detaches without -f)
              --nbd-port PORT  also serve every volume as an NBD export on 127.0.0.1:PORT
              --help           show this help
            environment: RSIO_RUN_DIR (default /run/rsio; control socket rsiod.sock, NBD sockets nbd/),
                         RSIO_LOG_DIR (default /var/log/rsio), RSIO_DEV_DIR (default /dev)
            """;

    private RsiodMain() {}

    public static void main(String[] argv) {
        Path configFile = Path.of("/etc/rscltcfg");
        boolean foreground = false;
        Optional<InetSocketAddress> nbdTcp = Optional.empty();
        try {
            Args args = new Args(argv);
            while (args.hasNext()) {
                String word = args.next();
                switch (word) {
                    case "-c" -> configFile = Path.of(args.valueFor("-c"));
                    case "-f" -> foreground = true;
                    case "--nbd-port" -> nbdTcp = Optional.of(new InetSocketAddress(InetAddress.getLoopbackAddress(),
                            port(args.valueFor("--nbd-port"))));
                    case "-h", "--help" -> {
                        System.out.print(USAGE);
                        return;
                    }
                    default -> throw new Args.UsageException("unknown option " + word);
                }
            }
        } catch (Args.UsageException e) {
            System.err.println("rsiod: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
        }
        System.exit(run(configFile, foreground, nbdTcp));
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
        RsioEnvironment env = RsioEnvironment.fromSystem();
        ClientConfig config;
        try {
            config = ClientConfig.load(configFile);
        } catch (ConfigException e) {
            System.err.println("rsiod: " + e.getMessage());
            return 1;
        }
        io.rsio.config.ConfigFilePermissions permissions = io.rsio.config.ConfigFilePermissions.check(configFile);
        if (permissions.refusal().isPresent()) {
            System.err.println("rsiod: " + permissions.refusal().get());
            return 1;
        }
        DaemonProcess process = new DaemonProcess("rsiod", env);
        try {
            process.prepareDirectories();
        } catch (IOException e) {
            System.err.println("rsiod: cannot create " + env.runDir() + " or " + env.logDir() + ": " + e.getMessage());
            return 1;
        }
        String node = config.namespaces().isEmpty() ? "rsiod" : config.namespaces().getFirst().nodeName();
        DaemonLogging.init(node, env.logFile("rsiod"), foreground);
        Logger log = LogManager.getLogger(RsiodMain.class);
        permissions.warnings().forEach(log::warn);
        ClientDaemon daemon;
        ControlServer control;
        try {
            daemon = ClientDaemon.start(config, configFile, env, nbdTcp);
            try {
                control = ControlServer.start(env.controlSocket(),
                        new ControlService(daemon)::handle);
            } catch (IOException e) {
                daemon.close();
                throw e;
            }
            process.writePidFile();
        } catch (IOException | RuntimeException e) {
            log.error("rsiod not started: {}", e.getMessage());
            System.err.println("rsiod: " + e.getMessage());
            DaemonLogging.shutdown();
            return 1;
        }
        log.info("rsiod started: {} namespace(s), {} interface(s), control socket {}, config {}",
                config.namespaces().size(), config.interfaces().size(), env.controlSocket(), configFile);
        process.runUntilStopped(() -> {
            log.info("rsiod stopping");
            control.close();
            daemon.close();
            log.info("rsiod stopped");
        });
        return 0;
    }
}
