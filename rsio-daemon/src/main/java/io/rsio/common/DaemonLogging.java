package io.rsio.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Sets up Log4j 2 for a daemon before the first logger is created. The layout is the seed's:
 * {@code NODE@rsio YYYY_MM_DD-HH:MM:SS (GMT) LEVEL (thread): message}; see log4j2.xml.
 *
 * <p>Under systemd, when stderr is the journal ({@code $JOURNAL_STREAM} names it), the lines on
 * stderr carry a syslog priority prefix ({@code <3>} error … {@code <7>} debug) that journald
 * turns into the entry's priority, and no time stamp of their own: journald stamps every entry.
 * The log file keeps the seed's format either way: rsclogcat and crsio's Log screen read it.
 * Log files are 0640 ({@link DaemonProcess#prepareDirectories}), as they name nodes, addresses
 * and paths.
 */
public final class DaemonLogging {
    private DaemonLogging() {}

    public static void init(String node, Path logFile, boolean alsoConsole) {
        System.setProperty("rsio.log.node", node);
        System.setProperty("rsio.log.file", logFile.toString());
        // A launcher that detaches sends stderr to a file: console logging there would only
        // duplicate the log, so it sets rsio.detached.
        boolean console = alsoConsole && !Boolean.getBoolean("rsio.detached");
        System.setProperty("rsio.log.console", Boolean.toString(console));
        System.setProperty("rsio.log.console.pattern", stderrIsJournal(System.getenv())
                ? "%level{FATAL=<2>, ERROR=<3>, WARN=<4>, INFO=<6>, DEBUG=<7>, TRACE=<7>}" + node + "@rsio %p (%t): %m%n"
                : node + "@rsio %d{yyyy_MM_dd-HH:mm:ss}{GMT} (GMT) %p (%t): %m%n");
        // Keep Log4j from installing its own shutdown hook: the daemons log their own
        // shutdown and then stop Log4j explicitly.
        System.setProperty("log4j2.isThreadContextMapInheritable", "false");
        System.setProperty("log4j.shutdownHookEnabled", "false");
    }

    /**
     * True when {@code $JOURNAL_STREAM} ({@code DEVICE:INODE}) is the file on our stderr; a
     * process that merely inherited the variable (a shell started from a service) has another.
     */
    static boolean stderrIsJournal(Map<String, String> environment) {
        String stream = environment.get("JOURNAL_STREAM");
        if (stream == null || !stream.matches("\\d+:\\d+")) {
            return false;
        }
        try {
            Path stderr = Path.of("/proc/self/fd/2");
            return stream.equals(Files.getAttribute(stderr, "unix:dev") + ":" + Files.getAttribute(stderr, "unix:ino"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    public static void shutdown() {
        org.apache.logging.log4j.LogManager.shutdown();
    }
}
