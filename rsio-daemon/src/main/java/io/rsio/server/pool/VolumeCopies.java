package io.rsio.server.pool;

import io.rsio.block.Errno;
import io.rsio.config.ConfigValues;
import io.rsio.config.ServerConfig.PoolRight;
import io.rsio.nativeio.LinuxErrno;
import io.rsio.nativeio.NativeException;
import io.rsio.nativeio.NativeFile;
import io.rsio.wire.message.CopyJob;
import io.rsio.wire.message.Management;
import io.rsio.wire.message.Reply;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Copies of pool volumes made on the server, no data crossing the network (docs/VOLUMES.md,
 * "Copies"): to a new volume, to a file in the pool ("LAN-less backup"), or as a snapshot
 * where the pool has no reflinks. A reflink (FICLONE) makes any of them at once; otherwise the
 * target is reserved under the pool lock (a volume's {@code .vol} says {@code copying = SERVER};
 * a file is written as {@code .FILE.part-SERVER}) and a {@link CopyJobs} thread copies the
 * data ranges (SEEK_DATA/SEEK_HOLE, copy_file_range), then completes it under the lock again.
 * A restarted server removes what its unfinished copies left.
 */
final class VolumeCopies implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(VolumeCopies.class);
    /** One copy_file_range at a time: progress and cancellation are seen this often. */
    private static final long CHUNK = 8L << 20;
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);
    static final String BACKUP_SUFFIX = ".raw";

    private final String serverName;
    private final PoolManager manager;
    private final CopyJobs jobs = new CopyJobs();

    VolumeCopies(String serverName, PoolManager manager) {
        this.serverName = serverName;
        this.manager = manager;
    }

    /** True when a FICLONE failed because the file system has no reflinks (rather than for a real error). */
    static boolean noReflinks(NativeException e) {
        return e.errno() == LinuxErrno.EOPNOTSUPP || e.errno() == LinuxErrno.EINVAL || e.errno() == LinuxErrno.ENOTTY
                || e.errno() == 18 /* EXDEV */;
    }

    Reply copy(long tag, String client, Management.Copy c) throws ManagementRefusal, IOException {
        PoolVolume origin = manager.poolVolume(c.name());
        PoolDirectory pool = (PoolDirectory) origin.pool(); // PoolManager.copy sends only a directory pool's
        pool.require(client, c.kind() == CopyJob.Kind.SNAPSHOT ? PoolRight.SNAPSHOT : PoolRight.COPY, serverName);
        CopyJobs.Job job = c.kind() == CopyJob.Kind.FILE ? toFile(client, pool, c.name(), c.target())
                : toVolume(client, pool, c);
        String what = c.kind() == CopyJob.Kind.SNAPSHOT ? "snapshot " + job.target + " of " + c.name()
                : "copy of " + c.name() + " to " + c.kind().word + " " + job.target;
        String message = job.reflink ? what + " made (reflink, " + ConfigValues.formatSize(job.total) + ") on server "
                + serverName : what + " started on server " + serverName + " as job " + job.id + ": copying "
                + ConfigValues.formatSize(job.total) + " in the background (rsconfig -m jobs)";
        return new Reply.ManagedJobs(tag, Management.Copy.CODE, message, List.of(job.view()));
    }

    /** The answer to a COPY another way made whole at once (an RBD snapshot): a job listed as done. */
    Reply madeAtOnce(long tag, Management.Copy c, String poolName, String client, long size, String message) {
        CopyJobs.Job job = jobs.done(c.kind(), poolName, c.name(), c.target(), client, size);
        return new Reply.ManagedJobs(tag, Management.Copy.CODE, message, List.of(job.view()));
    }

    Reply jobs(long tag, String client, List<PoolDirectory> pools) {
        List<CopyJob> visible = jobs.list(name -> pools.stream().anyMatch(p -> p.pool().name().equals(name)
                && p.pool().allows(client)));
        return new Reply.ManagedJobs(tag, Management.Jobs.CODE, visible.size() + " job(s) on server " + serverName,
                visible);
    }

    /** True while a copy of this server reads the volume (a shrink would cut its source). */
    boolean reading(PoolDirectory pool, String volume) {
        return jobs.reading(pool.pool().name(), volume);
    }

    /**
     * Deletes {@code name} if it is a volume still being copied in (right "delete"): its
     * reservation and data go, and the copy, if this server runs it, is cancelled (one on
     * another server finds its volume gone when it completes). Empty when no pool has such a volume.
     */
    Optional<Reply> deleteUnfinished(long tag, String client, List<PoolDirectory> pools, String name)
            throws ManagementRefusal, IOException {
        for (PoolDirectory pool : pools) {
            if (pool.read().stream().noneMatch(r -> r.name().equals(name) && r.copying())) {
                continue;
            }
            pool.require(client, PoolRight.DELETE, serverName);
            pool.change(records -> {
                if (records.stream().noneMatch(x -> x.name().equals(name))) {
                    throw new ManagementRefusal(Errno.ENOENT, "volume " + name + " was deleted meanwhile");
                }
                pool.remove(name);
                return null;
            });
            jobs.cancel(pool.pool().name(), name, "deleted by client " + client);
            LOG.info("client {} deleted volume {} of pool {} before its copy completed", client, name,
                    pool.pool().name());
            return Optional.of(new Reply.Managed(tag, Management.Delete.CODE, "deleted " + name + " (its copy was not"
                    + " complete) from pool " + pool.pool().name() + " on server " + serverName, List.of()));
        }
        return Optional.empty();
    }

    /**
     * At start: removes the volumes this server was copying when it stopped (their records say
     * {@code copying = } this server) and its {@code .part-SERVER} files; a copy is not resumed.
     */
    void removeUnfinished(PoolDirectory pool) throws IOException {
        try {
            pool.change(records -> {
                for (VolumeRecord r : records) {
                    if (r.copyingBy().equals(serverName)) {
                        LOG.warn("pool {}: volume {} was being copied when server {} stopped: removed", pool.pool()
                                .name(), r.name(), serverName);
                        pool.remove(r.name());
                    }
                }
                try (DirectoryStream<Path> parts = Files.newDirectoryStream(pool.pool().directory(),
                        ".*" + partSuffix())) {
                    for (Path part : parts) {
                        LOG.warn("pool {}: unfinished backup {} removed", pool.pool().name(), part.getFileName());
                        Files.delete(part);
                    }
                }
                pool.syncDirectory();
                return null;
            });
        } catch (ManagementRefusal e) {
            throw new IOException(e.getMessage());
        }
    }

    private String partSuffix() {
        return ".part-" + serverName;
    }

    private CopyJobs.Job toVolume(String client, PoolDirectory pool, Management.Copy c)
            throws ManagementRefusal, IOException {
        boolean snapshot = c.kind() == CopyJob.Kind.SNAPSHOT;
        manager.checkNewName(c.target());
        boolean[] reflinked = {false};
        VolumeRecord made = pool.change(records -> {
            if (records.stream().anyMatch(x -> x.name().equals(c.target()))) {
                throw new ManagementRefusal(Errno.EEXIST, "volume " + c.target() + " already exists in pool "
                        + pool.pool().name());
            }
            VolumeRecord source = source(records, c.name());
            PoolManager.checkQuota(pool, records, source.size());
            Path data = pool.dataFile(c.target());
            reflinked[0] = startCopy(pool.dataFile(c.name()), data, source.size());
            VolumeRecord record = new VolumeRecord(c.target(), UUID.randomUUID(), source.size(), source.blockSize(),
                    false, snapshot, snapshot ? source.name() : "", client);
            pool.write(reflinked[0] ? record : record.copyingBy(serverName));
            return record;
        });
        String poolName = pool.pool().name();
        if (reflinked[0]) {
            manager.opened(pool, made);
            LOG.info("client {}: {} {} of volume {} in pool {} made by reflink", client, c.kind().word, c.target(),
                    c.name(), poolName);
            return jobs.done(c.kind(), poolName, c.name(), c.target(), client, made.size());
        }
        LOG.info("client {}: {} {} of volume {} in pool {}: background copy of {} bytes", client, c.kind().word,
                c.target(), c.name(), poolName, made.size());
        return jobs.start(c.kind(), poolName, c.name(), c.target(), client, made.size(), job -> {
            try {
                copyData(pool.dataFile(c.name()), pool.dataFile(c.target()), made.size(), job);
                boolean ours = pool.change(records -> {
                    Optional<VolumeRecord> now = mine(records, made);
                    if (now.isPresent()) {
                        pool.write(now.get().copyingBy(""));
                    }
                    return now.isPresent();
                });
                if (!ours) {
                    throw new CopyJobs.Cancelled("volume " + c.target() + " was deleted meanwhile");
                }
            } catch (Exception e) {
                pool.change(records -> {
                    if (mine(records, made).isPresent()) {
                        pool.remove(c.target()); // a failed copy leaves nothing
                    }
                    return null;
                });
                throw e;
            } finally {
                manager.refreshSoon();
            }
        });
    }

    /** The record of the volume this copy reserved, if it is still there (not deleted, nor deleted and made anew). */
    private Optional<VolumeRecord> mine(List<VolumeRecord> records, VolumeRecord made) {
        return records.stream().filter(r -> r.id().equals(made.id()) && r.copyingBy().equals(serverName)).findFirst();
    }

    private CopyJobs.Job toFile(String client, PoolDirectory pool, String volume, String target)
            throws ManagementRefusal, IOException {
        String file = target.isEmpty() ? volume + ".backup-" + STAMP.format(Instant.now()) + BACKUP_SUFFIX : target;
        if (!ConfigValues.isName(file) || file.startsWith(".") || file.endsWith(VolumeRecord.DATA_SUFFIX)
                || file.endsWith(VolumeRecord.SUFFIX) || file.endsWith(".tmp") || file.contains(".part-")) {
            throw new ManagementRefusal(Errno.EINVAL, "backup file name " + file + ": letters, digits, _ . - (up to 64),"
                    + " not starting with '.' nor ending in .img, .vol or .tmp (the pool's own files)");
        }
        Path destination = pool.pool().directory().resolve(file);
        Path part = pool.pool().directory().resolve("." + file + partSuffix());
        long[] size = {0};
        boolean reflinked = pool.change(records -> {
            if (Files.exists(destination) || Files.exists(part)) {
                throw new ManagementRefusal(Errno.EEXIST, "file " + file + " already exists in pool "
                        + pool.pool().name());
            }
            size[0] = source(records, volume).size();
            boolean done = startCopy(pool.dataFile(volume), part, size[0]);
            if (done) {
                Files.move(part, destination, StandardCopyOption.ATOMIC_MOVE);
            }
            pool.syncDirectory();
            return done;
        });
        String poolName = pool.pool().name();
        if (reflinked) {
            LOG.info("client {}: backup of volume {} in pool {} to file {} made by reflink", client, volume, poolName,
                    file);
            return jobs.done(CopyJob.Kind.FILE, poolName, volume, file, client, size[0]);
        }
        LOG.info("client {}: backup of volume {} in pool {} to file {}: background copy of {} bytes", client, volume,
                poolName, file, size[0]);
        return jobs.start(CopyJob.Kind.FILE, poolName, volume, file, client, size[0], job -> {
            try {
                copyData(pool.dataFile(volume), part, size[0], job);
                boolean placed = pool.change(records -> {
                    if (Files.exists(destination)) {
                        return false;
                    }
                    Files.move(part, destination, StandardCopyOption.ATOMIC_MOVE);
                    pool.syncDirectory();
                    return true;
                });
                if (!placed) {
                    throw new IOException("file " + file + " appeared in pool " + poolName + " meanwhile");
                }
            } catch (Exception e) {
                Files.deleteIfExists(part);
                throw e;
            }
        });
    }

    private static VolumeRecord source(List<VolumeRecord> records, String name) throws ManagementRefusal {
        return records.stream().filter(x -> x.name().equals(name) && !x.copying()).findFirst()
                .orElseThrow(() -> new ManagementRefusal(Errno.ENOENT, "volume " + name + " was deleted meanwhile"));
    }

    /**
     * Makes {@code to} a reflink of {@code from} and syncs it (true), or, where the file system
     * has none, an empty sparse file of {@code size} bytes for a background copy (false).
     * Call with the pool locked; a failure removes {@code to}.
     */
    private static boolean startCopy(Path from, Path to, long size) throws IOException {
        try (NativeFile source = NativeFile.open(from, true, false, false);
             NativeFile target = NativeFile.open(to, false, true, false)) {
            target.truncate(0);
            boolean reflinked;
            try {
                // FICLONE writes the source's dirty pages back first: what the server acknowledged is in it.
                target.cloneFrom(source);
                reflinked = true;
            } catch (NativeException e) {
                if (!noReflinks(e)) {
                    throw e;
                }
                target.truncate(size);
                reflinked = false;
            }
            target.fdatasync();
            return reflinked;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(to);
            throw e;
        }
    }

    /**
     * Copies the data ranges of {@code from}'s first {@code total} bytes to the same offsets of
     * {@code to} in the kernel, skipping holes (the target stays sparse), then syncs it.
     */
    private static void copyData(Path from, Path to, long total, CopyJobs.Job job) throws Exception {
        try (NativeFile source = NativeFile.open(from, true, false, false);
             NativeFile target = NativeFile.open(to, false, false, false)) {
            long at = 0;
            while (at < total) {
                long data = source.nextData(at);
                if (data < 0 || data >= total) {
                    break;
                }
                job.progress(data);
                long end = Math.min(source.nextHole(data), total);
                while (data < end) {
                    long copied = source.copyTo(target, data, Math.min(CHUNK, end - data));
                    if (copied == 0) {
                        end = total; // the file ends early: the rest reads as zeros, as the volume does
                        break;
                    }
                    data += copied;
                    job.progress(data);
                }
                at = end;
            }
            job.progress(total);
            target.fdatasync();
        }
    }

    @Override
    public void close() {
        jobs.close();
    }
}
