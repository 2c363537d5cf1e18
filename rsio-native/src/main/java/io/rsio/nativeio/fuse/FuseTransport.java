package io.rsio.nativeio.fuse;

/**
 * How FUSE requests travel between the kernel and this server: read(2)/writev(2) on
 * {@code /dev/fuse} descriptors, or io_uring queues (one per CPU; a request and its reply
 * cost no system call of their own, the reply commits and fetches the next request in one
 * SQE). See docs/BLOCKDEV.md.
 */
public enum FuseTransport {
    DEV_FUSE("/dev/fuse"),
    IO_URING("io_uring");

    private final String label;

    FuseTransport(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** What the configuration asks for ({@code fuse_transport = auto|uring|dev}). */
    public enum Setting {
        /** io_uring where the kernel has it and enable_uring is on (the administrator's switch); else /dev/fuse. */
        AUTO,
        /** io_uring (enable_uring is switched on); /dev/fuse with a warning where the kernel lacks it. */
        URING,
        /** /dev/fuse only; the kernel's enable_uring is left as it is. */
        DEV
    }

    /** The transport a mount uses and why, for the log and {@code rsconfig -lvv}. */
    public record Choice(FuseTransport transport, String reason) {
        public String describe() {
            return transport.label() + " (" + reason + ")";
        }
    }
}
