package io.rsio.nativeio.loop;

import io.rsio.nativeio.LinuxErrno;
import io.rsio.nativeio.NativeException;
import io.rsio.nativeio.Syscalls;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Linux loop device ({@code /dev/loopN}) driven through its ioctls ({@code linux/loop.h});
 * its state is read back from sysfs ({@code /sys/block/loopN/loop/…}), which is what losetup
 * shows too. Needs root (CAP_SYS_ADMIN).
 */
public final class LoopDevice {
    static final long LOOP_CLR_FD = 0x4C01;
    static final long LOOP_SET_CAPACITY = 0x4C07;
    static final long LOOP_CONFIGURE = 0x4C0A;
    static final long LOOP_CTL_GET_FREE = 0x4C82;

    private static final Path CONTROL = Path.of("/dev/loop-control");
    private static final Path SYS_BLOCK = Path.of("/sys/block");
    private static final Pattern LOOP_NAME = Pattern.compile("loop(\\d+)");
    /** Another process may take the free device between GET_FREE and CONFIGURE: try again. */
    private static final int ATTACH_ATTEMPTS = 16;

    private final int index;

    private LoopDevice(int index) {
        this.index = index;
    }

    /** The loop device with this number (it may or may not be attached). */
    public static LoopDevice ofIndex(int index) {
        if (index < 0) {
            throw new IllegalArgumentException("negative loop index " + index);
        }
        return new LoopDevice(index);
    }

    /** The loop device at {@code /dev/loopN} (or a symlink to it), if {@code path} names one. */
    public static Optional<LoopDevice> ofPath(Path path) {
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            real = path;
        }
        Matcher m = LOOP_NAME.matcher(real.getFileName() == null ? "" : real.getFileName().toString());
        return m.matches() ? Optional.of(new LoopDevice(Integer.parseInt(m.group(1)))) : Optional.empty();
    }

    /** True when this host can make loop devices (the control device exists). */
    public static boolean available() {
        return Files.exists(CONTROL);
    }

    /**
     * Binds a free loop device to the open file {@code backingFd} with LOOP_CONFIGURE (one
     * atomic call: file, block size and flags together). The descriptor may be closed
     * afterwards: the device keeps its own reference to the file.
     *
     * @param label shown as the backing file name by losetup (at most 63 bytes are kept)
     * @param blockSize the device's logical block size
     * @param flags {@code LoopConfig.LO_FLAGS_*}, e.g. DIRECT_IO for a backing file opened O_DIRECT
     */
    public static LoopDevice attach(int backingFd, String label, int blockSize, int flags) throws IOException {
        LoopConfig config = new LoopConfig(backingFd, blockSize, flags, label);
        int control = Syscalls.open(CONTROL, Syscalls.O_RDWR);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment arg = arena.allocate(LoopConfig.SIZE, 8);
            config.encode(arg);
            NativeException last = null;
            for (int attempt = 0; attempt < ATTACH_ATTEMPTS; attempt++) {
                int index = Syscalls.ioctl(control, LOOP_CTL_GET_FREE, 0, "LOOP_CTL_GET_FREE", CONTROL);
                LoopDevice device = new LoopDevice(index);
                int fd = device.openNode(Syscalls.O_RDWR);
                try {
                    Syscalls.ioctl(fd, LOOP_CONFIGURE, arg, "LOOP_CONFIGURE", device.path());
                    return device;
                } catch (NativeException e) {
                    if (e.errno() != LinuxErrno.EBUSY) {
                        throw e;
                    }
                    last = e;
                } finally {
                    Syscalls.close(fd, device.path());
                }
            }
            throw new IOException("no free loop device after " + ATTACH_ATTEMPTS + " attempts", last);
        } finally {
            Syscalls.close(control, CONTROL);
        }
    }

    /** Every loop device that is bound to a file now. */
    public static List<LoopDevice> attached() throws IOException {
        List<LoopDevice> devices = new ArrayList<>();
        if (!Files.isDirectory(SYS_BLOCK)) {
            return devices;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(SYS_BLOCK, "loop*")) {
            for (Path entry : entries) {
                Matcher m = LOOP_NAME.matcher(entry.getFileName().toString());
                if (m.matches()) {
                    LoopDevice device = new LoopDevice(Integer.parseInt(m.group(1)));
                    if (device.backingFile().isPresent()) {
                        devices.add(device);
                    }
                }
            }
        }
        devices.sort(java.util.Comparator.comparingInt(LoopDevice::index));
        return devices;
    }

    public int index() {
        return index;
    }

    /** {@code loopN}. */
    public String name() {
        return "loop" + index;
    }

    /** {@code /dev/loopN}. */
    public Path path() {
        return Path.of("/dev", name());
    }

    /** The backing file as the kernel names it, or empty when the device is not bound. */
    public Optional<String> backingFile() {
        return sysfs("loop/backing_file");
    }

    /** True when the device does direct I/O on its backing file (no second page cache). */
    public boolean directIo() {
        return sysfs("loop/dio").map("1"::equals).orElse(false);
    }

    /** Size in bytes as the block layer sees it. */
    public long sizeBytes() {
        return sysfs("size").map(s -> Long.parseLong(s) * 512).orElse(0L);
    }

    /** {major, minor} of the block device, from sysfs. */
    public int[] deviceNumber() throws IOException {
        String dev = sysfs("dev").orElseThrow(() -> new IOException("no sysfs entry for " + name()));
        String[] parts = dev.split(":");
        return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
    }

    /** Devices stacked on this one (device-mapper, md): {@code /sys/block/loopN/holders}. */
    public List<String> holders() {
        Path dir = SYS_BLOCK.resolve(name()).resolve("holders");
        List<String> holders = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            entries.forEach(p -> holders.add(p.getFileName().toString()));
        } catch (IOException e) {
            // no holders directory: nothing is stacked
        }
        return holders;
    }

    /**
     * Reads the backing file's size again (LOOP_SET_CAPACITY), after the file grew. The
     * kernel takes the size from its cached inode, so the file's attributes must be fresh.
     */
    public void setCapacity() throws IOException {
        int fd = openNode(Syscalls.O_RDONLY);
        try {
            Syscalls.ioctl(fd, LOOP_SET_CAPACITY, 0, "LOOP_SET_CAPACITY", path());
        } finally {
            Syscalls.close(fd, path());
        }
    }

    /**
     * Asks the kernel to unbind the backing file (LOOP_CLR_FD). The kernel does it when the
     * last opener closes the device: at once when nobody else has it open, otherwise later
     * (the device is then marked autoclear). ENXIO (not bound) is not an error.
     */
    public void detach() throws IOException {
        int fd;
        try {
            fd = openNode(Syscalls.O_RDONLY);
        } catch (NativeException e) {
            if (e.errno() == LinuxErrno.ENOENT || e.errno() == LinuxErrno.ENXIO) {
                return;
            }
            throw e;
        }
        try {
            Syscalls.ioctl(fd, LOOP_CLR_FD, 0, "LOOP_CLR_FD", path());
        } catch (NativeException e) {
            if (e.errno() != LinuxErrno.ENXIO) {
                throw e;
            }
        } finally {
            Syscalls.close(fd, path());
        }
    }

    /** Waits until the device is no longer bound; false if it still is after {@code limit}. */
    public boolean awaitDetached(Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (backingFile().isPresent()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    /**
     * True when a filesystem or driver holds the device exclusively (a mount, in any mount
     * namespace, or a device-mapper table): an O_EXCL open then fails with EBUSY.
     */
    public boolean heldExclusively() throws IOException {
        try {
            int fd = openNode(Syscalls.O_RDONLY | Syscalls.O_EXCL);
            Syscalls.close(fd, path());
            return false;
        } catch (NativeException e) {
            if (e.errno() == LinuxErrno.EBUSY) {
                return true;
            }
            throw e;
        }
    }

    /** Opens {@code /dev/loopN}; devtmpfs may take a moment to make the node of a new device. */
    private int openNode(int flags) throws IOException {
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (true) {
            try {
                return Syscalls.open(path(), flags);
            } catch (NativeException e) {
                if (e.errno() != LinuxErrno.ENOENT || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted waiting for " + path());
            }
        }
    }

    private Optional<String> sysfs(String entry) {
        try {
            String value = Files.readString(SYS_BLOCK.resolve(name()).resolve(entry), StandardCharsets.UTF_8).trim();
            return value.isEmpty() ? Optional.empty() : Optional.of(value);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LoopDevice other && other.index == index;
    }

    @Override
    public int hashCode() {
        return index;
    }

    @Override
    public String toString() {
        return path().toString();
    }
}
