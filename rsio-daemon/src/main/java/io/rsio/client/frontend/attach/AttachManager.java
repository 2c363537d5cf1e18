package io.rsio.client.frontend.attach;

import io.rsio.client.multipath.NamespaceClient;
import io.rsio.client.multipath.VolumeClient;
import io.rsio.common.NamedThreads;
import io.rsio.common.RsioEnvironment;
import io.rsio.config.ClientConfig;
import io.rsio.config.ConfigValues;
import io.rsio.nativeio.NativeException;
import io.rsio.nativeio.NativeFile;
import io.rsio.nativeio.Syscalls;
import io.rsio.nativeio.fuse.FuseMount;
import io.rsio.nativeio.fuse.FuseTransport;
import io.rsio.nativeio.fuse.FuseUringSupport;
import io.rsio.nativeio.loop.LoopConfig;
import io.rsio.nativeio.loop.LoopDevice;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * rsiod's block devices: attaches volumes as {@code $RSIO_DEV_DIR/<dir>/NAME} (a symlink to a
 * loop device on the volume's file in rsiod's FUSE filesystem) and {@code …/rNAME} (a symlink
 * to that file: the raw path, no page cache, no block layer), detaches them only when nobody
 * uses them (or by force), follows online growth, and cleans up what a crashed rsiod left.
 *
 * <p>Every change runs on one platform thread ("rsiod-attach"), so attach, detach, the growth
 * check and shutdown never race, and blocking system calls never pin the virtual threads that
 * serve the control socket. The FUSE filesystem ({@code $RSIO_RUN_DIR/fuse}) is mounted with the
 * first device and unmounted with the last.
 *
 * <p>Why it is long: attach, detach, growth, stop and crash clean-up work on one table of
 * attachments under the one-thread rule above; each step is short, but splitting them into
 * classes would hand that table and its ordering guarantee to several owners.
 */
public final class AttachManager implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(AttachManager.class);
    /** The longest a control request waits for the attach thread. */
    static final Duration OPERATION_LIMIT = Duration.ofSeconds(90);
    /** How long {@code rsconfig -a} right after starting rsiod waits for the servers' volumes. */
    static final Duration VOLUME_WAIT = Duration.ofSeconds(10);
    /** How long a detach waits for the kernel to let go of the loop device. */
    static final Duration RELEASE_WAIT = Duration.ofSeconds(3);
    static final Duration FLUSH_WAIT = Duration.ofSeconds(10);
    static final int FUSE_READERS = 4;

    /** What happened to one volume; {@code attachment} is null when nothing was attached. */
    public record Outcome(String action, String namespace, String volume, Attachment attachment, String message) {
        public boolean failed() {
            return action.equals(FAILED) || action.equals(REFUSED);
        }
    }

    public static final String ATTACHED = "attached";
    public static final String ALREADY = "already";
    public static final String DETACHED = "detached";
    public static final String FORCED = "forced";
    public static final String PENDING = "pending";
    public static final String REFUSED = "refused";
    public static final String FAILED = "failed";

    private final RsioEnvironment env;
    private final Supplier<List<NamespaceClient>> namespaces;
    private final Path fuseDir;
    private final AttachState state;
    private final ScheduledExecutorService worker =
            Executors.newSingleThreadScheduledExecutor(new NamedThreads("rsiod-attach"));
    /** By {@code ns:name}; touched only on the worker. */
    private final Map<String, Attachment> attachments = new LinkedHashMap<>();
    private volatile List<Attachment> published = List.of();
    private volatile AttachMethod.Choice method = new AttachMethod.Choice(AttachMethod.NBD_EXPORT, "not started");
    private FuseMount fuse;
    private volatile boolean closed;
    /** The [defaults] attach setting rsiod started with. */
    private final ClientConfig.Attach setting;
    /** The [defaults] fuse_transport setting rsiod started with. */
    private final FuseTransport.Setting transportSetting;
    /** The transport of the last FUSE mount; null before the first attach. */
    private volatile FuseTransport.Choice transport;

    public AttachManager(RsioEnvironment env, Supplier<List<NamespaceClient>> namespaces, ClientConfig.Attach setting,
                         FuseTransport.Setting transportSetting) {
        this.env = env;
        this.setting = setting;
        this.transportSetting = transportSetting;
        this.namespaces = namespaces;
        this.fuseDir = env.runDir().resolve("fuse");
        this.state = new AttachState(env.runDir().resolve("attached"));
    }

    /** Chooses the attach method, removes what a dead rsiod left, starts the growth check. */
    public void start() {
        method = AttachMethod.choose(setting);
        LOG.info("block devices: attach method {} ({}); devices under {}", method.method().label(),
                method.reason(), env.devDir());
        if (method.method() == AttachMethod.FUSE_LOOP) {
            LOG.info("block devices: FUSE transport fuse_transport = {}; {}", settingText(),
                    FuseUringSupport.probe().reason());
            try {
                call(() -> {
                    cleanUpStale();
                    return null;
                });
            } catch (AttachException e) {
                LOG.error("cleaning up after a previous rsiod failed: {}", e.getMessage());
            }
        }
        worker.scheduleWithFixedDelay(this::checkSizes, 1, 1, TimeUnit.SECONDS);
    }

    public AttachMethod.Choice method() {
        return method;
    }

    /**
     * How the FUSE requests of the devices travel, and why; before the first attach (no
     * filesystem mounted yet) what the setting will try.
     */
    public FuseTransport.Choice fuseTransport() {
        FuseTransport.Choice t = transport;
        if (t != null) {
            return t;
        }
        FuseUringSupport.State kernel = FuseUringSupport.probe().state();
        boolean uring = kernel == FuseUringSupport.State.ON && transportSetting != FuseTransport.Setting.DEV
                || kernel == FuseUringSupport.State.OFF && transportSetting == FuseTransport.Setting.URING;
        FuseTransport which = uring ? FuseTransport.IO_URING : FuseTransport.DEV_FUSE;
        return new FuseTransport.Choice(which, "chosen at the first attach; fuse_transport = " + settingText() + "; "
                + FuseUringSupport.probe().reason());
    }

    private String settingText() {
        return transportSetting.name().toLowerCase(java.util.Locale.ROOT);
    }

    public Path fuseDir() {
        return fuseDir;
    }

    /** The attached devices now, in attach order. */
    public List<Attachment> attachments() {
        return published;
    }

    /** Attaches every volume {@code selector} names ("" for all); each gets an outcome. */
    public List<Outcome> attach(String selector) throws AttachException {
        VolumeSelector sel = VolumeSelector.parse(selector);
        return call(() -> {
            List<VolumeClient> volumes = awaitVolumes(sel);
            List<Outcome> outcomes = new ArrayList<>();
            for (VolumeClient v : volumes) {
                outcomes.add(attachOne(v));
            }
            return outcomes;
        });
    }

    /** Detaches the attached devices {@code selector} names; in use is refused unless {@code force}. */
    public List<Outcome> detach(String selector, boolean force) throws AttachException {
        VolumeSelector sel = VolumeSelector.parse(selector);
        return call(() -> {
            List<Attachment> chosen = attachments.values().stream()
                    .filter(a -> sel.matches(a.namespace, a.volume.name())).toList();
            if (chosen.isEmpty() && !sel.all()) {
                throw new AttachException("no attached device for " + sel + " (see rsconfig -l)");
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Attachment a : chosen) {
                outcomes.add(detachOne(a, force));
            }
            return outcomes;
        });
    }

    /**
     * Before rsiod stops on request: refuses when a device is in use (unless {@code force}),
     * else detaches every device (forcibly with {@code force}).
     */
    public List<Outcome> prepareStop(boolean force) throws AttachException {
        return call(() -> {
            if (!force) {
                for (Attachment a : attachments.values()) {
                    DeviceUsage usage = usageOf(a);
                    if (usage.inUse()) {
                        throw new AttachException(a.blockLink + " (" + a.qualifiedName() + ") is " + usage.describe()
                                + ": rsiod keeps running (unmount it first, or stop with -f)");
                    }
                }
            }
            List<Outcome> outcomes = new ArrayList<>();
            for (Attachment a : List.copyOf(attachments.values())) {
                outcomes.add(detachOne(a, force));
            }
            return outcomes;
        });
    }

    /**
     * rsiod is stopping (SIGTERM or a stop request): devices nobody uses are detached cleanly;
     * a device still in use is synced, flushed and marked to go away when its last user lets go,
     * and logged loudly, because once rsiod is gone its I/O fails (EIO, never a hang).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            call(() -> {
                shutDown();
                return null;
            });
        } catch (AttachException e) {
            LOG.error("detaching block devices at shutdown: {}", e.getMessage());
        } finally {
            worker.shutdownNow();
        }
    }

    // ---- on the worker thread ----

    private List<VolumeClient> awaitVolumes(VolumeSelector sel) throws AttachException, InterruptedException {
        long deadline = System.nanoTime() + VOLUME_WAIT.toNanos();
        while (true) {
            List<VolumeClient> found = sel.select(namespaces.get());
            if (!found.isEmpty()) {
                if (!sel.all() && sel.namespace() == null
                        && found.stream().map(VolumeClient::namespace).distinct().count() > 1) {
                    throw new AttachException("volume " + sel.name() + " exists in several namespaces ("
                            + String.join(", ", found.stream().map(v -> v.namespace() + ":" + v.name()).toList())
                            + "): say which with NAMESPACE:NAME");
                }
                return found;
            }
            if (System.nanoTime() > deadline) {
                List<String> known = new ArrayList<>();
                namespaces.get().forEach(ns -> ns.volumes().forEach(v -> known.add(ns.name() + ":" + v.name())));
                throw new AttachException(known.isEmpty()
                        ? "no volumes known: no server is logged in (see rsconfig -m status)"
                        : "no volume " + sel + " (known: " + String.join(", ", known) + ")");
            }
            Thread.sleep(100);
        }
    }

    private Outcome attachOne(VolumeClient v) {
        String key = v.namespace() + ":" + v.name();
        Attachment existing = attachments.get(key);
        if (existing != null) {
            return existing.detaching
                    ? outcome(FAILED, v, existing, "is being detached (waiting for its last user); try again later")
                    : outcome(ALREADY, v, existing, "already attached");
        }
        if (method.method() != AttachMethod.FUSE_LOOP) {
            return outcome(FAILED, v, null, "no block devices (" + method.reason()
                    + "); use the NBD export (rsconfig -qvvv)");
        }
        String dir = v.info().deviceDir();
        if (!ConfigValues.isName(v.name()) || !ConfigValues.isName(dir)) {
            return outcome(FAILED, v, null, "the server's names (volume \"" + v.name() + "\", device directory \""
                    + dir + "\") cannot be used as device paths");
        }
        Path devDir = env.devDir().resolve(dir);
        Path blockLink = devDir.resolve(v.name());
        Path charLink = devDir.resolve("r" + v.name());
        for (Attachment other : attachments.values()) {
            if (other.blockLink.equals(blockLink) || other.charLink.equals(charLink)
                    || other.blockLink.equals(charLink) || other.charLink.equals(blockLink)) {
                return outcome(FAILED, v, null, blockLink + " is taken by " + other.qualifiedName());
            }
        }
        for (Path link : List.of(blockLink, charLink)) {
            Optional<String> taken = occupied(link);
            if (taken.isPresent()) {
                return outcome(FAILED, v, null, taken.get());
            }
        }
        LoopDevice loop = null;
        boolean added = false;
        try {
            ensureFuse();
            Path file = fuse.add(key, v);
            added = true;
            boolean readOnly = v.readOnly();
            // The loop device keeps its own reference to the open file; ours is closed at once.
            try (NativeFile f = NativeFile.open(file, readOnly, false, true)) {
                int flags = LoopConfig.LO_FLAGS_DIRECT_IO | (readOnly ? LoopConfig.LO_FLAGS_READ_ONLY : 0);
                loop = LoopDevice.attach(f.fd(), file.toString(), v.blockSize(), flags);
            }
            Files.createDirectories(devDir);
            replaceLink(blockLink, loop.path());
            replaceLink(charLink, file);
            Attachment a = new Attachment(v.namespace(), v, dir, blockLink, charLink, key, file, loop,
                    AttachMethod.FUSE_LOOP, v.size());
            attachments.put(key, a);
            publish();
            if (!loop.directIo()) {
                LOG.warn("{}: the kernel did not enable direct I/O on {}; data is cached twice", key, loop.path());
            }
            LOG.info("attached {}: b: {} -> {} ({}, block size {}, {} bytes{}), c: {} -> {}", key, blockLink,
                    loop.path(), AttachMethod.FUSE_LOOP.label(), v.blockSize(), v.size(),
                    readOnly ? ", read-only" : "", charLink, file);
            return outcome(ATTACHED, v, a, "");
        } catch (IOException | RuntimeException e) {
            LOG.error("cannot attach {}: {}", key, e.getMessage());
            if (loop != null) {
                try {
                    loop.detach();
                    loop.awaitDetached(RELEASE_WAIT);
                } catch (IOException | InterruptedException e2) {
                    LOG.warn("undoing {}: {}", loop.path(), e2.getMessage());
                }
                deleteLink(blockLink);
                deleteLink(charLink);
            }
            if (added) {
                fuse.remove(key);
            }
            unmountIfIdle();
            return outcome(FAILED, v, null, e.getMessage());
        }
    }

    private Outcome detachOne(Attachment a, boolean force) throws InterruptedException {
        DeviceUsage usage = usageOf(a);
        // A process that only looks (blkid from udev, say) lets go within moments: look again.
        for (int i = 0; i < 5 && usage.inUse() && !usage.mounted() && usage.holders().isEmpty(); i++) {
            Thread.sleep(100);
            usage = usageOf(a);
        }
        if (usage.inUse() && !force) {
            return outcome(REFUSED, a.volume, a, a.blockLink + " is " + usage.describe()
                    + " (unmount or close it first, or use rsconfig -d -f)");
        }
        if (usage.inUse()) {
            LOG.warn("forced detach of {} while it is {}", a, usage.describe());
            for (Path mountPoint : usage.mountPoints()) {
                try {
                    // Lazily: the filesystem leaves the tree now and is written back and shut
                    // down as soon as no process has files open in it.
                    Syscalls.umount2(mountPoint, Syscalls.MNT_DETACH);
                    LOG.warn("forced detach of {}: unmounted {} (lazily)", a.qualifiedName(), mountPoint);
                } catch (NativeException e) {
                    LOG.error("forced detach of {}: cannot unmount {}: {}", a.qualifiedName(), mountPoint,
                            e.getMessage());
                }
            }
        }
        try {
            a.loop.detach();
        } catch (IOException e) {
            return outcome(FAILED, a.volume, a, "cannot detach " + a.loop.path() + ": " + e.getMessage());
        }
        boolean released = a.loop.awaitDetached(RELEASE_WAIT);
        if (!released && !force) {
            a.detaching = true;
            publish();
            LOG.warn("{} was opened while it was being detached: it goes away when its last user closes it", a);
            return outcome(PENDING, a.volume, a, a.blockLink + " is still in use: it is detached when its last user "
                    + "closes it");
        }
        finish(a);
        if (released) {
            LOG.info("detached {} ({}, {})", a.qualifiedName(), a.blockLink, a.loop.path());
            return outcome(usage.inUse() ? FORCED : DETACHED, a.volume, a, usage.inUse()
                    ? "was " + usage.describe() : "");
        }
        LOG.warn("forced detach of {}: {} is still held ({}); its I/O fails with EIO from now on and it goes away "
                + "when its last user closes it", a.qualifiedName(), a.loop.path(), usage.describe());
        return outcome(FORCED, a.volume, a, a.loop.path() + " is still held by its last user: its I/O fails from now "
                + "on, and it goes away when that user closes it");
    }

    /** Takes the volume out of the FUSE directory, flushes it, removes the links and the record. */
    private void finish(Attachment a) {
        fuse.remove(a.fuseName);
        flushQuietly(a);
        deleteLink(a.blockLink);
        deleteLink(a.charLink);
        deleteDirIfEmpty(a.blockLink.getParent());
        attachments.remove(a.fuseName);
        publish();
        unmountIfIdle();
    }

    private void shutDown() {
        for (Attachment a : List.copyOf(attachments.values())) {
            DeviceUsage usage = usageOf(a);
            if (!usage.inUse() && !a.detaching) {
                try {
                    detachOne(a, false);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                if (!attachments.containsKey(a.fuseName)) {
                    continue;
                }
            }
            LOG.error("rsiod is stopping while {} is {}: its data is synced now, but from now on its I/O fails "
                    + "(EIO) and {} goes away when it is unmounted or closed", a, usage.describe(), a.loop.path());
            for (Path mountPoint : usage.mountPoints()) {
                try {
                    Syscalls.syncfs(mountPoint);
                } catch (NativeException e) {
                    LOG.error("cannot sync {}: {}", mountPoint, e.getMessage());
                }
            }
            flushQuietly(a);
            try {
                a.loop.detach(); // autoclear: the kernel drops the device with its last user
            } catch (IOException e) {
                LOG.error("cannot mark {} for detaching: {}", a.loop.path(), e.getMessage());
            }
            fuse.remove(a.fuseName);
            deleteLink(a.blockLink);
            deleteLink(a.charLink);
            deleteDirIfEmpty(a.blockLink.getParent());
            attachments.remove(a.fuseName);
            publish();
        }
        if (fuse != null) {
            fuse.close();
            fuse = null;
        }
    }

    /** Every second: finish pending detaches, and pass volume growth on to the devices. */
    private void checkSizes() {
        for (Attachment a : List.copyOf(attachments.values())) {
            try {
                if (a.detaching) {
                    if (a.loop.backingFile().isEmpty()) {
                        LOG.info("{}: its last user closed it; detached", a);
                        finish(a);
                    }
                    continue;
                }
                long now = a.volume.size();
                if (now > a.size) {
                    long seen = fuse.refreshSize(a.fuseName);
                    a.loop.setCapacity();
                    LOG.info("{} grew on the server from {} to {} bytes: {} now has {} bytes", a.qualifiedName(),
                            a.size, now, a.loop.path(), a.loop.sizeBytes());
                    a.size = seen;
                    publish();
                } else if (now < a.size && !a.shrinkReported) {
                    a.shrinkReported = true;
                    LOG.warn("{} shrank on the server from {} to {} bytes: {} keeps its size and I/O past the new "
                            + "end fails; detach and attach it again", a.qualifiedName(), a.size, now, a.loop.path());
                }
            } catch (IOException | RuntimeException e) {
                LOG.warn("{}: size check failed: {}", a.qualifiedName(), e.getMessage());
            }
        }
    }

    /** After a crash: loop devices on the old FUSE files, the dead FUSE mount, the old links. */
    private void cleanUpStale() throws IOException, InterruptedException {
        String prefix = fuseDir.toString() + "/";
        for (LoopDevice loop : LoopDevice.attached()) {
            String backing = loop.backingFile().orElse("");
            if (!backing.startsWith(prefix)) {
                continue;
            }
            DeviceUsage usage = DeviceUsage.of(loop, Path.of(backing));
            loop.detach();
            if (usage.inUse()) {
                LOG.warn("{} on {} was left by a previous rsiod and is {}: its I/O fails; it goes away when that "
                        + "ends", loop.path(), backing, usage.describe());
            } else {
                loop.awaitDetached(RELEASE_WAIT);
                LOG.warn("removed {} on {}, left by a previous rsiod", loop.path(), backing);
            }
        }
        if (FuseMount.unmountStale(fuseDir)) {
            LOG.warn("removed the FUSE mount on {} left by a previous rsiod", fuseDir);
        }
        for (AttachState.Entry e : state.read()) {
            for (Path link : List.of(e.blockLink(), e.charLink())) {
                if (Files.isSymbolicLink(link)) {
                    deleteLink(link);
                    LOG.warn("removed {} of {}:{}, left by a previous rsiod", link, e.namespace(), e.volume());
                }
            }
            deleteDirIfEmpty(e.blockLink().getParent());
        }
        Files.deleteIfExists(state.file());
    }

    private DeviceUsage usageOf(Attachment a) {
        try {
            return DeviceUsage.of(a.loop, a.fuseFile);
        } catch (IOException e) {
            LOG.warn("cannot tell whether {} is in use ({}); assuming it is", a, e.getMessage());
            return new DeviceUsage(List.of(), List.of(), List.of(), true);
        }
    }

    private void ensureFuse() throws IOException {
        if (fuse != null && fuse.serving()) {
            return;
        }
        if (fuse != null) {
            fuse.close();
        }
        FuseMount.unmountStale(fuseDir);
        fuse = FuseMount.mount(fuseDir, FUSE_READERS, "rsiod-fuse", transportSetting);
        transport = fuse.transport();
    }

    private void unmountIfIdle() {
        if (attachments.isEmpty() && fuse != null) {
            fuse.close();
            fuse = null;
        }
    }

    private void flushQuietly(Attachment a) {
        try {
            a.volume.flush().get(FLUSH_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("{}: flush failed: {}", a.qualifiedName(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void publish() {
        published = List.copyOf(attachments.values());
        try {
            state.write(published);
        } catch (IOException e) {
            LOG.warn("cannot record the attached devices in {}: {}", state.file(), e.getMessage());
        }
    }

    /** Why a device path cannot be used, or empty when it is free (missing, or a dangling symlink). */
    private static Optional<String> occupied(Path link) {
        if (!Files.exists(link, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        if (Files.isSymbolicLink(link) && !Files.exists(link)) {
            return Optional.empty(); // dangling: a leftover, replaced
        }
        return Optional.of(link + " exists already (remove it, or change the volume's device directory)");
    }

    private static void replaceLink(Path link, Path target) throws IOException {
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, target);
    }

    private static void deleteLink(Path link) {
        try {
            if (Files.isSymbolicLink(link)) {
                Files.delete(link);
            }
        } catch (IOException e) {
            LOG.warn("cannot remove {}: {}", link, e.getMessage());
        }
    }

    private void deleteDirIfEmpty(Path dir) {
        if (dir == null || dir.equals(env.devDir())) {
            return;
        }
        try {
            Files.deleteIfExists(dir);
        } catch (DirectoryNotEmptyException e) {
            // other devices (or anything else) live there
        } catch (IOException e) {
            LOG.debug("cannot remove {}: {}", dir, e.getMessage());
        }
    }

    private static Outcome outcome(String action, VolumeClient v, Attachment a, String message) {
        return new Outcome(action, v.namespace(), v.name(), a, message);
    }

    private <T> T call(Callable<T> task) throws AttachException {
        Future<T> future;
        try {
            future = worker.submit(task);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new AttachException("rsiod is stopping");
        }
        try {
            return future.get(OPERATION_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AttachException ae) {
                throw ae;
            }
            LOG.error("block device operation failed", e.getCause());
            throw new AttachException("internal error: " + e.getCause());
        } catch (TimeoutException e) {
            throw new AttachException("no answer from the block device layer within " + OPERATION_LIMIT.toSeconds()
                    + " s (see rsclogcat)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AttachException("interrupted");
        }
    }
}
