package io.rsio.nativeio.fuse;

import io.rsio.nativeio.IoUring;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Whether this kernel can carry FUSE requests over io_uring (CONFIG_FUSE_IO_URING, 6.14+), and
 * whether it is switched on: the kernel offers FUSE_OVER_IO_URING at INIT only while the fuse
 * module's {@code enable_uring} parameter is Y (default N). Turning it on is a host-wide
 * switch, but it only makes the kernel offer the feature: servers that do not ask for it
 * (every /dev/fuse server, libfuse without its io_uring option) run as before.
 */
public final class FuseUringSupport {
    private static final Logger LOG = LogManager.getLogger(FuseUringSupport.class);
    static final Path ENABLE_URING = Path.of("/sys/module/fuse/parameters/enable_uring");

    /** What the host offers: usable, switched off (can be turned on by root), or missing, with the reason. */
    public enum State { ON, OFF, MISSING }

    public record Probe(State state, String reason) {}

    private FuseUringSupport() {}

    public static Probe probe() {
        if (!Files.exists(ENABLE_URING)) {
            return new Probe(State.MISSING, "kernel without FUSE over io_uring (no " + ENABLE_URING + ")");
        }
        if (!IoUring.allowed()) {
            return new Probe(State.MISSING, "io_uring is disabled (sysctl kernel.io_uring_disabled)");
        }
        try {
            String value = Files.readString(ENABLE_URING).trim();
            return value.equals("Y") || value.equals("1")
                    ? new Probe(State.ON, "kernel FUSE over io_uring on (" + ENABLE_URING + " = Y)")
                    : new Probe(State.OFF, "kernel FUSE over io_uring is off (" + ENABLE_URING + " = " + value + ")");
        } catch (IOException e) {
            return new Probe(State.MISSING, "cannot read " + ENABLE_URING + ": " + e.getMessage());
        }
    }

    /**
     * The transport to ask for at INIT under {@code setting}: {@code auto} takes io_uring when
     * the kernel offers it (enable_uring already Y: the administrator's switch), {@code uring}
     * also switches enable_uring on (logged); otherwise /dev/fuse, with the reason.
     */
    static FuseTransport.Choice choose(FuseTransport.Setting setting) {
        if (setting == FuseTransport.Setting.DEV) {
            return new FuseTransport.Choice(FuseTransport.DEV_FUSE, "fuse_transport = dev");
        }
        String asked = setting == FuseTransport.Setting.URING ? "fuse_transport = uring, " : "";
        Probe probe = probe();
        switch (probe.state()) {
            case MISSING -> {
                return new FuseTransport.Choice(FuseTransport.DEV_FUSE, asked + probe.reason());
            }
            case OFF -> {
                if (setting == FuseTransport.Setting.AUTO) {
                    // the host-wide switch is the administrator's (or fuse_transport = uring's)
                    return new FuseTransport.Choice(FuseTransport.DEV_FUSE, probe.reason() + "; echo Y > "
                            + ENABLE_URING + " or fuse_transport = uring to use it");
                }
                try {
                    enable();
                    LOG.info("switched the kernel's FUSE over io_uring on ({} = Y; was off, setting {})", ENABLE_URING,
                            setting.name().toLowerCase(java.util.Locale.ROOT));
                } catch (IOException e) {
                    return new FuseTransport.Choice(FuseTransport.DEV_FUSE, asked + probe.reason()
                            + " and cannot be switched on: " + e.getMessage());
                }
                return new FuseTransport.Choice(FuseTransport.IO_URING, asked + "kernel FUSE over io_uring switched on by "
                        + "rsiod (" + ENABLE_URING + " = Y)");
            }
            default -> {
                return new FuseTransport.Choice(FuseTransport.IO_URING, asked + probe.reason());
            }
        }
    }

    /** Switches the kernel's enable_uring on (root only). */
    public static void enable() throws IOException {
        Files.writeString(ENABLE_URING, "Y");
    }

    /** The number of queues the kernel expects: one per possible CPU (num_possible_cpus()). */
    static int possibleCpus() {
        try {
            int count = 0;
            for (String range : Files.readString(Path.of("/sys/devices/system/cpu/possible")).trim().split(",")) {
                String[] ends = range.split("-");
                int first = Integer.parseInt(ends[0]);
                int last = ends.length > 1 ? Integer.parseInt(ends[1]) : first;
                count += last - first + 1;
            }
            return count;
        } catch (IOException | RuntimeException e) {
            return Runtime.getRuntime().availableProcessors();
        }
    }
}
