package io.rsio.nativeio;

/** Process-level POSIX calls that java.nio does not offer. */
public final class Posix {
    private Posix() {}

    /** The effective user id of this process (0 for root); geteuid never fails. */
    public static int geteuid() {
        return Libc.geteuid();
    }
}
