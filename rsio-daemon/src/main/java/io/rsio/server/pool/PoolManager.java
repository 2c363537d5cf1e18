package io.rsio.server.pool;

import io.rsio.block.Errno;
import io.rsio.common.NamedThreads;
import io.rsio.config.ConfigValues;
import io.rsio.config.ServerConfig;
import io.rsio.config.ServerConfig.PoolRight;
import io.rsio.server.store.FileVolumeStore;
import io.rsio.server.store.RbdVolumeStore;
import io.rsio.server.store.ServedVolume;
import io.rsio.server.store.VolumeStore;
import io.rsio.wire.Opcode;
import io.rsio.wire.message.CopyJob;
import io.rsio.wire.message.Management;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.VolumeInfo;
import io.rsio.wire.message.VolumeUsage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The pools of this server and the volumes made in them at run time (docs/VOLUMES.md):
 * opens them for serving, follows what other servers sharing a pool changed (its records, in
 * a directory or an RBD pool's catalog, are read again before every LIST, an OPEN of an unknown
 * name, and every management request), and carries out management requests after checking the
 * client's rights. Where the records and data live is the pool's {@link PoolStorage}.
 *
 * <p>Threads: everything that reads pools, waits for a pool lock or changes the open volumes
 * runs on one thread ("rssrv-manage"), so an event loop never waits for a disk, the Ceph
 * cluster or another server's lock; event loops read {@link #volumes()}, a published snapshot.
 *
 * <p>Why it is long: each operation (create, resize, snapshot, delete, usage) is a short,
 * ordered sequence of steps under the pool's lock whose order is what makes a crash at any
 * step leave a readable pool (docs/VOLUMES.md); the storage's steps, the records and the open-volume
 * bookkeeping are their own classes, and so are the operations on a volume's I/O (limits, pause,
 * statistics: {@link VolumeIoControls}), which change no files but the limits in a record, the
 * copies made on the server ({@link VolumeCopies}) and the open markers of shared pools
 * ({@link OpenMarkers}); what stays here is the open-volume bookkeeping they all share.
 */
public final class PoolManager implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(PoolManager.class);

    private final String serverName;
    private final List<PoolStorage> pools = new ArrayList<>();
    private final List<ServedVolume> configured;
    private final VolumeUsers users;
    /** Touched only by the management thread (and the constructor and close). */
    private final Map<String, PoolVolume> open = new LinkedHashMap<>();
    private volatile List<ServedVolume> published = List.of();
    /** Management requests wait for disks and pool locks: never on an event loop. */
    private final ExecutorService worker = Executors.newSingleThreadExecutor(new NamedThreads("rssrv-manage"));
    /** Limits, pauses and statistics: the operations on a volume's I/O rather than its files. */
    private final VolumeIoControls controls;
    /** Copies made on the server: to new volumes, to files, snapshots without reflinks. */
    private final VolumeCopies copies;
    /** The per-server files saying which volumes clients have open here (shared pools). */
    private final OpenMarkers markers;

    public PoolManager(ServerConfig config, List<ServedVolume> configured, VolumeUsers users) throws IOException {
        this.serverName = config.server().name();
        this.configured = List.copyOf(configured);
        this.users = users;
        this.controls = new VolumeIoControls(serverName, config.clients().stream().map(ServerConfig.Client::name)
                .toList(), this::poolVolume, v -> open.put(v.record().name(), v), this::servedVolumes);
        try {
            for (ServerConfig.Pool pool : config.pools()) {
                PoolStorage storage = pool.rbd().isPresent() ? RbdPoolStorage.connect(pool, serverName)
                        : new PoolDirectory(pool);
                pools.add(storage);
                LOG.info("pool {}: {}{}", pool.name(), storage.where(), pool.quota().isPresent()
                        ? ", quota " + ConfigValues.formatSize(pool.quota().getAsLong()) : "");
            }
        } catch (IOException | RuntimeException e) {
            pools.forEach(PoolStorage::close);
            throw e;
        }
        copies = new VolumeCopies(serverName, this);
        markers = new OpenMarkers(serverName);
        for (PoolDirectory pool : directories()) {
            copies.removeUnfinished(pool);
            markers.start(pool);
        }
        refresh();
        if (!pools.isEmpty()) {
            users.onChange(this::markOpenSoon);
        }
    }

    /**
     * The pools that are directories: copies and open markers are files beside the volumes' (an
     * RBD pool refuses copies; its images are held open by librbd, which refuses their removal).
     */
    private List<PoolDirectory> directories() {
        return pools.stream().filter(PoolDirectory.class::isInstance).map(PoolDirectory.class::cast).toList();
    }

    private final java.util.concurrent.atomic.AtomicBoolean markPending = new java.util.concurrent.atomic.AtomicBoolean();

    /** Opens or closes happened (on an event loop): the pools' open markers follow on the management thread. */
    private void markOpenSoon() {
        if (markPending.compareAndSet(false, true)) {
            try {
                worker.execute(() -> {
                    markPending.set(false);
                    markOpen();
                });
            } catch (RejectedExecutionException e) {
                markPending.set(false); // shutting down
            }
        }
    }

    /** This server's open pool volumes and their clients, into each pool's open marker (management thread). */
    private void markOpen() {
        Map<String, List<String>> all = users.snapshot();
        for (PoolDirectory pool : directories()) {
            Map<String, List<String>> mine = new java.util.TreeMap<>();
            all.forEach((volume, clients) -> {
                PoolVolume v = open.get(volume);
                if (v != null && v.pool() == pool) {
                    mine.put(volume, clients);
                }
            });
            markers.update(pool, mine);
        }
    }

    /** The pool volumes as of the last reading of the pools; no I/O. */
    public List<ServedVolume> volumes() {
        return published;
    }

    /** True when rssrvcfg has no [pool]: nothing to read again, ever. */
    public boolean isEmpty() {
        return pools.isEmpty();
    }

    /** Reads the pools again on the management thread, then runs {@code then} (there). */
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
                case Management.Throttle t -> controls.throttle(tag, client, t);
                case Management.Statistics st -> controls.statistics(tag, client, st);
                case Management.Pause p -> controls.pause(tag, client, p);
                case Management.Resume r -> controls.resume(tag, client, r);
                case Management.Copy c -> copy(tag, client, c);
                case Management.Jobs j -> copies.jobs(tag, client, directories());
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
        published = open.values().stream().map(PoolVolume::served).toList();
    }

    private Reply create(long tag, String client, Management.Create c) throws ManagementRefusal, IOException {
        PoolStorage pool = pool(c.pool());
        pool.require(client, PoolRight.CREATE, serverName);
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
            pool.createData(record);
            pool.write(record);
            return record;
        });
        PoolVolume opened = openVolume(pool, made);
        LOG.info("client {} created volume {} in pool {}: {} bytes, {}", client, c.name(), pool.pool().name(),
                c.size(), c.thick() ? "thick" : "thin");
        return new Reply.Managed(tag, Management.Create.CODE, "created " + c.name() + " in pool " + pool.pool().name()
                + ": "
                + ConfigValues.formatSize(c.size()) + (c.thick() ? " thick" : " thin") + " on server " + serverName,
                List.of(opened.usage()));
    }

    private Reply resize(long tag, String client, Management.Resize r) throws ManagementRefusal, IOException {
        PoolVolume volume = poolVolume(r.name());
        PoolStorage pool = volume.pool();
        pool.require(client, PoolRight.GROW, serverName);
        if (volume.record().readOnly()) {
            throw refusal(Errno.EROFS, "volume " + r.name() + " is a snapshot (read-only): its size is fixed");
        }
        checkSize(r.size(), volume.record().blockSize());
        VolumeRecord resized = pool.change(records -> {
            VolumeRecord now = records.stream().filter(x -> x.name().equals(r.name())).findFirst()
                    .orElseThrow(() -> refusal(Errno.ENOENT, "volume " + r.name() + " was deleted meanwhile"));
            if (r.size() < now.size()) {
                if (pool instanceof PoolDirectory directory) {
                    markers.refuseIfOpenElsewhere(directory, r.name(), "shrunk");
                }
                if (pool instanceof PoolDirectory directory && copies.reading(directory, r.name())) {
                    throw refusal(Errno.EBUSY, "volume " + r.name() + " not shrunk: a copy of it is running on server "
                            + serverName + " (rsconfig -m jobs)");
                }
                List<String> others = users.othersThan(r.name(), client);
                if (!others.isEmpty()) {
                    throw refusal(Errno.EBUSY, "volume " + r.name() + " not shrunk: client(s) " + String.join(", ", others)
                            + " have it open on server " + serverName);
                }
            } else {
                checkQuota(pool, records, r.size() - now.size());
            }
            pool.resizeData(now, r.size(), volume.store());
            VolumeRecord next = now.withSize(r.size());
            pool.write(next);
            return next;
        });
        long before = volume.record().size();
        open.put(r.name(), new PoolVolume(pool, resized, volume.served()));
        pool.adoptSize(volume.store(), resized.size());
        LOG.info("client {} resized volume {} from {} to {} bytes", client, r.name(), before, resized.size());
        return new Reply.Managed(tag, Management.Resize.CODE, (resized.size() >= before ? "grew " : "shrank ")
                + r.name() + " from " + ConfigValues.formatSize(before) + " to "
                + ConfigValues.formatSize(resized.size()) + " on server " + serverName,
                List.of(open.get(r.name()).usage()));
    }

    private Reply.Managed snapshot(long tag, String client, Management.Snapshot s) throws ManagementRefusal,
            IOException {
        PoolVolume origin = poolVolume(s.name());
        PoolStorage pool = origin.pool();
        pool.require(client, PoolRight.SNAPSHOT, serverName);
        checkNewName(s.snapshot());
        VolumeRecord made = pool.change(records -> {
            if (records.stream().anyMatch(x -> x.name().equals(s.snapshot()))) {
                throw refusal(Errno.EEXIST, "volume " + s.snapshot() + " already exists in pool " + pool.pool().name());
            }
            VolumeRecord source = records.stream().filter(x -> x.name().equals(s.name())).findFirst()
                    .orElseThrow(() -> refusal(Errno.ENOENT, "volume " + s.name() + " was deleted meanwhile"));
            checkQuota(pool, records, source.size());
            VolumeRecord record = new VolumeRecord(s.snapshot(), UUID.randomUUID(), source.size(), source.blockSize(),
                    false, true, source.name(), client);
            pool.snapshotData(source, record);
            pool.write(record);
            return record;
        });
        PoolVolume opened = openVolume(pool, made);
        LOG.info("client {} made snapshot {} of volume {} in pool {}", client, s.snapshot(), s.name(),
                pool.pool().name());
        return new Reply.Managed(tag, Management.Snapshot.CODE, "snapshot " + s.snapshot() + " of " + s.name()
                + " made (read-only, " + ConfigValues.formatSize(made.size()) + ") on server " + serverName,
                List.of(opened.usage()));
    }

    /**
     * COPY: the server's copies are files beside a directory pool's volumes ({@link VolumeCopies});
     * an RBD pool makes a snapshot its own way (an RBD snapshot and a clone, instant, so its job is
     * done when answered) and has no other copies yet.
     */
    private Reply copy(long tag, String client, Management.Copy c) throws ManagementRefusal, IOException,
            InterruptedException {
        PoolStorage pool = poolVolume(c.name()).pool();
        if (pool instanceof PoolDirectory) {
            return copies.copy(tag, client, c);
        }
        if (c.kind() == CopyJob.Kind.SNAPSHOT) {
            // answered as COPY always is (docs/PROTOCOL.md §3.6): a job already DONE, as for a reflink
            Reply.Managed made = snapshot(tag, client, new Management.Snapshot(c.name(), c.target()));
            return copies.madeAtOnce(tag, c, pool.pool().name(), client, poolVolume(c.name()).record().size(),
                    made.message());
        }
        throw refusal(Errno.ENOTSUP, "no " + c.kind().word + " copy of " + c.name() + ": pool " + pool.pool().name()
                + " is an RBD pool, where copies are not built yet (snapshots are: rsconfig -S)");
    }

    private Reply delete(long tag, String client, Management.Delete d) throws ManagementRefusal, IOException {
        if (!open.containsKey(d.name())) {
            Optional<Reply> unfinished = copies.deleteUnfinished(tag, client, directories(), d.name());
            if (unfinished.isPresent()) {
                return unfinished.get();
            }
        }
        PoolVolume volume = poolVolume(d.name());
        PoolStorage pool = volume.pool();
        pool.require(client, PoolRight.DELETE, serverName);
        List<String> others = users.othersThan(d.name(), client);
        if (!others.isEmpty()) {
            throw refusal(Errno.EBUSY, "volume " + d.name() + " not deleted: client(s) " + String.join(", ", others)
                    + " have it open on server " + serverName);
        }
        pool.change(records -> {
            VolumeRecord now = records.stream().filter(x -> x.name().equals(d.name())).findFirst()
                    .orElseThrow(() -> refusal(Errno.ENOENT, "volume " + d.name() + " was deleted meanwhile"));
            if (pool instanceof PoolDirectory directory) {
                markers.refuseIfOpenElsewhere(directory, d.name(), "deleted");
            }
            pool.remove(now, records, () -> close(volume));
            return null;
        });
        open.remove(d.name());
        LOG.info("client {} deleted volume {} of pool {}", client, d.name(), pool.pool().name());
        return new Reply.Managed(tag, Management.Delete.CODE, "deleted " + d.name() + " from pool "
                + pool.pool().name() + " on server " + serverName, List.of());
    }

    /** Stops serving a pool volume: held I/O of a paused one goes on (and fails on the closed store). */
    private static void close(PoolVolume volume) {
        volume.served().gate().resume();
        volume.served().store().close();
    }

    /** A volume a copy made whole (a reflink): served at once. Management thread only. */
    void opened(PoolDirectory pool, VolumeRecord record) throws IOException {
        openVolume(pool, record);
    }

    /** Reads the pool directories again soon, on the management thread: a background copy completed. */
    void refreshSoon() {
        try {
            worker.execute(this::refresh);
        } catch (RejectedExecutionException e) {
            // shutting down
        }
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
        for (PoolVolume o : open.values()) {
            if (o.served().allows(client)) {
                rows.add(o.usage());
            }
        }
        return new Reply.Managed(tag, Management.Usage.CODE, rows.size() + " volume(s)", rows);
    }

    /** Reads every pool again: volumes made, resized or deleted by any server sharing it. */
    private void refresh() {
        for (PoolStorage pool : pools) {
            List<VolumeRecord> records;
            try {
                records = pool.read();
            } catch (IOException e) {
                LOG.warn("pool {}: not read ({}); its volumes stay as they were", pool.pool().name(), e.getMessage());
                continue;
            }
            // A volume is its identity, not its name: one deleted and made again (or being copied in
            // again) under the same name since the last reading is another file, opened anew.
            java.util.Set<UUID> whole = new java.util.HashSet<>();
            records.stream().filter(r -> !r.copying()).forEach(r -> whole.add(r.id()));
            for (var it = open.values().iterator(); it.hasNext(); ) {
                PoolVolume o = it.next();
                if (o.pool() == pool && !whole.contains(o.record().id())) {
                    LOG.info("pool {}: volume {} was deleted by another server", pool.pool().name(), o.record().name());
                    close(o);
                    it.remove();
                }
            }
            for (VolumeRecord record : records) {
                if (record.copying()) {
                    continue; // reserved, not served, until its copy completes
                }
                PoolVolume known = open.get(record.name());
                if (known == null) {
                    try {
                        openVolume(pool, record);
                    } catch (IOException | RuntimeException e) {
                        LOG.warn("pool {}: volume {} not opened: {}", pool.pool().name(), record.name(), e.getMessage());
                    }
                } else if (known.pool() == pool && !known.record().equals(record)) {
                    // Another server grew it or changed its limits.
                    if (known.store().size() != record.size()) {
                        try {
                            pool.adoptSize(known.store(), record.size());
                        } catch (IOException e) {
                            LOG.warn("pool {}: volume {}: new size not read: {}", pool.pool().name(), record.name(),
                                    e.getMessage());
                        }
                    }
                    known.served().gate().limit(record.limits());
                    open.put(record.name(), new PoolVolume(pool, record, known.served()));
                }
            }
        }
        publish();
    }

    private PoolVolume openVolume(PoolStorage pool, VolumeRecord record) throws IOException {
        if (configured.stream().anyMatch(v -> v.name().equals(record.name()))) {
            throw new IOException("a [volume] of rssrvcfg has the same name");
        }
        PoolVolume other = open.get(record.name());
        if (other != null && other.pool() != pool) {
            throw new IOException("pool " + other.pool().pool().name() + " has a volume of the same name");
        }
        VolumeStore store = pool.open(record);
        // RBD gateways serve an image one at a time (docs/SCALE-OUT.md), as for an RBD [volume].
        VolumeInfo info = new VolumeInfo(record.name(), store.size(), store.blockSize(), pool.pool().device(),
                record.id(), record.readOnly(), store instanceof RbdVolumeStore);
        PoolVolume o = new PoolVolume(pool, record, new ServedVolume(info, store, pool.pool().access()));
        o.served().gate().limit(record.limits());
        open.put(record.name(), o);
        return o;
    }

    private PoolStorage pool(String name) throws ManagementRefusal {
        if (name.isEmpty() && pools.size() == 1) {
            return pools.getFirst();
        }
        return pools.stream().filter(p -> p.pool().name().equals(name)).findFirst()
                .orElseThrow(() -> refusal(Errno.ENOENT, (name.isEmpty() ? "no pool named (server " + serverName
                        + " has " + pools.size() + " pools; name one)" : "no pool " + name + " on server " + serverName)
                        + (pools.isEmpty() ? "; it has no [pool] in rssrvcfg" : " (pools: "
                        + String.join(", ", pools.stream().map(p -> p.pool().name()).toList()) + ")")));
    }

    /** Every volume of this server: the [volume]s of rssrvcfg, then the pools'. */
    private List<ServedVolume> servedVolumes() {
        List<ServedVolume> all = new ArrayList<>(configured);
        open.values().forEach(o -> all.add(o.served()));
        return all;
    }

    PoolVolume poolVolume(String name) throws ManagementRefusal {
        PoolVolume o = open.get(name);
        if (o != null) {
            return o;
        }
        if (configured.stream().anyMatch(v -> v.name().equals(name))) {
            throw refusal(Errno.EPERM, "volume " + name + " is a [volume] of rssrvcfg on server " + serverName
                    + ", not a pool volume: only the server's administrator changes it");
        }
        throw refusal(Errno.ENOENT, "no pool volume " + name + " on server " + serverName);
    }

    void checkNewName(String name) throws ManagementRefusal {
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

    static void checkQuota(PoolStorage pool, List<VolumeRecord> records, long more) throws ManagementRefusal {
        Optional<Long> quota = pool.pool().quota().isPresent() ? Optional.of(pool.pool().quota().getAsLong())
                : Optional.empty();
        long provisioned = records.stream().mapToLong(VolumeRecord::size).sum();
        if (quota.isPresent() && provisioned + more > quota.get()) {
            throw refusal(Errno.ENOSPC, "pool " + pool.pool().name() + " has a quota of "
                    + ConfigValues.formatSize(quota.get()) + ", " + ConfigValues.formatSize(provisioned)
                    + " provisioned; " + ConfigValues.formatSize(more) + " more does not fit");
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
            case Management.Copy c -> c.kind().word + " copy of " + c.name() + " to " + c.target();
            case Management.Jobs j -> "jobs";
        };
    }

    @Override
    public void close() {
        copies.close();
        worker.shutdown();
        directories().forEach(markers::remove);
        try {
            if (!worker.awaitTermination(10, java.util.concurrent.TimeUnit.SECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        published = List.of();
        for (PoolVolume o : open.values()) {
            try {
                o.served().store().close();
            } catch (RuntimeException ignored) {
                // closing at shutdown: nothing left to tell a client
            }
        }
        open.clear();
        pools.forEach(PoolStorage::close);
    }
}
