package io.rsio.admin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How crsio runs rsiod in the foreground of a session of its own (DaemonControl adds
 * {@code setsid} and the output file).
 */
public sealed interface RsiodCommand {
    /** The environment variable by which crsio's launcher names rsiod's launcher. */
    String LAUNCHER_VARIABLE = "RSIO_RSIOD_LAUNCHER";

    /** The command line that runs rsiod on {@code config} in the foreground. */
    List<String> arguments(Path config);

    /**
     * Changes to the environment; {@code inherited} is the environment the process would get.
     * rsiod must know it has no terminal (it then logs to its file only).
     */
    Map<String, String> environment(Map<String, String> inherited);

    /**
     * rsiod's launcher (scripts/rsiod, /usr/sbin/rsiod): the same JVM options, heap, ahead-of-
     * time cache and leak-detector setting as under systemd or from a shell, so that a daemon
     * crsio started is no different from any other.
     */
    record Launcher(Path launcher) implements RsiodCommand {
        @Override
        public List<String> arguments(Path config) {
            return List.of(launcher.toString(), "-f", "-c", config.toAbsolutePath().toString());
        }

        @Override
        public Map<String, String> environment(Map<String, String> inherited) {
            String options = inherited.getOrDefault("RSIO_JAVA_OPTS", "");
            return Map.of("RSIO_JAVA_OPTS", (options + " -Drsio.detached=true").strip());
        }
    }

    /** A java command with its options and class path, up to the main class (tests). */
    record Java(List<String> javaAndOptions) implements RsiodCommand {
        public Java {
            javaAndOptions = List.copyOf(javaAndOptions);
        }

        @Override
        public List<String> arguments(Path config) {
            List<String> command = new ArrayList<>(javaAndOptions);
            command.addAll(List.of("-Drsio.detached=true", "io.rsio.client.daemon.RsiodMain", "-c",
                    config.toAbsolutePath().toString(), "-f"));
            return command;
        }

        @Override
        public Map<String, String> environment(Map<String, String> inherited) {
            return Map.of();
        }
    }

    /**
     * rsiod's launcher when crsio's launcher named an executable one ({@value #LAUNCHER_VARIABLE}),
     * else this JVM with its class path ({@link DaemonControl#thisJava()}).
     */
    static RsiodCommand ofThisInstallation(Map<String, String> environment) {
        String launcher = environment.get(LAUNCHER_VARIABLE);
        if (launcher != null && !launcher.isBlank() && Files.isExecutable(Path.of(launcher))) {
            return new Launcher(Path.of(launcher));
        }
        return new Java(DaemonControl.thisJava());
    }
}
