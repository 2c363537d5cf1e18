package io.rsio.nativeio;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * A {@code struct sockaddr_un} for an AF_UNIX datagram socket: a path, or an abstract name
 * written with a leading {@code @} (as systemd writes it in {@code $NOTIFY_SOCKET}), whose
 * first byte is NUL on the wire and whose length counts no trailing NUL.
 *
 * @param text the name as given, {@code /run/…} or {@code @…}
 */
public record UnixDatagramAddress(String text) {
    /** sun_family (2 bytes) and sun_path (108 bytes). */
    static final int SOCKADDR_UN_SIZE = 110;
    private static final int PATH_OFFSET = 2;

    public UnixDatagramAddress {
        int max = SOCKADDR_UN_SIZE - PATH_OFFSET - (text.startsWith("@") ? 0 : 1);
        if (text.isEmpty() || text.getBytes(StandardCharsets.UTF_8).length > max) {
            throw new IllegalArgumentException("not a unix socket address of 1 to " + max + " bytes: \"" + text + "\"");
        }
        if (!text.startsWith("@") && !text.startsWith("/")) {
            throw new IllegalArgumentException("a unix socket address is an absolute path or @name: \"" + text + "\"");
        }
    }

    public boolean isAbstract() {
        return text.startsWith("@");
    }

    /** Writes the sockaddr_un into {@code arena}; the length to pass is {@link #length()}. */
    public MemorySegment allocate(Arena arena) {
        MemorySegment address = arena.allocate(SOCKADDR_UN_SIZE);
        address.set(ValueLayout.JAVA_SHORT, 0, (short) Syscalls.AF_UNIX);
        byte[] name = text.getBytes(StandardCharsets.UTF_8);
        if (isAbstract()) {
            name[0] = 0;
        }
        MemorySegment.copy(name, 0, address, ValueLayout.JAVA_BYTE, PATH_OFFSET, name.length);
        return address;
    }

    /** The socklen_t of the address: an abstract name has no terminating NUL, a path has one. */
    public int length() {
        return PATH_OFFSET + text.getBytes(StandardCharsets.UTF_8).length + (isAbstract() ? 0 : 1);
    }
}
