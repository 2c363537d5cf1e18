package io.rsio.nativeio.fuse;

import io.rsio.block.BlockTarget;
import io.rsio.nativeio.LinuxErrno;
import io.rsio.nativeio.MountTable;
import io.rsio.nativeio.NativeException;
import io.rsio.nativeio.Posix;
import io.rsio.nativeio.Processes;
import io.rsio.nativeio.Syscalls;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A FUSE filesystem served in this process over the raw {@code /dev/fuse} protocol: one flat
 * directory with a file per block target (see {@link VolumeFileSystem} for the semantics).
 *
 * <p>{@link #mount} mounts it, answers the kernel's INIT (1 MiB requests, asynchronous direct
 * I/O), then starts {@code readers} threads, each on its own descriptor cloned with
 * FUSE_DEV_IOC_CLONE so each has its own queue of requests being processed. Readers never wait
 * for block I/O: many requests are in flight at once, answered as they complete.
 *
 * <p>Nothing in this process may do I/O on the mount from a reader thread (it would wait for
 * itself). Other threads may: {@link #refreshSize} stats a file to make the kernel read its
 * new size.
 */
public final class FuseMount implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(FuseMount.class);
    /** The filesystem type shown in /proc/self/mountinfo; stale mounts are recognised by it. */
    public static final String FS_TYPE = "fuse.rsio";
    /** A request is at most max_write plus its headers; the kernel refuses smaller read buffers. */
    static final int REQUEST_BUFFER = FuseInitReply.MAX_WRITE + 4096;
    /** Threads that copy large READ replies into the kernel, off the network event loops. */
    static final int BULK_REPLY_THREADS = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));

    private final Path dir;
    private final VolumeFileSystem fs;
    private final FuseInitReply negotiated;
    private final List<FuseChannel> channels = new ArrayList<>();
    private final List<Thread> readers = new ArrayList<>();
    private final FuseRingQueues rings = new FuseRingQueues();
    private volatile FuseTransport.Choice transport;
    private final AtomicInteger running = new AtomicInteger();
    private final ExecutorService bulkReplies;
    private volatile boolean closed;

    private FuseMount(Path dir, VolumeFileSystem fs, FuseInitReply negotiated, ExecutorService bulkReplies) {
        this.dir = dir;
        this.fs = fs;
        this.negotiated = negotiated;
        this.bulkReplies = bulkReplies;
    }

    /** True when this host can serve FUSE (the device exists). */
    public static boolean available() {
        return Files.exists(FuseChannel.DEVICE);
    }

    /**
     * Mounts an empty directory of volume files on {@code dir} (created if missing) and starts
     * serving it over {@code /dev/fuse} with {@code readers} threads. Needs root.
     */
    public static FuseMount mount(Path dir, int readers, String threadPrefix) throws IOException {
        return mount(dir, readers, threadPrefix, FuseTransport.Setting.DEV);
    }

    /**
     * Mounts like {@link #mount(Path, int, String)}, with the transport {@code setting} asks for
     * where this kernel has it: over io_uring, one queue thread per CPU serves the requests and
     * one {@code /dev/fuse} reader what the kernel still sends there (FORGET, INTERRUPT); when
     * io_uring cannot be used, all {@code readers} serve {@code /dev/fuse} and
     * {@link #transport()} says why.
     */
    public static FuseMount mount(Path dir, int readers, String threadPrefix, FuseTransport.Setting setting)
            throws IOException {
        if (readers < 1 || readers > 64) {
            throw new IllegalArgumentException("readers must be 1 to 64, got " + readers);
        }
        Files.createDirectories(dir);
        // before the mount: the kernel decides at mount time whether INIT offers io_uring
        FuseTransport.Choice wanted = FuseUringSupport.choose(setting);
        int fd = Syscalls.open(FuseChannel.DEVICE, Syscalls.O_RDWR);
        boolean mounted = false;
        try {
            int uid = Posix.geteuid();
            // allow_other lets the kernel's loop worker and root's tools in; default_permissions
            // makes the kernel enforce the files' 0600 mode for everyone else.
            String options = "fd=" + fd + ",rootmode=40000,user_id=" + uid + ",group_id=0,allow_other,"
                    + "default_permissions";
            Syscalls.mount("rsiod", dir, FS_TYPE, Syscalls.MS_NOSUID | Syscalls.MS_NODEV | Syscalls.MS_NOEXEC,
                    options);
            mounted = true;
            FuseChannel first = new FuseChannel(fd);
            FuseInitReply negotiated = init(first, wanted.transport() == FuseTransport.IO_URING);
            if (wanted.transport() == FuseTransport.IO_URING && !negotiated.overIoUring()) {
                wanted = new FuseTransport.Choice(FuseTransport.DEV_FUSE, "the kernel did not offer FUSE_OVER_IO_URING "
                        + "at INIT");
            }
            AtomicInteger replyThreads = new AtomicInteger();
            ExecutorService bulkReplies = Executors.newFixedThreadPool(BULK_REPLY_THREADS,
                    task -> Thread.ofPlatform().daemon().name(threadPrefix + "-reply-" + replyThreads.getAndIncrement())
                            .unstarted(task));
            FuseMount mount = new FuseMount(dir, new VolumeFileSystem(uid, 0, bulkReplies), negotiated, bulkReplies);
            mount.channels.add(first);
            mount.transport = wanted;
            if (wanted.transport() == FuseTransport.IO_URING) {
                // one reader for what stays on /dev/fuse; the queues serve the rest
                mount.startReaders(1, threadPrefix);
                String failure = mount.rings.start(fd, negotiated, mount.fs, dir, threadPrefix, mount.running, mount::ended);
                if (failure != null) {
                    mount.transport = new FuseTransport.Choice(FuseTransport.DEV_FUSE, failure);
                    LOG.warn("FUSE over io_uring on {} failed, serving over /dev/fuse: {}", dir, failure);
                    mount.startReaders(readers - 1, threadPrefix);
                }
            } else {
                mount.startReaders(readers, threadPrefix);
            }
            LOG.info("FUSE filesystem mounted on {}: transport {}, protocol 7.{}, requests up to {} KiB, {} reader "
                            + "thread(s), {} io_uring queue(s), asynchronous direct I/O {}", dir,
                    mount.transport.describe(), negotiated.minor(), negotiated.maxWrite() >> 10, mount.readers.size(),
                    mount.rings.size(), negotiated.asyncDirectIo() ? "on" : "off");
            return mount;
        } catch (IOException | RuntimeException e) {
            if (mounted) {
                try {
                    Syscalls.umount2(dir, Syscalls.MNT_DETACH);
                } catch (NativeException ignored) {
                    // reported through the original failure
                }
            }
            Syscalls.close(fd, FuseChannel.DEVICE);
            throw e;
        }
    }

    /** Starts {@code count} more /dev/fuse readers, each on its own cloned descriptor but the first. */
    private void startReaders(int count, String threadPrefix) throws IOException {
        for (int i = 0; i < count; i++) {
            int n = readers.size();
            FuseChannel channel = n < channels.size() ? channels.get(n) : null;
            if (channel == null) {
                channel = new FuseChannel(cloneDevice(channels.getFirst().fd()));
                channels.add(channel);
            }
            FuseChannel served = channel;
            Thread t = Thread.ofPlatform().daemon().name(threadPrefix + "-" + n).unstarted(() -> serve(served));
            readers.add(t);
            running.incrementAndGet();
            t.start();
        }
    }

    /** Reads and answers INIT, the first request of every connection. */
    private static FuseInitReply init(FuseChannel channel, boolean overIoUring) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(REQUEST_BUFFER, 4096);
            long n = channel.read(buf);
            FuseRequest request;
            try {
                request = FuseRequestDecoder.decode(buf, n);
            } catch (FuseProtocolException e) {
                throw new IOException("bad first FUSE request: " + e.getMessage());
            }
            if (!(request instanceof FuseRequest.Init init)) {
                throw new IOException("first FUSE request is " + request.header().describe() + ", not INIT");
            }
            MemorySegment out = arena.allocate(256, 8);
            FuseInitReply reply;
            try {
                reply = FuseInitReply.negotiate(init, overIoUring);
            } catch (FuseProtocolException e) {
                channel.send(out, FuseReplyEncoder.error(out, init.unique(), LinuxErrno.EPROTO));
                throw new IOException(e.getMessage());
            }
            channel.send(out, FuseReplyEncoder.init(out, init.unique(), reply));
            return reply;
        }
    }

    private static int cloneDevice(int fd) throws IOException {
        int clone = Syscalls.open(FuseChannel.DEVICE, Syscalls.O_RDWR);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment arg = arena.allocate(ValueLayout.JAVA_INT);
            arg.set(ValueLayout.JAVA_INT, 0, fd);
            Syscalls.ioctl(clone, FuseAbi.FUSE_DEV_IOC_CLONE, arg, "FUSE_DEV_IOC_CLONE", FuseChannel.DEVICE);
            return clone;
        } catch (IOException | RuntimeException e) {
            Syscalls.close(clone, FuseChannel.DEVICE);
            throw e;
        }
    }

    /** One reader: read a request, hand it on, read the next; ends when the filesystem is gone. */
    private void serve(FuseChannel channel) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(REQUEST_BUFFER, 4096);
            while (true) {
                long n;
                try {
                    n = channel.read(buf);
                } catch (NativeException e) {
                    if (e.errno() == LinuxErrno.ENOENT || e.errno() == LinuxErrno.EAGAIN) {
                        continue; // the request was interrupted before we got it
                    }
                    if (e.errno() != LinuxErrno.ENODEV) {
                        LOG.error("reading /dev/fuse for {} failed, reader stops: {}", dir, e.getMessage());
                    }
                    break;
                }
                FuseRequest request;
                try {
                    request = FuseRequestDecoder.decode(buf, n);
                } catch (FuseProtocolException e) {
                    LOG.error("malformed FUSE request on {}: {}", dir, e.getMessage());
                    if (e.header() != null) {
                        MemorySegment out = arena.allocate(16, 8);
                        channel.send(out, FuseReplyEncoder.error(out, e.header().unique(), LinuxErrno.EIO));
                    }
                    continue;
                }
                fs.handle(request, channel);
            }
        } finally {
            try {
                Syscalls.close(channel.fd(), FuseChannel.DEVICE);
            } catch (NativeException ignored) {
                // the descriptor is released anyway
            }
            ended();
        }
    }

    /** A reader or ring thread ended; the last one shuts the reply threads down. */
    private void ended() {
        if (running.decrementAndGet() == 0) {
            bulkReplies.shutdown();
            LOG.info("FUSE filesystem on {} ended", dir);
        }
    }

    public Path dir() {
        return dir;
    }

    public FuseInitReply negotiated() {
        return negotiated;
    }

    public int readerThreads() {
        return readers.size();
    }

    /** The transport requests travel on, and why it was chosen. */
    public FuseTransport.Choice transport() {
        return transport;
    }

    /** Requests that arrived over the io_uring queues (the rest came by /dev/fuse reads). */
    public long ringRequests() {
        return rings.requests();
    }

    /** io_uring queues serving requests (0 over /dev/fuse). */
    public int ringQueues() {
        return transport.transport() == FuseTransport.IO_URING ? rings.size() : 0;
    }

    /** True while reader threads serve the filesystem. */
    public boolean serving() {
        return running.get() > 0;
    }

    /** Adds a file named {@code name} whose contents are {@code target}; returns its path. */
    public Path add(String name, BlockTarget target) {
        fs.add(name, target);
        return dir.resolve(name);
    }

    /** Removes the file: it disappears from the directory and descriptors still open on it get EIO. */
    public void remove(String name) {
        fs.remove(name);
    }

    public Path pathOf(String name) {
        return dir.resolve(name);
    }

    /** Descriptors the kernel holds open on the file (a loop device's counts as one). */
    public int openHandles(String name) {
        return fs.openHandles(name);
    }

    /** The process ids that opened the file and still hold it (the kernel reports threads; mapped to processes). */
    public List<Integer> openers(String name) {
        return fs.openers(name).stream().map(tid -> Processes.tgidOf(tid).orElse(tid)).distinct().toList();
    }

    /**
     * Makes the kernel take the file's size from its target again: drops the cached attributes
     * (FUSE_NOTIFY_INVAL_INODE), then stats the file, which asks this server. Call it from a
     * thread that is not a reader, after the target's size changed.
     */
    public long refreshSize(String name) throws IOException {
        VolumeFileSystem.Node node = fs.find(name);
        if (node == null) {
            throw new IOException("no file " + name + " in " + dir);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment out = arena.allocate(64, 8);
            int length = FuseReplyEncoder.notifyInvalInode(out, node.id);
            channels.getFirst().send(out, length);
        }
        return Files.size(dir.resolve(name));
    }

    /**
     * Unmounts. When something still holds a file open (a loop device that is still in use),
     * the mount is detached lazily instead and the readers go on answering until the kernel
     * drops the last reference; then they stop by themselves (or with the process).
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Syscalls.umount2(dir, 0);
        } catch (NativeException e) {
            if (e.errno() == LinuxErrno.EBUSY) {
                LOG.warn("FUSE filesystem on {} is still in use: detaching it lazily; it ends when its last "
                        + "user closes it", dir);
                try {
                    Syscalls.umount2(dir, Syscalls.MNT_DETACH);
                } catch (NativeException e2) {
                    LOG.error("cannot unmount {}: {}", dir, e2.getMessage());
                }
                return;
            }
            if (e.errno() != LinuxErrno.EINVAL && e.errno() != LinuxErrno.ENOENT) {
                LOG.error("cannot unmount {}: {}", dir, e.getMessage());
                return;
            }
        }
        List<Thread> all = new ArrayList<>(readers);
        all.addAll(rings.threads());
        for (Thread t : all) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /**
     * Removes what a previous, dead server left on {@code dir}: a FUSE mount of type
     * {@link #FS_TYPE} (whose connection is gone, so every access fails with ENOTCONN) is
     * detached lazily. Returns true if there was one.
     */
    public static boolean unmountStale(Path dir) throws IOException {
        boolean found = false;
        Path target = dir.toAbsolutePath().normalize();
        // Stacked mounts (a crash, then a failed start) each need their own unmount.
        for (int round = 0; round < 8; round++) {
            boolean here = MountTable.read().stream()
                    .anyMatch(m -> m.mountPoint().equals(target) && m.fsType().equals(FS_TYPE));
            if (!here) {
                break;
            }
            found = true;
            Syscalls.umount2(target, Syscalls.MNT_DETACH);
        }
        return found;
    }
}
