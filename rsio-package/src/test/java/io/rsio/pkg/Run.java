package io.rsio.pkg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** A finished command: exit code and output, and how the tests run one (bounded in time). */
record Run(List<String> command, int exitCode, String stdout, String stderr) {
    static Run of(Duration limit, Map<String, String> env, String... command) throws IOException, InterruptedException {
        return of(limit, env, null, command);
    }

    static Run of(Duration limit, Map<String, String> env, Path directory, String... command)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(env);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        Process process = builder.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()));
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()));
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " did not end within " + limit);
        }
        return new Run(List.of(command), process.exitValue(), out.join(), err.join());
    }

    static Run of(Duration limit, String... command) throws IOException, InterruptedException {
        return of(limit, Map.of(), command);
    }

    private static String read(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e.getMessage() + ")";
        }
    }

    boolean ok() {
        return exitCode == 0;
    }

    @Override
    public String toString() {
        return String.join(" ", command) + " -> " + exitCode + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
    }
}
