package io.rsio.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs real commands (our programs on this JVM's classpath, and the NBD tools) with a time limit. */
final class Commands {
    private Commands() {}

    static ProcessResult run(Duration limit, Map<String, String> env, List<String> command) throws IOException,
            InterruptedException {
        Path out = Files.createTempFile("rsio-it", ".out");
        Path err = Files.createTempFile("rsio-it", ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            try {
                if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("timed out after " + limit + ": " + String.join(" ", command)
                            + "\n" + Files.readString(out) + Files.readString(err));
                }
            } finally {
                process.destroyForcibly();
            }
            return new ProcessResult(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** A command line that runs {@code mainClass} of this project in a fresh JVM. */
    static List<String> java(String mainClass, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(List.of(args));
        return command;
    }

    static void requireTool(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return;
            }
        }
        throw new AssertionError(tool + " is not installed; .ci/run installs the test tools "
                + "(apt-get install nbdkit libnbd-bin qemu-utils fio)");
    }
}
