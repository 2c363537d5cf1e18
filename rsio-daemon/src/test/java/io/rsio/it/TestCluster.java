package io.rsio.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
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
 * A real rssrv and a real rsiod on loopback, each its own JVM process, with configs, run
 * directory and logs in one temporary directory. Tests drive it with rsconfig and NBD tools.
 */
final class TestCluster implements AutoCloseable {
    static final Duration START_LIMIT = Duration.ofSeconds(30);

    final Path dir;
    final Path runDir;
    final Path logDir;
    final int port;
    final Path serverConfig;
    final Path clientConfig;
    private final List<Process> processes = new ArrayList<>();
    private final Map<String, String> extraEnv = new HashMap<>();
    private Process rssrv;
    private Process rsiod;

    TestCluster(Path dir) throws IOException {
        this.dir = dir;
        this.runDir = Files.createDirectories(dir.resolve("run"));
        this.logDir = Files.createDirectories(dir.resolve("log"));
        this.port = freePort();
        this.serverConfig = dir.resolve("rssrvcfg");
        this.clientConfig = dir.resolve("rscltcfg");
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The seed's server file on loopback, with two volumes of the given size. */
    TestCluster writeServerConfig(String clients, long volumeMiB) throws IOException {
        return writeServerConfig(clients, volumeMiB, "");
    }

    /** As above; {@code oracleAccess} is the access list of volume oracle ("" for everyone). */
    TestCluster writeServerConfig(String clients, long volumeMiB, String oracleAccess) throws IOException {
        return writeServerConfigWithVolumes(clients, """
                [volume oracle]
                path   = %s
                size   = %dM
                device = av0
                %s

                [volume S10_oracle]
                path   = %s
                size   = %dM
                device = av0
                """.formatted(dir.resolve("oracle.img"), volumeMiB,
                oracleAccess.isEmpty() ? "" : "access = " + oracleAccess, dir.resolve("s10.img"), volumeMiB));
    }

    /** The seed's server file on loopback with {@code volumes} ([volume] sections) as its volumes. */
    TestCluster writeServerConfigWithVolumes(String clients, String volumes) throws IOException {
        Files.writeString(serverConfig, """
                [namespace osl]
                namespaceid = 200
                protocol    = tcp
                port        = %d

                [server big-9]
                serverid = 1

                [interface if1]
                address     = 127.0.0.1

                [clients]
                %s

                """.formatted(port, clients) + volumes);
        return this;
    }

    /**
     * Moves the written server onto {@code address} (a loopback address of a test's own) in both
     * files; rsiod's interface stays 127.0.0.1, on the same /8 of lo.
     */
    TestCluster onServerAddress(String address) throws IOException {
        Files.writeString(serverConfig, Files.readString(serverConfig).replace("127.0.0.1", address));
        String client = Files.readString(clientConfig);
        int server = client.indexOf("[server");
        Files.writeString(clientConfig, client.substring(0, server) + client.substring(server).replace("127.0.0.1",
                address));
        return this;
    }

    /** Adds {@code lines} (key = value, newline-separated) to the [server] section of the written server file. */
    TestCluster withServerSettings(String lines) throws IOException {
        String config = Files.readString(serverConfig);
        Files.writeString(serverConfig, config.replace("serverid = 1\n", "serverid = 1\n" + lines + "\n"));
        return this;
    }

    TestCluster writeClientConfig(String nodeName, String nodeKey) throws IOException {
        Files.writeString(clientConfig, """
                [defaults]
                protocol      = tcp
                port          = %d
                ping_interval = 200ms
                path_timeout  = 2s
                reconnect_max = 500ms

                [interface if0]
                address       = 127.0.0.1

                [namespace osl]
                namespaceid   = 200
                nodename      = %s
                nodekey       = %s

                [server big-9-1]
                address       = 127.0.0.1
                """.formatted(port, nodeName, nodeKey));
        return this;
    }

    /**
     * A client config for namespace osl (id 200) whose servers are 127.0.0.1 on each of
     * {@code serverPorts} (real, fake or relayed), with {@code defaults} as the [defaults] body.
     */
    TestCluster writeClientConfig(String nodeName, String nodeKey, String defaults, List<Integer> serverPorts)
            throws IOException {
        StringBuilder servers = new StringBuilder();
        for (int i = 0; i < serverPorts.size(); i++) {
            servers.append("[server srv-").append(i).append("]\naddress = 127.0.0.1\nport = ")
                    .append(serverPorts.get(i)).append("\n\n");
        }
        Files.writeString(clientConfig, """
                [defaults]
                %s

                [interface if0]
                address = 127.0.0.1

                [namespace osl]
                namespaceid = 200
                nodename    = %s
                nodekey     = %s

                %s""".formatted(defaults, nodeName, nodeKey, servers));
        return this;
    }

    Map<String, String> env() {
        Map<String, String> env = new HashMap<>(extraEnv);
        env.putAll(Map.of("RSIO_RUN_DIR", runDir.toString(), "RSIO_LOG_DIR", logDir.toString(),
                "RSIO_DEV_DIR", dir.resolve("dev").toString()));
        return env;
    }

    /** Sets a variable for the daemons started from now on (e.g. NOTIFY_SOCKET). */
    TestCluster withEnvironment(String name, String value) {
        extraEnv.put(name, value);
        return this;
    }

    void startServer() throws IOException, InterruptedException {
        Files.deleteIfExists(runDir.resolve("rssrv.pid"));
        rssrv = start("rssrv", Commands.java("io.rsio.server.RssrvMain", "-c", serverConfig.toString(), "-f"));
        awaitPidFile("rssrv", rssrv);
    }

    /**
     * Starts rssrv inside the cgroup (v2) directory {@code cgroup}, so that its sockets carry
     * that cgroup and an nftables rule can single out its traffic.
     */
    void startServerInCgroup(Path cgroup) throws IOException, InterruptedException {
        Files.deleteIfExists(runDir.resolve("rssrv.pid"));
        List<String> command = new ArrayList<>(List.of("sh", "-c",
                "echo $$ > " + cgroup.resolve("cgroup.procs") + " && exec \"$@\"", "sh"));
        command.addAll(Commands.java("io.rsio.server.RssrvMain", "-c", serverConfig.toString(), "-f"));
        rssrv = start("rssrv", command);
        awaitPidFile("rssrv", rssrv);
    }

    /** Starts rssrv with extra JVM options, e.g. a small heap to prove memory stays bounded. */
    void startServerWithJvmOptions(List<String> jvmOptions) throws IOException, InterruptedException {
        Files.deleteIfExists(runDir.resolve("rssrv.pid"));
        List<String> command = new ArrayList<>(Commands.java("io.rsio.server.RssrvMain", "-c", serverConfig.toString(),
                "-f"));
        command.addAll(command.indexOf("-cp"), jvmOptions); // after the defaults, so they win
        rssrv = start("rssrv", command);
        awaitPidFile("rssrv", rssrv);
    }

    void startClient(String... extraArgs) throws IOException, InterruptedException {
        Files.deleteIfExists(runDir.resolve("rsiod.pid"));
        List<String> args = new ArrayList<>(List.of("-c", clientConfig.toString(), "-f"));
        args.addAll(List.of(extraArgs));
        rsiod = start("rsiod", Commands.java("io.rsio.client.daemon.RsiodMain", args.toArray(String[]::new)));
        awaitPidFile("rsiod", rsiod);
    }

    /** SIGKILL for rsiod: a crash, nothing is cleaned up. */
    void killClient() throws InterruptedException {
        rsiod.destroyForcibly();
        rsiod.waitFor(10, TimeUnit.SECONDS);
    }

    /** True while rsiod's process runs. */
    boolean clientAlive() {
        return rsiod != null && rsiod.isAlive();
    }

    /** {@code $RSIO_DEV_DIR} of this cluster: block device links appear under it. */
    Path devDir() {
        return dir.resolve("dev");
    }

    void killServer() throws InterruptedException {
        rssrv.destroyForcibly();
        rssrv.waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * Starts rsiod over whatever a crashed one left in the run directory (pid file, control
     * socket, NBD sockets) and waits until the pid file names the new process.
     */
    void restartClientOverStaleFiles(String... extraArgs) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("-c", clientConfig.toString(), "-f"));
        args.addAll(List.of(extraArgs));
        rsiod = start("rsiod", Commands.java("io.rsio.client.daemon.RsiodMain", args.toArray(String[]::new)));
        Path pid = runDir.resolve("rsiod.pid");
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (!(Files.exists(pid) && Files.readString(pid).trim().equals(Long.toString(rsiod.pid())))) {
            if (!rsiod.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("rsiod did not start:\n" + Files.readString(logDir.resolve("rsiod.out")));
            }
            Thread.sleep(50);
        }
    }

    long serverPid() {
        return rssrv.pid();
    }

    long clientPid() {
        return rsiod.pid();
    }

    boolean serverAlive() {
        return rssrv != null && rssrv.isAlive();
    }

    /** SIGTERM, then wait for the process to end by itself. */
    void stopServerGracefully() throws InterruptedException {
        stopGracefully(rssrv);
    }

    void stopClientGracefully() throws InterruptedException {
        stopGracefully(rsiod);
    }

    private static void stopGracefully(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            throw new AssertionError("did not stop within 20 s of SIGTERM");
        }
    }

    private Process start(String name, List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logDir.resolve(name + ".out").toFile()));
        builder.environment().putAll(env());
        Process process = builder.start();
        processes.add(process);
        return process;
    }

    private void awaitPidFile(String name, Process process) throws IOException, InterruptedException {
        Path pid = runDir.resolve(name + ".pid");
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (!Files.exists(pid)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError(name + " did not start:\n" + Files.readString(logDir.resolve(name + ".out")));
            }
            Thread.sleep(50);
        }
    }

    ProcessResult rsconfig(String... args) throws IOException, InterruptedException {
        return Commands.run(Duration.ofSeconds(30), env(), Commands.java("io.rsio.cli.RsconfigMain", args));
    }

    /** Starts rssrv, then rsiod, and waits until rsiod's path to rssrv is connected. */
    void startAndConnect() throws IOException, InterruptedException {
        startServer();
        startClient();
        await("path connected", Duration.ofSeconds(30), () -> statusShows("connected tx: ok rx: ok"));
    }

    /** {@code rsconfig -C NAME SIZE [OPTIONS]}, then waits for the new volume's NBD export. */
    void createVolume(String name, String size, String... options) throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of("-C", name, size));
        args.addAll(List.of(options));
        rsconfigExpecting(0, args.toArray(String[]::new));
        await("the NBD export of " + name, Duration.ofSeconds(30), () -> Files.exists(nbdSocket(name)));
    }

    /** rsconfig, failing with its output and both daemons' logs unless it exits {@code expectedExit}. */
    ProcessResult rsconfigExpecting(int expectedExit, String... args) throws IOException, InterruptedException {
        ProcessResult r = rsconfig(args);
        if (r.exitCode() != expectedExit) {
            throw new AssertionError("rsconfig " + String.join(" ", args) + " exited " + r.exitCode() + ", expected "
                    + expectedExit + "\n" + r + "\n--- rssrv.log\n" + log("rssrv") + "\n--- rsiod.log\n" + log("rsiod"));
        }
        return r;
    }

    Path nbdSocket(String volume) {
        return runDir.resolve("nbd").resolve(volume + ".sock");
    }

    String nbdUri(String volume) {
        return "nbd+unix:///" + volume + "?socket=" + nbdSocket(volume);
    }

    /** One request on rsiod's control socket, as rsconfig and crsio send them. */
    io.rsio.control.ControlResponse control(String request) throws Exception {
        return new io.rsio.control.ControlClient(runDir.resolve("rsiod.sock")).call(request);
    }

    /** {@code reload}: its rows, after checking that rsiod took the request. */
    List<io.rsio.control.ControlRows.ReloadRow> reload() throws Exception {
        io.rsio.control.ControlResponse r = control("reload");
        if (!r.ok()) {
            throw new AssertionError("reload: " + r.error());
        }
        return r.rows(io.rsio.control.ControlRows.ReloadRow.class);
    }

    String log(String daemon) throws IOException {
        Path log = logDir.resolve(daemon + ".log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Polls until the condition holds; fails with the daemons' logs after the limit. */
    void await(String what, Duration limit, BooleanSupplier condition) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not reached within " + limit + ": " + what + "\n--- rsiod.log\n"
                        + log("rsiod") + "--- rssrv.log\n" + log("rssrv"));
            }
            Thread.sleep(100);
        }
    }

    boolean statusShows(String text) {
        try {
            return rsconfig("-m", "status").stdout().contains(text);
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        for (Process p : processes) {
            p.destroy();
        }
        for (Process p : processes) {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
