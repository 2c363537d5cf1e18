package io.rsio.it;

import io.rsio.control.ControlClient;
import io.rsio.control.ControlResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Real test hosts for multipath tests: scripts/testbed builds a client network namespace and
 * server namespaces joined by shaped veth links (198.18.0.0/15); rssrv runs in each server
 * namespace and rsiod in the client namespace, each its own JVM.
 */
final class Testbed implements AutoCloseable {
    static final Path PROJECT = Path.of(System.getProperty("user.dir")).getParent();

    final String name;
    final Path dir;
    final int servers;
    private final Map<Integer, Process> rssrv = new HashMap<>();
    private final List<Process> processes = new ArrayList<>();

    private Testbed(String name, Path dir, int servers) {
        this.name = name;
        this.dir = dir;
        this.servers = servers;
    }

    /** Builds the namespaces and links; {@code options} are scripts/testbed's (--paths, --rate, ...). */
    static Testbed up(String name, Path dir, int servers, String... options) throws Exception {
        Commands.requireTool("nft");
        Commands.requireTool("fio");
        List<String> command = new ArrayList<>(List.of(PROJECT.resolve("scripts/testbed").toString(), "up",
                "--name", name, "--dir", dir.toString(), "--servers", Integer.toString(servers)));
        command.addAll(List.of(options));
        ProcessResult result = Commands.run(Duration.ofSeconds(60), Map.of(), command);
        if (result.exitCode() != 0) {
            throw new AssertionError("testbed up failed: " + result);
        }
        return new Testbed(name, dir, servers);
    }

    Map<String, String> env() {
        return Map.of("RSIO_RUN_DIR", dir.resolve("run").toString(), "RSIO_LOG_DIR", dir.resolve("log").toString(),
                "RSIO_DEV_DIR", dir.resolve("dev").toString());
    }

    void startServer(int index) throws Exception {
        Path pid = dir.resolve("run/rssrv.pid");
        Files.deleteIfExists(pid);
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", name + "-s" + index));
        command.addAll(Commands.java("io.rsio.server.RssrvMain", "-c", dir.resolve("rssrvcfg-s" + index).toString(),
                "-f"));
        Process process = start("rssrv-s" + index, command, Map.of("RSIO_RUN_DIR",
                dir.resolve("run-s" + index).toString(), "RSIO_LOG_DIR", dir.resolve("log-s" + index).toString()));
        rssrv.put(index, process);
        awaitFile(dir.resolve("run-s" + index + "/rssrv.pid"), process, "rssrv-s" + index);
    }

    void killServer(int index) throws InterruptedException {
        Process process = rssrv.remove(index);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    void startClient() throws Exception {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", name + "-c"));
        command.addAll(Commands.java("io.rsio.client.daemon.RsiodMain", "-c", dir.resolve("rscltcfg").toString(), "-f"));
        Process process = start("rsiod", command, Map.of());
        awaitFile(dir.resolve("run/rsiod.pid"), process, "rsiod");
    }

    private Process start(String logName, List<String> command, Map<String, String> overrides) throws IOException {
        Files.createDirectories(dir.resolve("log"));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("log/" + logName + ".out").toFile()));
        builder.environment().putAll(env());
        builder.environment().putAll(overrides);
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private void awaitFile(Path file, Process process, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.exists(file)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError(what + " did not start:\n" + Files.readString(dir.resolve("log/" + what + ".out")));
            }
            Thread.sleep(50);
        }
    }

    void link(int k, String action) throws Exception {
        ProcessResult result = Commands.run(Duration.ofSeconds(20), Map.of(), List.of(
                PROJECT.resolve("scripts/testbed").toString(), "link", Integer.toString(k), action, "--name", name,
                "--dir", dir.toString()));
        if (result.exitCode() != 0) {
            throw new AssertionError("testbed link " + k + " " + action + " failed: " + result);
        }
    }

    ControlResponse control(String request) throws Exception {
        return new ControlClient(dir.resolve("run/rsiod.sock")).call(request);
    }

    String nbdUri() {
        return "nbd+unix:///vol?socket=" + dir.resolve("run/nbd/vol.sock");
    }

    String log() throws IOException {
        Path log = dir.resolve("log/rsiod.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    void await(String what, Duration limit, BooleanSupplier condition) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + limit + ": " + what + "\n--- rsiod.log\n" + log());
            }
            Thread.sleep(50);
        }
    }

    /** Number of paths in state connected, per the daemon's status rows. */
    long connectedPaths() {
        try {
            return control("status").rows(io.rsio.control.ControlRows.PathRow.class).stream()
                    .filter(p -> p.state().equals("connected")).count();
        } catch (Exception e) {
            return -1;
        }
    }

    @Override
    public void close() throws Exception {
        for (Process p : processes) {
            p.destroyForcibly();
        }
        for (Process p : processes) {
            p.waitFor(10, TimeUnit.SECONDS);
        }
        Commands.run(Duration.ofSeconds(60), Map.of(), List.of(PROJECT.resolve("scripts/testbed").toString(), "down",
                "--name", name, "--dir", dir.toString()));
    }
}
