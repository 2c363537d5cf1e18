package io.rsio.common;

import java.nio.file.Path;

/**
 * Sets up Log4j 2 for a daemon before the first logger is created. The layout is the seed's:
 * {@code NODE@rsio YYYY_MM_DD-HH:MM:SS (GMT) LEVEL (thread): message}; see log4j2.xml.
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
        // Keep Log4j from installing its own shutdown hook: the daemons log their own
        // shutdown and then stop Log4j explicitly.
        System.setProperty("log4j2.isThreadContextMapInheritable", "false");
        System.setProperty("log4j.shutdownHookEnabled", "false");
    }

    public static void shutdown() {
        org.apache.logging.log4j.LogManager.shutdown();
    }
}
