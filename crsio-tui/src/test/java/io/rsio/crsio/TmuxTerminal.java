package io.rsio.crsio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real pty: a tmux server of its own (80x24) running one command, typed at with the bytes
 * PuTTY sends and read as the screen text tmux shows. Tests poll for text rather than sleep.
 */
final class TmuxTerminal implements AutoCloseable {
    static final Duration WAIT = Duration.ofSeconds(30);

    /**
     * The bytes PuTTY sends in its default configuration (keyboard: ESC[n~ function keys, normal
     * cursor keys, Backspace as DEL), not tmux's own key names: F1-F4 are ESC[11~..ESC[14~, which
     * xterm-like tmux would send as ESC O P..S.
     */
    static final Map<String, String> PUTTY = Map.ofEntries(
            Map.entry("F1", "1b 5b 31 31 7e"), Map.entry("F3", "1b 5b 31 33 7e"),
            Map.entry("F7", "1b 5b 31 38 7e"), Map.entry("F9", "1b 5b 32 30 7e"),
            Map.entry("F10", "1b 5b 32 31 7e"), Map.entry("Home", "1b 5b 31 7e"),
            Map.entry("End", "1b 5b 34 7e"), Map.entry("BSpace", "7f"),
            Map.entry("Enter", "0d"), Map.entry("Tab", "09"), Map.entry("Space", "20"),
            Map.entry("Escape", "1b"), Map.entry("Up", "1b 5b 41"),
            Map.entry("Down", "1b 5b 42"), Map.entry("Right", "1b 5b 43"),
            Map.entry("Left", "1b 5b 44"));

    private final String socket;

    /** Starts {@code command} (a shell command line) in a new tmux server named {@code socket}. */
    TmuxTerminal(String socket, String command) throws IOException, InterruptedException {
        requireTmux();
        this.socket = socket;
        run("tmux", "-L", socket, "-f", "/dev/null", "new-session", "-d", "-x", "80", "-y", "24", command);
    }

    void keys(String... keys) throws Exception {
        for (String k : keys) {
            String bytes = PUTTY.get(k);
            if (bytes == null) {
                throw new IllegalArgumentException("no PuTTY bytes for " + k);
            }
            List<String> c = new ArrayList<>(List.of("tmux", "-L", socket, "send-keys", "-t", "0", "-H"));
            c.addAll(List.of(bytes.split(" ")));
            run(c.toArray(String[]::new));
            if (k.equals("Escape")) {
                Thread.sleep(300); // a lone Esc, as typed: the next key is not part of it
            }
        }
    }

    void text(String literal) throws Exception {
        run("tmux", "-L", socket, "send-keys", "-t", "0", "-l", literal);
    }

    String screen() throws Exception {
        return run("tmux", "-L", socket, "capture-pane", "-p", "-t", "0");
    }

    /** The screen with its escape sequences (colours, reverse video). */
    String rawScreen() throws Exception {
        return run("tmux", "-L", socket, "capture-pane", "-e", "-p", "-t", "0");
    }

    String await(String needle) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String s = screen();
        while (!s.contains(needle)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("tmux never showed \"" + needle + "\":\n" + s);
            }
            Thread.sleep(50);
            s = screen();
        }
        // crsio may be half-way through drawing when the needle first shows: return a screen
        // that two captures agree on (or the last one with the needle, if it keeps changing).
        for (int i = 0; i < 20; i++) {
            Thread.sleep(50);
            String again = screen();
            if (again.equals(s) || !again.contains(needle)) {
                return s;
            }
            s = again;
        }
        return s;
    }

    void awaitGone(String needle) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (screen().contains(needle)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("tmux still shows \"" + needle + "\":\n" + screen());
            }
            Thread.sleep(50);
        }
    }

    void settle() throws Exception {
        String before = screen();
        for (int i = 0; i < 100; i++) {
            Thread.sleep(100);
            String now = screen();
            if (now.equals(before)) {
                return;
            }
            before = now;
        }
    }

    @Override
    public void close() throws Exception {
        run("tmux", "-L", socket, "kill-server");
    }

    static String run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        return out;
    }

    private static void requireTmux() {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(d, "tmux"))) {
                return;
            }
        }
        throw new AssertionError("tmux is not installed; .ci/run installs it (apt-get install tmux)");
    }

    /** java with this test's class path, for a daemon started as a process of its own. */
    static List<String> javaCommand(String main, String... args) {
        List<String> c = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), main));
        c.addAll(List.of(args));
        return c;
    }

    /** rssrv as a process of its own with {@code config}; run and log directories under {@code dir}. */
    static Process startRssrv(Path dir, Path config) throws Exception {
        ProcessBuilder server = new ProcessBuilder(javaCommand("io.rsio.server.RssrvMain", "-c", config.toString(),
                "-f")).redirectErrorStream(true).redirectOutput(dir.resolve("rssrv.out").toFile());
        server.environment().put("RSIO_RUN_DIR", dir.resolve("srvrun").toString());
        server.environment().put("RSIO_LOG_DIR", dir.resolve("srvlog").toString());
        Process rssrv = server.start();
        awaitFile(dir.resolve("srvrun/rssrv.pid"));
        return rssrv;
    }

    static void awaitFile(Path file) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(file + " never appeared");
            }
            Thread.sleep(50);
        }
    }

    /** The shell command that runs scripts/crsio on {@code config} with these run, log and device directories. */
    static String crsioCommand(Path home, Path config, Path runDir, Path logDir, Path devDir, String term) {
        return String.join(" ", "env",
                "RSIO_CLASSPATH=" + System.getProperty("java.class.path"),
                "JAVA_HOME=" + System.getProperty("java.home"),
                "RSIO_RUN_DIR=" + runDir, "RSIO_LOG_DIR=" + logDir, "RSIO_DEV_DIR=" + devDir,
                "LANG=C.UTF-8", "TERM=" + term,
                home.resolve("scripts/crsio") + " -c " + config, "; echo crsio-exited-$?; sleep 30");
    }
}
