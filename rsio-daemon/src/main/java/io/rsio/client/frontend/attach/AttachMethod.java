package io.rsio.client.frontend.attach;

import io.rsio.config.ClientConfig;
import io.rsio.nativeio.Posix;
import io.rsio.nativeio.fuse.FuseMount;
import io.rsio.nativeio.loop.LoopDevice;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How rsiod turns a volume into a block device on this host (issue: "attach methods, chosen
 * automatically", overridden by {@code attach =} in [defaults]). This version implements FUSE file
 * + loop device; hosts without it keep the NBD export only. Kernel NBD (nbd.ko over generic
 * netlink) is not implemented yet.
 */
public enum AttachMethod {
    /** A file in rsiod's FUSE filesystem, served in-process, with a loop device (direct I/O) on it. */
    FUSE_LOOP("fuse+loop"),
    /** No block devices: volumes are reachable through the NBD export only (qemu, nbdfuse, fio). */
    NBD_EXPORT("nbd-export");

    private final String label;

    AttachMethod(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The method chosen on this host and why, for the log and {@code rsconfig -lvv}. */
    public record Choice(AttachMethod method, String reason) {}

    /** The method {@code setting} asks for, where this host has it. */
    public static Choice choose(ClientConfig.Attach setting) {
        return switch (setting) {
            case AUTO -> detect();
            case NBD_EXPORT -> new Choice(NBD_EXPORT, "attach = nbd-export in [defaults]");
            case FUSE_LOOP -> {
                Choice found = detect();
                yield found.method() == FUSE_LOOP ? new Choice(FUSE_LOOP, "attach = fuse+loop in [defaults]")
                        : new Choice(NBD_EXPORT, "attach = fuse+loop in [defaults], but " + found.reason());
            }
        };
    }

    /** The best method this host supports. */
    public static Choice detect() {
        String nbd = Files.exists(Path.of("/sys/module/nbd")) ? "nbd module present, kernel NBD not implemented yet"
                : "no nbd module";
        if (Posix.geteuid() != 0) {
            return new Choice(NBD_EXPORT, "not running as root; " + nbd);
        }
        if (!FuseMount.available()) {
            return new Choice(NBD_EXPORT, "no /dev/fuse; " + nbd);
        }
        if (!LoopDevice.available()) {
            return new Choice(NBD_EXPORT, "no /dev/loop-control; " + nbd);
        }
        return new Choice(FUSE_LOOP, "/dev/fuse and /dev/loop-control present; " + nbd);
    }
}
