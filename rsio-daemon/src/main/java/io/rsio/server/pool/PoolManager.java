package io.rsio.server.pool;

import io.rsio.server.store.ServedVolume;
import io.rsio.block.Errno;
import io.rsio.common.NamedThreads;
import io.rsio.config.ConfigValues;
import io.rsio.config.ServerConfig;
import io.rsio.config.ServerConfig.PoolRight;
import io.rsio.nativeio.LinuxErrno;
import io.rsio.nativeio.NativeException;
import io.rsio.nativeio.NativeFile;
import io.rsio.server.store.ServedVolume;
import io.rsio.server.store.FileVolumeStore;
import io.rsio.wire.Opcode;
import io.rsio.wire.message.Management;
import io.rsio.wire.message.Reply;
import io.rsio.server.qos.VolumeGate;
import io.rsio.wire.message.VolumeInfo;
import io.rsio.wire.message.VolumeLimit;
import io.rsio.wire.message.VolumeStatistics;
import io.rsio.wire.message.VolumeUsage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The pools of this server and the volumes made in them at run time (docs/VOLUMES.md):
 * opens them for serving, follows what other servers sharing a pool directory changed (the
 * directory is read again before every LIST, an OPEN of an unknown name, and every
 * management request), and carries out management requests after checking the client's rights.
 *
 * <p>Threads: everything that reads pool directories, waits for a pool lock or changes the
 * open volumes runs on one thread ("rssrv-manage"), so an event loop never waits for a disk
 * or for another server's lock; event loops read {@link #volumes()}, a published snapshot.
 *
 * <p>Why it is long: each operation (create, resize, snapshot, delete, usage) is a short,
 * ordered sequence of steps under the pool's lock whose order is what makes a crash at any
 * step leave a readable pool (docs/VOLUMES.md); the directory, the records and the open-volume
 * bookkeeping are their own classes. Splitting the operations into one class each is the next
 * step when copy, throttling and pause are added.
 */
public final class PoolManager implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(PoolManager.class);

    /** A pool volume this server has open. */
    private record Open(PoolDirectory pool, VolumeRecord record, ServedVolume served) {
        FileVolumeStore store() {
            return (FileVolumeStore) served.store();
        }
    }

    /** How long a pause waits for the I/O let through before it to complete, before it answers. */
    static final int PAUSE_DRAIN_SECONDS = 30;

    private final String serverName;
    private final List<PoolDirectory> pools = new ArrayList<>();
    private final List<ServedVolume> configured;
    private final VolumeUsers users;
    /** Touched only by the management thread (and the constructor and close). */
    private final Map<String, Open> open = new LinkedHashMap<>();
    private volatile List<ServedVolume> published = List.of();
    /** Management requests wait for disks and pool locks: never on an event loop. */
    private final ExecutorService worker = Executors.newSingleThreadExecutor(new NamedThreads("rssrv-manage"));

    public PoolManager(ServerConfig config, List<ServedVolume> configured, VolumeUsers users) throws IOException {
        this.serverName = config.server().name();
        this.configured = List.copyOf(configured);
        this.users = users;
        for (ServerConfig.Pool pool : config.pools()) {
            pools.add(new PoolDirectory(pool));
            LOG.info("pool {}: {}{}", pool.name(), pool.directory(), pool.quota().isPresent()
                    ? ", quota " + ConfigValues.formatSize(pool.quota().getAsLong()) : "");
        }
        refresh();
    }

    /** The pool volumes as of the last reading of the pool directories; no I/O. */
    public List<ServedVolume> volumes() {
        return published;
    }

    /** True when rssrvcfg has no [pool]: nothing to read again, ever. */
    public boolean isEmpty() {
        return pools.isEmpty();
    }

    /** Reads the pool directories again on the management thread, then runs {@code then} (there). */
    public void refreshThen(Runnable then) {
        try {
            worker.execute(() -> {
                refresh();
                then.run();
            });
        } catch (RejectedExecutionException e) {
            then.run(); // shutting down: answer from what is known
        }
    }

    /** Carries out a management request on the management thread and hands its reply to {@code done}. */
    public void submit(long tag, String client, Management operation, Consumer<Reply> done) {
        try {
            worker.execute(() -> done.accept(handle(tag, client, operation)));
        } catch (RejectedExecutionException e) {
            done.accept(new Reply.Failure(tag, Opcode.MANAGE, Errno.ESHUTDOWN, "server " + serverName
                    + " is shutting down"));
        }
    }

    /** Carries out one management request of {@code client}, on the management thread. */
    private Reply handle(long tag, String client, Management operation) {
        try {
            refresh();
            return switch (operation) {
                case Management.Create c -> create(tag, client, c);
                case Management.Resize r -> resize(tag, client, r);
                case Management.Snapshot s -> snapshot(tag, client, s);
                case Management.Delete d -> delete(tag, client, d);
                case Management.Usage u -> usage(tag, client);
                case Management.Throttle t -> throttle(tag, client, t);
                case Management.Statistics st -> statistics(tag, client, st);
                case Management.Pause p -> pause(tag, client, p);
                case Management.Resume r -> resume(tag, client, r);
            };
        } catch (ManagementRefusal e) {
            LOG.warn("client {}: {} refused: {}", client, describe(operation), e.getMessage());
            return new Reply.Failure(tag, Opcode.MANAGE, e.status(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Reply.Failure(tag, Opcode.MANAGE, Errno.ESHUTDOWN, "server " + serverName + " is shutting down");
        } catch (IOException | RuntimeException e) {
            LOG.error("client {}: {} failed: {}", client, describe(operation), e.toString());
            return new Reply.Failure(tag, Opcode.MANAGE, Errno.EIO, describe(operation) + " failed on server "
                    + serverName + ": " + e.getMessage());
        } finally {
            publish();
        }
    }

    private void publish() {
        published = open.values().stream().map(Open::served).toList();
    }

    private Reply create(long tag, String client, Management.Create c) throws ManagementRefusal, IOException {
        PoolDirectory pool = pool(c.pool());
        require(pool, client, PoolRight.CREATE);
        checkNewName(c.name());
        int blockSize = pool.pool().blockSize();
        checkSize(c.size(), blockSize);
        VolumeRecord made = pool.change(records -> {
            if (records.stream().anyMatch(r -> r.name().equals(c.name()))) {
                throw refusal(Errno.EEXIST, "volume " + c.name() + " already exists in pool " + pool.pool().name());
            }
            checkQuota(pool, records, c.size());
            VolumeRecord record = new VolumeRecord(c.name(), UUID.randomUUID(), c.size(), blockSize, c.thick(), false,
                    "", client);
            Path data = pool.dataFile(c.name());
            // A data file without metadata is what a crash during create or delete leaves: reused.
            try (NativeFile file = NativeFile.open(data, false, true, false)) {
                file.truncate(0);
                file.truncate(c.size());
                if (c.thick()) {
                    preallocate(file, 0, c.size(), pool);
                }
                file.fdatasync();
            } catch (ManagementRefusal | IOException e) {
                Files.deleteIfExists(data);
                throw e;
            }
            pool.syncDirectory();
            pool.write(record);
            return record;
        });
        Open opened = openVolume(pool, made);
        LOG.info("client {} created volume {} in pool {}: {} bytes, {}", client, c.name(), pool.pool().name(),
                c.size(), c.thick() ? "thick" : "thin");
        return new Reply.Managed(tag, Management.Create.CODE, "created " + c.name() + " in pool " + pool.pool().name()
                + ": "
                + ConfigValues.formatSize(c.size()) + (c.thick() ? " thick" : " thin") + " on server " + serverName,
                List.of(usage(opened)));
    }

    private Reply resize(long tag, String client, Management.Resize r) throws ManagementRefusal, IOException {
        Open volume = poolVolume(r.name());
        PoolDirectory pool = volume.pool();
        require(pool, client, PoolRight.GROW);
        if (volume.record().readOnly()) {
            throw refusal(Errno.EROFS, "volume " + r.name() + " is a snapshot (read-only): its size is fixed");
        }
        checkSize(r.size(), volume.record().blockSize());
        VolumeRecord resized = pool.change(records -> {
            VolumeRecord now = records.stream().filter(x -> x.name().equals(r.name())).findFirst()
                    .orElseThrow(() -> refusal(Errno.ENOENT, "volume " + r.name() + " was deleted meanwhile"));
            if (r.size() < now.size()) {
                List<String> others = users.othersThan(r.name(), client);
                if (!others.isEmpty()) {
                    throw refusal(Errno.EBUSY, "volume " + r.name() + " not shrunk: client(s) " + String.join(", ", others)
                            + " have it open on server " + serverName);
                }
            } else {
                checkQuota(pool, records, r.size() - now.size());
            }
            try (NativeFile file = NativeFile.open(pool.dataFile(r.name()), false, false, false)) {
                if (r.size() > now.size() && now.thick()) {
                    preallocate(file, now.size(), r.size() - now.size(), pool);
                }
                file.truncate(r.size());
                file.fdatasync();
            }
            VolumeRecord next = now.withSize(r.size());
            pool.write(next);
            return next;
        });
        long before = volume.record().size();
        open.put(r.name(), new Open(pool, resized, volume.served()));
        volume.store().adoptSize(resized.size());
        LOG.info("client {} resized volume {} from {} to {} bytes", client, r.name(), before, resized.size());
        return new Reply.Managed(tag, Management.Resize.CODE, (resized.size() >= before ? "grew " : "shrank ")
                + r.name() + " from " + ConfigValues.formatSize(before) + " to "
                + ConfigValues.formatSize(resized.size()) + " on server " + serverName,
                List.of(usage(open.get(r.name()))));
    }

    private Reply snapshot(long tag, String client, Management.Snapshot s) throws ManagementRefusal, IOException {
        Open origin = poolVolume(s.name());
        PoolDirectory pool = origin.pool();
        require(pool, client, PoolRight.SNAPSHOT);
        checkNewName(s.snapshot());
        VolumeRecord made = pool.change(records -> {
            if (records.stream().anyMatch(x -> x.name().equals(s.snapshot()))) {
                throw refusal(Errno.EEXIST, "volume " + s.snapshot() + " already exists in pool " + pool.pool().name());
            }
            VolumeRecord source = records.stream().filter(x -> x.name().equals(s.name())).findFirst()
                    .orElseThrow(() -> refusal(Errno.ENOENT, "volume " + s.name() + " was deleted meanwhile"));
            checkQuota(pool, records, source.size());
            Path data = pool.dataFile(s.snapshot());
            try (NativeFile from = NativeFile.open(pool.dataFile(s.name()), true, false, false);
                 NativeFile to = NativeFile.open(data, false, true, false)) {
                to.truncate(0);
                // FICLONE writes the source's dirty pages back first: what the server acknowledged is in it.
                to.cloneFrom(from);
                to.fdatasync();
            } catch (NativeException e) {
                Files.deleteIfExists(data);
                if (e.errno() == LinuxErrno.EOPNOTSUPP || e.errno() == LinuxErrno.EINVAL
                        || e.errno() == LinuxErrno.ENOTTY || e.errno() == 18 /* EXDEV */) {
                    throw refusal(Errno.ENOTSUP, "no snapshot of " + s.name() + ": the file system of pool "
                            + pool.pool().name() + " (" + pool.pool().directory() + ") cannot make reflinks ("
                            + e.getMessage() + "); snapshots need XFS made with reflink=1, or btrfs");
                }
                throw e;
            }
            pool.syncDirectory();
            VolumeRecord record = new VolumeRecord(s.snapshot(), UUID.randomUUID(), source.size(), source.blockSize(),
                    false, true, source.name(), client);
            pool.write(record);
            return record;
        });
        Open opened = openVolume(pool, made);
        LOG.info("client {} made snapshot {} of volume {} in pool {}", client, s.snapshot(), s.name(),
                pool.pool().name());
        return new Reply.Managed(tag, Management.Snapshot.CODE, "snapshot " + s.snapshot() + " of " + s.name()
                + " made (read-only, " + ConfigValues.formatSize(made.size()) + ") on server " + serverName,
                List.of(usage(opened)));
    }

    private Reply delete(long tag, String client, Management.Delete d) throws ManagementRefusal, IOException {
        Open volume = poolVolume(d.name());
        PoolDirectory pool = volume.pool();
        require(pool, client, PoolRight.DELETE);
        List<String> others = users.othersThan(d.name(), client);
        if (!others.isEmpty()) {
            throw refusal(Errno.EBUSY, "volume " + d.name() + " not deleted: client(s) " + String.join(", ", others)
                    + " have it open on server " + serverName);
        }
        pool.change(records -> {
            if (records.stream().noneMatch(x -> x.name().equals(d.name()))) {
                throw refusal(Errno.ENOENT, "volume " + d.name() + " was deleted meanwhile");
            }
            pool.remove(d.name());
            return null;
        });
        open.remove(d.name());
        volume.served().gate().resume(); // held I/O of a paused volume fails on the closed store, not never
        volume.served().store().close();
        LOG.info("client {} deleted volume {} of pool {}", client, d.name(), pool.pool().name());
        return new Reply.Managed(tag, Management.Delete.CODE, "deleted " + d.name() + " from pool "
                + pool.pool().name() + " on server " + serverName, List.of());
    }

    private Reply throttle(long tag, String client, Management.Throttle t) throws ManagementRefusal, IOException {
        Open volume = poolVolume(t.name());
        PoolDirectory pool = volume.pool();
        require(pool, client, PoolRight.THROTTLE);
        VolumeLimit limit = t.limit();
        if (!limit.client().isEmpty() && !ConfigValues.isName(limit.client())) {
            throw refusal(Errno.EINVAL, "client name " + ConfigValues.namePhrase(limit.client()));
        }
        VolumeRecord limited = pool.change(records -> {
            VolumeRecord now = records.stream().filter(x -> x.name().equals(t.name())).findFirst()
                    .orElseThrow(() -> refusal(Errno.ENOENT, "volume " + t.name() + " was deleted meanwhile"));
            VolumeRecord next = now.withLimit(limit);
            pool.write(next);
            return next;
        });
        open.put(t.name(), new Open(pool, limited, volume.served()));
        volume.served().gate().limit(limited.limits());
        String whose = limit.client().isEmpty() ? "" : " for client " + limit.client();
        String what = limit.unlimited() ? "no longer limited" + whose : "limited" + whose + " to " + describe(limit);
        LOG.info("client {}: volume {} {}", client, t.name(), what);
        return new Reply.Managed(tag, Management.Throttle.CODE, t.name() + " " + what + " on server " + serverName,
                List.of(usage(open.get(t.name()))));
    }

    /** {@code 100 MiB/s, 2000 IOPS}; a dimension without limit is left out. */
    static String describe(VolumeLimit limit) {
        List<String> parts = new ArrayList<>();
        if (limit.bytesPerSecond() > 0) {
            parts.add(ConfigValues.formatSize(limit.bytesPerSecond()) + "/s");
        }
        if (limit.iops() > 0) {
            parts.add(limit.iops() + " IOPS");
        }
        return String.join(", ", parts);
    }

    /**
     * Pauses the named pool volumes at one instant, all or none (every name and right is
     * checked first), and answers once the I/O already let through has completed, or after
     * {@link #PAUSE_DRAIN_SECONDS} saying how much still runs (the pause stands either way).
     */
    private Reply pause(long tag, String client, Management.Pause p) throws ManagementRefusal, IOException,
            InterruptedException {
        List<Open> volumes = pausable(client, p.names());
        VolumeGate.pauseAll(volumes.stream().map(o -> o.served().gate()).toList());
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(PAUSE_DRAIN_SECONDS);
        int running = 0;
        for (Open o : volumes) {
            running += o.served().gate().awaitIdle(deadline);
        }
        String names = String.join(", ", volumes.stream().map(o -> o.record().name()).toList());
        LOG.info("client {} paused {}{}", client, names, running == 0 ? "" : " (" + running + " request(s) still running)");
        return new Reply.Managed(tag, Management.Pause.CODE, "paused " + names + " on server " + serverName
                + (running == 0 ? ": no I/O running, new I/O is held" : ": new I/O is held, but " + running
                + " request(s) let through before are still running after " + PAUSE_DRAIN_SECONDS + " s"),
                usages(volumes));
    }

    private Reply resume(long tag, String client, Management.Resume r) throws ManagementRefusal, IOException {
        List<Open> volumes = pausable(client, r.names());
        int held = 0;
        for (Open o : volumes) {
            held += o.served().gate().resume();
        }
        String names = String.join(", ", volumes.stream().map(o -> o.record().name()).toList());
        LOG.info("client {} resumed {} ({} held request(s) go on)", client, names, held);
        return new Reply.Managed(tag, Management.Resume.CODE, "resumed " + names + " on server " + serverName + ": "
                + held + " held request(s) go on", usages(volumes));
    }

    /** The named pool volumes, each once, after checking the right "pause" in each one's pool. */
    private List<Open> pausable(String client, List<String> names) throws ManagementRefusal {
        List<Open> volumes = new ArrayList<>();
        for (String name : new java.util.LinkedHashSet<>(names)) {
            Open o = poolVolume(name);
            require(o.pool(), client, PoolRight.PAUSE);
            volumes.add(o);
        }
        return volumes;
    }

    private static List<VolumeUsage> usages(List<Open> volumes) throws IOException {
        List<VolumeUsage> rows = new ArrayList<>();
        for (Open o : volumes) {
            rows.add(usage(o));
        }
        return rows;
    }

    private Reply statistics(long tag, String client, Management.Statistics st) throws ManagementRefusal {
        List<ServedVolume> all = new ArrayList<>(configured);
        open.values().forEach(o -> all.add(o.served()));
        List<VolumeStatistics> rows = new ArrayList<>();
        for (ServedVolume v : all) {
            if (v.allows(client) && (st.name().isEmpty() || v.name().equals(st.name()))) {
                rows.add(VolumeStatisticsReport.of(v));
            }
        }
        if (!st.name().isEmpty() && rows.isEmpty()) {
            throw refusal(Errno.ENOENT, "no volume " + st.name() + " on server " + serverName + " for client " + client);
        }
        return new Reply.ManagedStatistics(tag, rows.size() + " volume(s) on server " + serverName, rows);
    }

    private Reply usage(long tag, String client) throws IOException {
        List<VolumeUsage> rows = new ArrayList<>();
        for (ServedVolume v : configured) {
            if (v.allows(client)) {
                long allocated = v.store() instanceof FileVolumeStore f && !f.isBlockDevice() ? f.allocatedBytes()
                        : v.info().size();
                rows.add(new VolumeUsage(v.info().name(), "", v.info().size(), allocated, v.info().readOnly(), false,
                        ""));
            }
        }
        for (Open o : open.values()) {
            if (o.served().allows(client)) {
                rows.add(usage(o));
            }
        }
        return new Reply.Managed(tag, Management.Usage.CODE, rows.size() + " volume(s)", rows);
    }

    private static VolumeUsage usage(Open o) throws IOException {
        VolumeRecord r = o.record();
        return new VolumeUsage(r.name(), o.pool().pool().name(), o.store().size(), o.store().allocatedBytes(),
                r.readOnly(), r.thick(), r.origin());
    }

    /** Reads every pool directory again: volumes made, resized or deleted by any server sharing it. */
    private void refresh() {
        for (PoolDirectory pool : pools) {
            List<VolumeRecord> records;
            try {
                records = pool.read();
            } catch (IOException e) {
                LOG.warn("pool {}: not read ({}); its volumes stay as they were", pool.pool().name(), e.getMessage());
                continue;
            }
            List<String> names = records.stream().map(VolumeRecord::name).toList();
            for (var it = open.values().iterator(); it.hasNext(); ) {
                Open o = it.next();
                if (o.pool() == pool && !names.contains(o.record().name())) {
                    LOG.info("pool {}: volume {} was deleted by another server", pool.pool().name(), o.record().name());
                    o.served().gate().resume();
                    o.served().store().close();
                    it.remove();
                }
            }
            for (VolumeRecord record : records) {
                Open known = open.get(record.name());
                if (known == null) {
                    try {
                        openVolume(pool, record);
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("pool {}: volume {} not opened: {}", pool.pool().name(), record.name(), e.getMessage());
                    }
                } else if (known.pool() == pool && !known.record().equals(record)) {
                    // Another server grew it or changed its limits.
                    if (known.store().size() != record.size()) {
                        known.store().adoptSize(record.size());
                    }
                    known.served().gate().limit(record.limits());
                    open.put(record.name(), new Open(pool, record, known.served()));
                }
            }
        }
        publish();
    }

    private Open openVolume(PoolDirectory pool, VolumeRecord record) throws IOException {
        if (configured.stream().anyMatch(v -> v.name().equals(record.name()))) {
            throw new IOException("a [volume] of rssrvcfg has the same name");
        }
        Open other = open.get(record.name());
        if (other != null && other.pool() != pool) {
            throw new IOException("pool " + other.pool().pool().name() + " has a volume of the same name");
        }
        FileVolumeStore store = FileVolumeStore.open(record.name(), pool.dataFile(record.name()),
                OptionalLong.of(record.size()), record.blockSize(), record.readOnly());
        VolumeInfo info = new VolumeInfo(record.name(), store.size(), store.blockSize(), pool.pool().device(),
                record.id(), record.readOnly());
        Open o = new Open(pool, record, new ServedVolume(info, store, pool.pool().access()));
        o.served().gate().limit(record.limits());
        open.put(record.name(), o);
        return o;
    }

    private PoolDirectory pool(String name) throws ManagementRefusal {
        if (name.isEmpty() && pools.size() == 1) {
            return pools.getFirst();
        }
        return pools.stream().filter(p -> p.pool().name().equals(name)).findFirst()
                .orElseThrow(() -> refusal(Errno.ENOENT, (name.isEmpty() ? "no pool named (server " + serverName
                        + " has " + pools.size() + " pools; name one)" : "no pool " + name + " on server " + serverName)
                        + (pools.isEmpty() ? "; it has no [pool] in rssrvcfg" : " (pools: "
                        + String.join(", ", pools.stream().map(p -> p.pool().name()).toList()) + ")")));
    }

    private Open poolVolume(String name) throws ManagementRefusal {
        Open o = open.get(name);
        if (o != null) {
            return o;
        }
        if (configured.stream().anyMatch(v -> v.name().equals(name))) {
            throw refusal(Errno.EPERM, "volume " + name + " is a [volume] of rssrvcfg on server " + serverName
                    + ", not a pool volume: only the server's administrator changes it");
        }
        throw refusal(Errno.ENOENT, "no pool volume " + name + " on server " + serverName);
    }

    private void require(PoolDirectory pool, String client, PoolRight right) throws ManagementRefusal {
        if (!pool.pool().grants(client, right)) {
            throw refusal(Errno.EACCES, "client " + client + " lacks the right \"" + right.key() + "\" in pool "
                    + pool.pool().name() + " (rssrvcfg of server " + serverName + ", [pool " + pool.pool().name()
                    + "] " + right.key() + " =)");
        }
    }

    private void checkNewName(String name) throws ManagementRefusal {
        if (!ConfigValues.isName(name)) {
            throw refusal(Errno.EINVAL, "volume name " + ConfigValues.namePhrase(name));
        }
        if (configured.stream().anyMatch(v -> v.name().equals(name)) || open.containsKey(name)) {
            throw refusal(Errno.EEXIST, "volume " + name + " already exists on server " + serverName);
        }
    }

    private static void checkSize(long size, int blockSize) throws ManagementRefusal {
        if (size <= 0 || size % blockSize != 0) {
            throw refusal(Errno.EINVAL, "size " + size + " must be a positive multiple of the block size " + blockSize);
        }
    }

    private static void checkQuota(PoolDirectory pool, List<VolumeRecord> records, long more) throws ManagementRefusal {
        Optional<Long> quota = pool.pool().quota().isPresent() ? Optional.of(pool.pool().quota().getAsLong())
                : Optional.empty();
        long provisioned = records.stream().mapToLong(VolumeRecord::size).sum();
        if (quota.isPresent() && provisioned + more > quota.get()) {
            throw refusal(Errno.ENOSPC, "pool " + pool.pool().name() + " has a quota of "
                    + ConfigValues.formatSize(quota.get()) + ", " + ConfigValues.formatSize(provisioned)
                    + " provisioned; " + ConfigValues.formatSize(more) + " more does not fit");
        }
    }

    private static void preallocate(NativeFile file, long offset, long length, PoolDirectory pool)
            throws IOException, ManagementRefusal {
        try {
            file.preallocate(offset, length);
        } catch (NativeException e) {
            if (e.errno() == LinuxErrno.EOPNOTSUPP) {
                throw refusal(Errno.ENOTSUP, "--thick: the file system of pool "
                        + pool.pool().name() + " cannot preallocate (" + e.getMessage() + ")");
            }
            if (e.errno() == 28) {
                throw refusal(Errno.ENOSPC, "--thick: no room for "
                        + ConfigValues.formatSize(length) + " in pool " + pool.pool().name());
            }
            throw e;
        }
    }

    private static ManagementRefusal refusal(Errno status, String reason) {
        return new ManagementRefusal(status, reason);
    }

    private static String describe(Management operation) {
        return switch (operation) {
            case Management.Create c -> "create " + c.name();
            case Management.Resize r -> "resize " + r.name();
            case Management.Snapshot s -> "snapshot " + s.snapshot() + " of " + s.name();
            case Management.Delete d -> "delete " + d.name();
            case Management.Usage u -> "usage";
            case Management.Throttle t -> "throttle " + t.name();
            case Management.Statistics st -> "statistics";
            case Management.Pause p -> "pause " + String.join(", ", p.names());
            case Management.Resume r -> "resume " + String.join(", ", r.names());
        };
    }

    @Override
    public void close() {
        worker.shutdown();
        try {
            if (!worker.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        published = List.of();
        for (Open o : open.values()) {
            try {
                o.served().store().close();
            } catch (RuntimeException ignored) {
                // closing at shutdown: nothing left to tell a client
            }
        }
        open.clear();
    }
}
