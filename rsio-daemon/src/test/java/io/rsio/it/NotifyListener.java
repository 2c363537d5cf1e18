package io.rsio.it;

import io.rsio.nativeio.LinuxErrno;
import io.rsio.nativeio.NativeException;
import io.rsio.nativeio.Syscalls;
import io.rsio.nativeio.UnixDatagramAddress;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The systemd side of sd_notify for tests: an AF_UNIX datagram socket bound where
 * {@code $NOTIFY_SOCKET} points, collecting every notification a daemon sends.
 */
final class NotifyListener implements AutoCloseable {
    /** SOCK_NONBLOCK: recv returns EAGAIN instead of blocking, so waits stay bounded. */
    private static final int SOCK_NONBLOCK = 04000;

    private final UnixDatagramAddress address;
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final List<String> received = new ArrayList<>();

    NotifyListener(String address) throws NativeException {
        this.address = new UnixDatagramAddress(address);
        this.fd = Syscalls.socket(Syscalls.AF_UNIX, Syscalls.SOCK_DGRAM | SOCK_NONBLOCK, 0, address);
        Syscalls.bind(fd, this.address.allocate(arena), this.address.length(), address);
    }

    String address() {
        return address.text();
    }

    /** Waits until a notification matches; the notifications so far on failure. */
    String await(Predicate<String> wanted, Duration limit) throws NativeException, InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        MemorySegment buffer = arena.allocate(4096);
        int seen = 0;
        while (true) {
            for (; seen < received.size(); seen++) {
                if (wanted.test(received.get(seen))) {
                    return received.get(seen);
                }
            }
            try {
                long n = Syscalls.recv(fd, buffer, address.text());
                received.add(new String(buffer.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE),
                        StandardCharsets.UTF_8));
            } catch (NativeException e) {
                if (e.errno() != LinuxErrno.EAGAIN) {
                    throw e;
                }
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("no such notification within " + limit + "; received: " + received);
                }
                Thread.sleep(50);
            }
        }
    }

    List<String> received() {
        return List.copyOf(received);
    }

    @Override
    public void close() throws NativeException {
        Syscalls.close(fd, Path.of(address.text()));
        arena.close();
    }
}
