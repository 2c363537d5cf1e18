package io.rsio.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The sd_notify protocol of systemd without libsystemd: each state change ({@code READY=1},
 * {@code STATUS=…}, {@code RELOADING=1}, {@code STOPPING=1}) is one datagram to the AF_UNIX
 * socket named by {@code $NOTIFY_SOCKET} (a path, or an abstract name written {@code @…}).
 * Java's NIO has no unix datagram sockets, hence the system calls. A daemon started without
 * {@code $NOTIFY_SOCKET} (not by systemd, or not Type=notify) gets no notifier.
 */
public final class SystemdNotify implements AutoCloseable {
    private final UnixDatagramAddress target;
    private final int fd;

    private SystemdNotify(UnixDatagramAddress target, int fd) {
        this.target = target;
        this.fd = fd;
    }

    /** The notifier for {@code $NOTIFY_SOCKET} in {@code environment}, if it names one. */
    public static Optional<SystemdNotify> from(Map<String, String> environment) throws NativeException {
        String socket = environment.get("NOTIFY_SOCKET");
        if (socket == null || socket.isBlank()) {
            return Optional.empty();
        }
        UnixDatagramAddress target = new UnixDatagramAddress(socket);
        return Optional.of(new SystemdNotify(target,
                Syscalls.socket(Syscalls.AF_UNIX, Syscalls.SOCK_DGRAM, 0, "NOTIFY_SOCKET " + socket)));
    }

    /** Sends one notification, e.g. {@code "READY=1\nSTATUS=2 paths connected"}. */
    public synchronized void send(String state) throws NativeException {
        try (Arena arena = Arena.ofConfined()) {
            byte[] bytes = state.getBytes(StandardCharsets.UTF_8);
            MemorySegment data = arena.allocate(bytes.length);
            MemorySegment.copy(bytes, 0, data, ValueLayout.JAVA_BYTE, 0, bytes.length);
            Syscalls.sendTo(fd, data, target.allocate(arena), target.length(), "NOTIFY_SOCKET " + target.text());
        }
    }

    public UnixDatagramAddress target() {
        return target;
    }

    @Override
    public void close() throws NativeException {
        Syscalls.close(fd, Path.of("NOTIFY_SOCKET"));
    }
}
