package io.rsio.common;

import io.rsio.nativeio.NativeException;
import io.rsio.nativeio.SystemdNotify;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The daemon's side of a systemd {@code Type=notify} unit: READY once it serves, a one-line
 * STATUS that {@code systemctl status} shows, STOPPING when it shuts down. Outside systemd
 * (no {@code $NOTIFY_SOCKET}) every call does nothing. A notification that cannot be sent is
 * logged once: systemd then times the start out, which names the problem in its own log.
 */
public final class ServiceManager implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(ServiceManager.class);

    private final Optional<SystemdNotify> notify;
    private boolean failureLogged;

    private ServiceManager(Optional<SystemdNotify> notify) {
        this.notify = notify;
    }

    public static ServiceManager fromSystem() {
        return from(System.getenv());
    }

    public static ServiceManager from(Map<String, String> environment) {
        try {
            return new ServiceManager(SystemdNotify.from(environment));
        } catch (NativeException | IllegalArgumentException e) {
            LOG.warn("cannot notify systemd at NOTIFY_SOCKET: {}", e.getMessage());
            return new ServiceManager(Optional.empty());
        }
    }

    /** True when systemd waits for our notifications. */
    public boolean active() {
        return notify.isPresent();
    }

    public void ready(String status) {
        send("READY=1\nSTATUS=" + oneLine(status));
    }

    public void status(String status) {
        send("STATUS=" + oneLine(status));
    }

    public void stopping() {
        send("STOPPING=1\nSTATUS=stopping");
    }

    private synchronized void send(String state) {
        if (notify.isEmpty()) {
            return;
        }
        try {
            notify.get().send(state);
        } catch (NativeException e) {
            if (!failureLogged) {
                failureLogged = true;
                LOG.warn("cannot notify systemd: {}", e.getMessage());
            }
        }
    }

    private static String oneLine(String text) {
        return text.replace('\n', ' ');
    }

    @Override
    public void close() {
        notify.ifPresent(n -> {
            try {
                n.close();
            } catch (NativeException ignored) {
                // closing a datagram socket while exiting: nothing left to tell
            }
        });
    }
}
