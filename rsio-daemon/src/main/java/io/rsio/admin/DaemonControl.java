package io.rsio.admin;

import io.rsio.cli.DeviceLines;
import io.rsio.common.RsioEnvironment;
import io.rsio.control.ControlClient;
import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.DaemonRow;
import io.rsio.control.ControlRows.DeviceRow;
import io.rsio.control.ControlRows.ReloadRow;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts, stops and reloads rsiod for crsio's Daemon screen.
 *
 * <p>rsiod is started as a process of its own: {@code setsid} puts it in a new session with its
 * standard input on /dev/null and its output in {@code $RSIO_LOG_DIR/rsiod.out}, so neither
 * quitting crsio nor closing the ssh session that ran crsio stops it, and the attached volumes
 * stay up. It starts through rsiod's own launcher when crsio's launcher names it, so that it
 * runs with the same JVM options as under systemd ({@link RsiodCommand}). Stopping sends SIGTERM to the pid in {@code $RSIO_RUN_DIR/rsiod.pid}, which rsiod
 * handles by saying GOODBYE on every path; it is refused while a file system on an RSIO device
 * is mounted, unless forced.
 *
 * <p>Blocking: call from a background thread.
 */
public final class DaemonControl {
    static final Duration START_LIMIT = Duration.ofSeconds(30);
    static final Duration STOP_LIMIT = Duration.ofSeconds(20);

    /** An action that could not be done; the message is for the screen. */
    public static final class DaemonException extends Exception {
        private static final long serialVersionUID = 1L;

        public DaemonException(String message) {
            super(message);
        }
    }

    private final RsioEnvironment env;
    private final RsiodCommand rsiod;

    /**
     * @param env   where rsiod's pid file, control socket and logs are
     * @param rsiod how to run rsiod
     */
    public DaemonControl(RsioEnvironment env, RsiodCommand rsiod) {
        this.env = env;
        this.rsiod = rsiod;
    }

    /** @param javaCommand the java executable and options to run rsiod with, up to the main class */
    public DaemonControl(RsioEnvironment env, List<String> javaCommand) {
        this(env, new RsiodCommand.Java(javaCommand));
    }

    /** The Java of this process with its class path: what the launchers give crsio. */
    public static List<String> thisJava() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-XX:+UseG1GC", "-Dio.netty.tryReflectionSetAccessible=true",
                "-cp", System.getProperty("java.class.path"));
    }

    public RsioEnvironment env() {
        return env;
    }

    public Path pidFile() {
        return env.pidFile("rsiod");
    }

    public Path logFile() {
        return env.logFile("rsiod");
    }

    /** Looks at the pid file and asks the control socket. */
    public DaemonState state() {
        Optional<Long> pid = readPid();
        boolean alive = pid.flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false);
        if (!alive) {
            return new DaemonState(false, false, pid.orElse(-1L), -1, "",
                    pid.isPresent() ? "not running (stale pid file " + pidFile() + ")" : "not running");
        }
        try {
            ControlResponse r = new ControlClient(env.controlSocket()).call("daemon");
            if (!r.ok()) {
                return new DaemonState(true, false, pid.get(), -1, "", r.error());
            }
            DaemonRow row = r.rows(DaemonRow.class).getFirst();
            return new DaemonState(true, true, row.pid(), row.startedMillis(), row.config(), "answering on "
                    + env.controlSocket());
        } catch (ControlClient.ControlException | RuntimeException e) {
            return new DaemonState(true, false, pid.get(), -1, "", e.getMessage());
        }
    }

    /** Starts rsiod with {@code config} and waits until it is ready (its pid file appears). */
    public DaemonState start(Path config) throws DaemonException {
        DaemonState now = state();
        if (now.running()) {
            throw new DaemonException("rsiod is already running (pid " + now.pid() + ")");
        }
        try {
            Files.createDirectories(env.runDir());
            Files.createDirectories(env.logDir());
            Files.deleteIfExists(pidFile());
        } catch (IOException e) {
            throw new DaemonException("cannot prepare " + env.runDir() + ": " + e.getMessage());
        }
        Path out = env.logDir().resolve("rsiod.out");
        List<String> command = new ArrayList<>();
        command.add("setsid");
        command.addAll(rsiod.arguments(config));
        Process process;
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            // rsiod finds its directories by these, as crsio did: both must agree.
            builder.environment().put("RSIO_RUN_DIR", env.runDir().toString());
            builder.environment().put("RSIO_LOG_DIR", env.logDir().toString());
            builder.environment().put("RSIO_DEV_DIR", env.devDir().toString());
            builder.environment().putAll(rsiod.environment(builder.environment()));
            process = builder
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.to(out.toFile()))
                    .start();
        } catch (IOException e) {
            throw new DaemonException("cannot start rsiod: " + e.getMessage());
        }
        long deadline = System.nanoTime() + START_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(pidFile())) {
                return state();
            }
            if (!process.isAlive()) {
                throw new DaemonException("rsiod did not start: " + lastLine(out));
            }
            sleep(100);
        }
        throw new DaemonException("rsiod not ready after " + START_LIMIT.toSeconds() + " s: " + lastLine(out));
    }

    /**
     * SIGTERM to rsiod, then waits for it to end. Refused while a file system on an RSIO device is
     * mounted, unless {@code force}.
     */
    public void stop(boolean force) throws DaemonException {
        DaemonState now = state();
        if (!now.running()) {
            throw new DaemonException("rsiod is not running");
        }
        List<String> mounts = MountCheck.rsioMounts(env.devDir());
        if (!mounts.isEmpty() && !force) {
            throw new DaemonException("not stopped: " + String.join(", ", mounts)
                    + " is mounted; unmount first (or stop with force)");
        }
        ProcessHandle handle = ProcessHandle.of(now.pid()).orElseThrow(() -> new DaemonException("rsiod is gone"));
        handle.destroy(); // SIGTERM: rsiod says GOODBYE on every path and removes its pid file
        long deadline = System.nanoTime() + STOP_LIMIT.toNanos();
        while (handle.isAlive()) {
            if (System.nanoTime() > deadline) {
                throw new DaemonException("rsiod (pid " + now.pid() + ") still running " + STOP_LIMIT.toSeconds()
                        + " s after SIGTERM");
            }
            sleep(50);
        }
    }

    /**
     * What {@code rsconfig --stop [-f]} would answer: {@code stopped}, or the devices rsiod
     * refused to detach (mounted or open, named by mount point or process) and kept running for.
     */
    public record StopAnswer(boolean stopped, List<String> refused) {
        public StopAnswer {
            refused = List.copyOf(refused);
        }
    }

    /**
     * Stops rsiod the way {@code rsconfig --stop} does: the control request {@code stop} makes
     * rsiod detach every device first and refuse while one is mounted or open (unless
     * {@code force}); then waits for the process to end. Only when the control socket does not
     * answer is rsiod sent SIGTERM as {@link #stop(boolean)} does.
     */
    public StopAnswer stopLikeRsconfig(boolean force) throws DaemonException {
        DaemonState now = state();
        if (!now.running()) {
            throw new DaemonException("rsiod is not running");
        }
        ControlResponse r;
        try {
            r = force ? new ControlClient(env.controlSocket()).call("stop", "-f")
                    : new ControlClient(env.controlSocket()).call("stop");
        } catch (ControlClient.ControlException e) {
            stop(force); // not answering: SIGTERM, still refused while an RSIO file system is mounted
            return new StopAnswer(true, List.of());
        }
        if (!r.ok()) {
            if (state().running()) {
                return new StopAnswer(false, List.of(r.error())); // e.g. "... is mounted on /u01: rsiod keeps running"
            }
            throw new DaemonException(r.error());
        }
        List<String> refused = r.rows(DeviceRow.class).stream().filter(DeviceLines::failed)
                .map(DeviceLines::outcome).toList();
        if (!refused.isEmpty()) {
            return new StopAnswer(false, refused);
        }
        awaitExit(now.pid());
        return new StopAnswer(true, List.of());
    }

    private static void awaitExit(long pid) throws DaemonException {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        long deadline = System.nanoTime() + STOP_LIMIT.toNanos();
        while (handle.isPresent() && handle.get().isAlive()) {
            if (System.nanoTime() > deadline) {
                throw new DaemonException("rsiod (pid " + pid + ") still running " + STOP_LIMIT.toSeconds()
                        + " s after the stop request");
            }
            sleep(50);
        }
    }

    /** Stop (if running), then start. */
    public DaemonState restart(Path config, boolean force) throws DaemonException {
        if (state().running()) {
            stop(force);
        }
        return start(config);
    }

    /** Asks rsiod to read its config file again; the rows say what was applied and what needs a restart. */
    public List<ReloadRow> reload() throws DaemonException {
        try {
            ControlResponse r = new ControlClient(env.controlSocket()).call("reload");
            if (!r.ok()) {
                throw new DaemonException(r.error());
            }
            return r.rows(ReloadRow.class);
        } catch (ControlClient.ControlException e) {
            throw new DaemonException(e.getMessage());
        }
    }

    private Optional<Long> readPid() {
        try {
            return Optional.of(Long.parseLong(Files.readString(pidFile()).strip()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String lastLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file).stream().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? "no output (see " + file + ")" : lines.getLast();
        } catch (IOException e) {
            return "see " + file;
        }
    }

    private static void sleep(long millis) throws DaemonException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DaemonException("interrupted");
        }
    }
}
