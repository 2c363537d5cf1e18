package io.rsio.admin;

import java.time.Duration;
import java.util.Optional;

/**
 * What crsio's Daemon screen shows about rsiod.
 *
 * @param running       a process with the pid file's pid is alive
 * @param answering     it answers on the control socket
 * @param pid           from the pid file, -1 when there is none
 * @param startedMillis from the daemon, -1 when it does not answer
 * @param config        the config file it runs with ("" when unknown)
 * @param message       one line for the screen: why it is not running, or what it says
 */
public record DaemonState(boolean running, boolean answering, long pid, long startedMillis, String config,
                          String message) {

    /** Time since start, when known. */
    public Optional<Duration> uptime(long nowMillis) {
        return startedMillis < 0 ? Optional.empty() : Optional.of(Duration.ofMillis(Math.max(0, nowMillis - startedMillis)));
    }

    /** "running", "not running", "running, not answering". */
    public String label() {
        if (!running) {
            return "not running";
        }
        return answering ? "running" : "running, not answering";
    }

    /** "3d 04:05:06" or "04:05:06". */
    public static String formatUptime(Duration d) {
        long s = d.toSeconds();
        String hms = String.format("%02d:%02d:%02d", s / 3600 % 24, s / 60 % 60, s % 60);
        return s >= 86400 ? s / 86400 + "d " + hms : hms;
    }
}
