package io.rsio.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * What both daemons do as processes: make their directories, write a pid file once they are
 * ready (the launchers wait for it), and run until SIGTERM/SIGINT, then shut down in order.
 */
public final class DaemonProcess {
    static final Set<PosixFilePermission> LOG_FILE_MODE =
            PosixFilePermissions.fromString("rw-r-----");

    private final String program;
    private final RsioEnvironment env;
    private final CountDownLatch stopped = new CountDownLatch(1);

    public DaemonProcess(String program, RsioEnvironment env) {
        this.program = program;
        this.env = env;
    }

    /**
     * Makes the run and log directories and the log file, 0640: a log names nodes, addresses
     * and paths. A log file left 0644 by an older version is narrowed. The files Log4j makes
     * when it rotates the log get the launcher's umask 027; under the package the log directory
     * is setgid adm, so the files are root:adm and group adm (log readers) may read them.
     */
    public void prepareDirectories() throws IOException {
        Files.createDirectories(env.runDir());
        Files.createDirectories(env.logDir());
        Path log = env.logFile(program);
        if (Files.notExists(log)) {
            Files.createFile(log, PosixFilePermissions.asFileAttribute(LOG_FILE_MODE));
        }
        Files.setPosixFilePermissions(log, LOG_FILE_MODE);
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
