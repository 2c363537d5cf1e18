package io.rsio.ceph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The single-host Ceph cluster of {@code scripts/ceph-test-cluster}, started once per test JVM
 * on first use (about 15 s) and stopped when the JVM exits. A cluster that cannot start fails
 * the test with the script's reason: the Ceph tests are never skipped.
 */
public final class CephTestCluster {
    private static final AtomicInteger IMAGES = new AtomicInteger();
    private static CephTestCluster shared;
    /**
     * For working on the tests: the directory of a cluster already started with the script,
     * used as it is and left running (e.g. {@code -Drsio.ceph.dir=/tmp/rsio-ceph}).
     */
    static final String RUNNING_PROPERTY = "rsio.ceph.dir";

    private final Path dir;
    private final Map<String, String> env;

    private CephTestCluster(Path dir, Map<String, String> env) {
        this.dir = dir;
        this.env = env;
    }

    /** The cluster of this JVM, started on first call. */
    public static synchronized CephTestCluster shared() {
        if (shared == null) {
            String running = System.getProperty(RUNNING_PROPERTY, "");
            shared = running.isEmpty() ? start() : attach(Path.of(running));
        }
        return shared;
    }

    private static CephTestCluster start() {
        try {
            Path dir = Files.createTempDirectory("rsio-ceph-");
            Files.delete(dir); // the script makes it, and refuses one that holds a cluster
            Path out = Files.createTempFile("rsio-ceph", ".out");
            Process p = new ProcessBuilder(script().toString(), "start", dir.toString())
                    .redirectErrorStream(true).redirectOutput(out.toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(dir)));
            stopWhenThisJvmDies(dir);
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("scripts/ceph-test-cluster start did not finish in 180 s:\n" + Files.readString(out));
            }
            String output = Files.readString(out);
            Files.deleteIfExists(out);
            if (p.exitValue() != 0) {
                throw new AssertionError("the Ceph test cluster did not start (exit " + p.exitValue() + "):\n" + output);
            }
            return attach(dir);
        } catch (IOException e) {
            throw new AssertionError("cannot run scripts/ceph-test-cluster: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static CephTestCluster attach(Path dir) {
        try {
            Map<String, String> env = new HashMap<>();
            for (String line : Files.readAllLines(dir.resolve("env"))) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    env.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            return new CephTestCluster(dir, Map.copyOf(env));
        } catch (IOException e) {
            throw new AssertionError("no Ceph test cluster in " + dir + ": " + e, e);
        }
    }

    /**
     * A JVM that crashes (a bad native call) runs no shutdown hook; a small watcher process
     * stops the cluster then, so no Ceph daemons outlive the test run.
     */
    private static void stopWhenThisJvmDies(Path dir) throws IOException {
        String watcher = "while kill -0 \"$1\" 2>/dev/null; do sleep 2; done; exec \"$2\" stop \"$3\"";
        new ProcessBuilder("setsid", "bash", "-c", watcher, "watcher", Long.toString(ProcessHandle.current().pid()),
                script().toString(), dir.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    }

    private static void stop(Path dir) {
        try {
            Process p = new ProcessBuilder(script().toString(), "stop", dir.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            p.waitFor(60, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            // the JVM is exiting; nothing else to do
        }
    }

    static Path script() {
        return Path.of(System.getProperty("user.dir")).getParent().resolve("scripts/ceph-test-cluster");
    }

    public Path dir() {
        return dir;
    }

    public Path conf() {
        return Path.of(env.get("CEPH_CONF"));
    }

    /** The user rssrv connects as (capabilities "profile rbd"). */
    public String user() {
        return env.get("RSIO_CEPH_USER");
    }

    public Path keyring() {
        return Path.of(env.get("RSIO_CEPH_KEYRING"));
    }

    public String pool() {
        return env.get("RSIO_CEPH_POOL");
    }

    /** An image name no other test of this JVM uses. */
    public String newImageName(String prefix) {
        return prefix + "-" + ProcessHandle.current().pid() + "-" + IMAGES.incrementAndGet();
    }

    /** Runs the {@code rbd} tool as the admin (e.g. {@code create --size 64M rbd/x}); fails on a non-zero exit. */
    public String rbd(String... args) throws IOException, InterruptedException {
        return tool("rbd", args);
    }

    /** Runs the {@code ceph} tool as the admin; fails on a non-zero exit. */
    public String ceph(String... args) throws IOException, InterruptedException {
        return tool("ceph", args);
    }

    private String tool(String tool, String... args) throws IOException, InterruptedException {
        var command = new java.util.ArrayList<String>(java.util.List.of(tool, "-c", conf().toString()));
        command.addAll(java.util.List.of(args));
        Path out = Files.createTempFile("rsio-ceph", ".out");
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in 120 s");
            }
            String output = Files.readString(out);
            if (p.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed (exit " + p.exitValue() + "):\n" + output);
            }
            return output;
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
