package io.rsio.common;

import io.rsio.config.ConfigException;
import io.rsio.config.ConfigFilePermissions;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The first steps both daemons take, in order, before they serve anything: load the config
 * file (a broken line names file and line), refuse one that others may write, create the run
 * and log directories, then start logging under the node's name with the file's permission
 * warnings as the first lines. Every refusal goes to stderr as {@code program: reason}, where
 * the launcher shows it, and the daemon does not start half-configured.
 *
 * @param <C> the parsed configuration
 */
public final class DaemonStartup<C> {
    /** Parses a config file. */
    public interface Loader<C> {
        C load(Path file) throws ConfigException;
    }

    private final String program;
    private final C config;
    private final RsioEnvironment env;
    private final DaemonProcess process;
    private final ConfigFilePermissions permissions;

    private DaemonStartup(String program, C config, RsioEnvironment env, DaemonProcess process,
                          ConfigFilePermissions permissions) {
        this.program = program;
        this.config = config;
        this.env = env;
        this.process = process;
        this.permissions = permissions;
    }

    /** The steps up to logging; empty (the reason printed) when the daemon must not start. */
    public static <C> Optional<DaemonStartup<C>> prepare(String program, Path configFile, Loader<C> loader) {
        RsioEnvironment env = RsioEnvironment.fromSystem();
        C config;
        try {
            config = loader.load(configFile);
        } catch (ConfigException e) {
            System.err.println(program + ": " + e.getMessage());
            return Optional.empty();
        }
        ConfigFilePermissions permissions = ConfigFilePermissions.check(configFile);
        if (permissions.refusal().isPresent()) {
            System.err.println(program + ": " + permissions.refusal().get());
            return Optional.empty();
        }
        DaemonProcess process = new DaemonProcess(program, env);
        try {
            process.prepareDirectories();
        } catch (IOException e) {
            System.err.println(program + ": cannot create " + env.runDir() + " or " + env.logDir() + ": "
                    + e.getMessage());
            return Optional.empty();
        }
        return Optional.of(new DaemonStartup<>(program, config, env, process, permissions));
    }

    /** Starts logging as {@code node} (the seed's line prefix) and logs the permission warnings. */
    public Logger startLogging(Function<C, String> node, boolean foreground, Class<?> main) {
        DaemonLogging.init(node.apply(config), env.logFile(program), foreground);
        Logger log = LogManager.getLogger(main);
        permissions.warnings().forEach(log::warn);
        return log;
    }

    /** Reports a failure to start in the log and on stderr; the exit code to return. */
    public int notStarted(Logger log, Exception e) {
        log.error("{} not started: {}", program, e.getMessage());
        System.err.println(program + ": " + e.getMessage());
        DaemonLogging.shutdown();
        return 1;
    }

    public C config() {
        return config;
    }

    public RsioEnvironment env() {
        return env;
    }

    public DaemonProcess process() {
        return process;
    }
}
