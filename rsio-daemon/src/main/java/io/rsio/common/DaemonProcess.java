package io.rsio.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CountDownLatch;

/**
 * What both daemons do as processes: make their directories, write a pid file once they are
 * ready (the launchers wait for it), and run until SIGTERM/SIGINT, then shut down in order.
 */
public final class DaemonProcess {
    private final String program;
    private final RsioEnvironment env;
    private final CountDownLatch stopped = new CountDownLatch(1);

    public DaemonProcess(String program, RsioEnvironment env) {
        this.program = program;
        this.env = env;
    }

    public void prepareDirectories() throws IOException {
        Files.createDirectories(env.runDir());
        Files.createDirectories(env.logDir());
    }

    /** Marks the daemon ready: the launcher returns once the pid file names this process. */
    public void writePidFile() throws IOException {
        Path pid = env.pidFile(program);
        Path tmp = pid.resolveSibling(pid.getFileName() + ".tmp");
        Files.writeString(tmp, ProcessHandle.current().pid() + "\n");
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
        Files.move(tmp, pid, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** Blocks until the JVM is asked to stop, runs {@code shutdown}, removes the pid file. */
    public void runUntilStopped(Runnable shutdown) {
        Thread hook = new Thread(() -> {
            try {
                shutdown.run();
            } finally {
                try {
                    Files.deleteIfExists(env.pidFile(program));
                } catch (IOException ignored) {
                    // the run dir may be gone already; nothing else to do while exiting
                }
                stopped.countDown();
                DaemonLogging.shutdown();
            }
        }, program + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
