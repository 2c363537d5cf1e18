package io.rsio.common;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where an RSIO program keeps its runtime files, from RSIO_RUN_DIR, RSIO_LOG_DIR and
 * RSIO_DEV_DIR, so that tests and demos can run several instances side by side.
 */
public record RsioEnvironment(Path runDir, Path logDir, Path devDir) {

    public static RsioEnvironment fromSystem() {
        return from(System.getenv());
    }

    public static RsioEnvironment from(Map<String, String> env) {
        return new RsioEnvironment(
                dir(env, "RSIO_RUN_DIR", "/run/rsio"),
                dir(env, "RSIO_LOG_DIR", "/var/log/rsio"),
                dir(env, "RSIO_DEV_DIR", "/dev"));
    }

    private static Path dir(Map<String, String> env, String name, String fallback) {
        String value = env.get(name);
        return Path.of(value == null || value.isBlank() ? fallback : value).toAbsolutePath();
    }

    public Path controlSocket() {
        return runDir.resolve("rsiod.sock");
    }

    public Path nbdSocketDir() {
        return runDir.resolve("nbd");
    }

    public Path pidFile(String program) {
        return runDir.resolve(program + ".pid");
    }

    public Path logFile(String program) {
        return logDir.resolve(program + ".log");
    }
}
