package io.rsio.server.pool;

import io.rsio.block.Errno;
import io.rsio.config.ConfigValues;
import io.rsio.config.ServerConfig;
import io.rsio.nativeio.Flock;
import io.rsio.nativeio.LinuxErrno;
import io.rsio.nativeio.NativeException;
import io.rsio.nativeio.NativeFile;
import io.rsio.server.store.FileVolumeStore;
import io.rsio.server.store.VolumeStore;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/**
 * One pool's directory on disk: {@code NAME.vol} metadata and {@code NAME.img} data per volume,
 * and {@code .rsio-pool.lock}, which every reader holds shared and every change holds exclusive
 * (flock), so several rssrv sharing the directory see each change whole and never make two
 * volumes of one name (docs/VOLUMES.md).
 */
final class PoolDirectory implements PoolStorage {
    private static final Logger LOG = LogManager.getLogger(PoolDirectory.class);
    static final String LOCK_FILE = ".rsio-pool.lock";

    private final ServerConfig.Pool pool;

    PoolDirectory(ServerConfig.Pool pool) throws IOException {
        this.pool = pool;
        if (!Files.isDirectory(pool.directory())) {
            throw new IOException("pool " + pool.name() + ": directory " + pool.directory() + " does not exist");
        }
    }

    @Override
    public ServerConfig.Pool pool() {
        return pool;
    }

    @Override
    public String where() {
        return pool.directory().toString();
    }

    Path dataFile(String volume) {
        return pool.directory().resolve(volume + VolumeRecord.DATA_SUFFIX);
    }

    private Path recordFile(String volume) {
        return pool.directory().resolve(volume + VolumeRecord.SUFFIX);
    }

    /** The pool's volumes as its metadata files say now, under a shared lock. */
    @Override
    public List<VolumeRecord> read() throws IOException {
        try (Flock lock = Flock.shared(pool.directory().resolve(LOCK_FILE))) {
            return records();
        }
    }

    /** Runs {@code work} with the pool locked against every other reader and writer. */
    @Override
    public <T> T change(Locked<T> work) throws IOException, ManagementRefusal {
        try (Flock lock = Flock.exclusive(pool.directory().resolve(LOCK_FILE))) {
            return work.run(records());
        }
    }

    private List<VolumeRecord> records() throws IOException {
        List<VolumeRecord> records = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(pool.directory(), "*" + VolumeRecord.SUFFIX)) {
            for (Path file : files) {
                try {
                    records.add(VolumeRecord.parse(file, Files.readString(file, StandardCharsets.UTF_8)));
                } catch (IOException e) {
                    LOG.warn("pool {}: {} skipped: {}", pool.name(), file, e.getMessage());
                }
            }
        }
        records.sort(Comparator.comparing(VolumeRecord::name));
        return records;
    }

    /**
     * Replaces (or makes) a volume's metadata file whole: written to a temporary file, synced,
     * renamed over the old one, and the directory synced, so a crash leaves the old or the new.
     * Call with the pool locked.
     */
    @Override
    public void write(VolumeRecord record) throws IOException {
        Path target = recordFile(record.name());
        Path temporary = pool.directory().resolve("." + record.name() + VolumeRecord.SUFFIX + ".tmp");
        Files.writeString(temporary, record.text(), StandardCharsets.UTF_8);
        try (NativeFile f = NativeFile.open(temporary, false, false, false)) {
            f.fdatasync();
        }
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.deleteIfExists(temporary);
            throw new IOException("pool " + pool.name() + ": " + pool.directory() + " cannot rename atomically", e);
        }
        syncDirectory();
    }

    /**
     * Removes a volume: first its metadata (so it is gone for every server at once), then its
     * data. A crash in between leaves a data file without metadata, which the next create of
     * that name reuses. Call with the pool locked.
     */
    @Override
    public void remove(VolumeRecord record, List<VolumeRecord> records, Runnable stopServing) throws IOException {
        remove(record.name(), stopServing);
    }

    /** In {@link #change}: removes a volume this server does not serve (a copy not complete). */
    void remove(String volume) throws IOException {
        remove(volume, () -> { });
    }

    private void remove(String volume, Runnable stopServing) throws IOException {
        Files.delete(recordFile(volume));
        syncDirectory();
        stopServing.run();
        Files.deleteIfExists(dataFile(volume));
        syncDirectory();
    }

    /** A sparse data file (or a preallocated one, thick), synced; a data file without metadata is reused. */
    @Override
    public void createData(VolumeRecord record) throws IOException, ManagementRefusal {
        Path data = dataFile(record.name());
        // A data file without metadata is what a crash during create or delete leaves: reused.
        try (NativeFile file = NativeFile.open(data, false, true, false)) {
            file.truncate(0);
            file.truncate(record.size());
            if (record.thick()) {
                preallocate(file, 0, record.size());
            }
            file.fdatasync();
        } catch (ManagementRefusal | IOException e) {
            Files.deleteIfExists(data);
            throw e;
        }
        syncDirectory();
    }

    @Override
    public void resizeData(VolumeRecord now, long size, VolumeStore store) throws IOException, ManagementRefusal {
        try (NativeFile file = NativeFile.open(dataFile(now.name()), false, false, false)) {
            if (size > now.size() && now.thick()) {
                preallocate(file, now.size(), size - now.size());
            }
            file.truncate(size);
            file.fdatasync();
        }
    }

    /** FICLONE (reflink) of the source's data file; refused where the file system cannot. */
    @Override
    public void snapshotData(VolumeRecord source, VolumeRecord snapshot) throws IOException, ManagementRefusal {
        Path data = dataFile(snapshot.name());
        try (NativeFile from = NativeFile.open(dataFile(source.name()), true, false, false);
             NativeFile to = NativeFile.open(data, false, true, false)) {
            to.truncate(0);
            // FICLONE writes the source's dirty pages back first: what the server acknowledged is in it.
            to.cloneFrom(from);
            to.fdatasync();
        } catch (NativeException e) {
            Files.deleteIfExists(data);
            if (VolumeCopies.noReflinks(e)) {
                throw new ManagementRefusal(Errno.ENOTSUP, "no snapshot of " + source.name() + ": the file system of pool "
                        + pool.name() + " (" + pool.directory() + ") cannot make reflinks ("
                        + e.getMessage() + "); snapshots need XFS made with reflink=1, or btrfs");
            }
            throw e;
        }
        syncDirectory();
    }

    @Override
    public VolumeStore open(VolumeRecord record) throws IOException {
        return FileVolumeStore.open(record.name(), dataFile(record.name()), OptionalLong.of(record.size()),
                record.blockSize(), record.readOnly());
    }

    @Override
    public void adoptSize(VolumeStore store, long size) {
        ((FileVolumeStore) store).adoptSize(size);
    }

    @Override
    public long allocatedBytes(VolumeStore store) throws IOException {
        return ((FileVolumeStore) store).allocatedBytes();
    }

    /** Nothing held between calls: every lock is taken and dropped per operation. */
    @Override
    public void close() {
    }

    private void preallocate(NativeFile file, long offset, long length) throws IOException, ManagementRefusal {
        try {
            file.preallocate(offset, length);
        } catch (NativeException e) {
            if (e.errno() == LinuxErrno.EOPNOTSUPP) {
                throw new ManagementRefusal(Errno.ENOTSUP, "--thick: the file system of pool "
                        + pool.name() + " cannot preallocate (" + e.getMessage() + ")");
            }
            if (e.errno() == 28) {
                throw new ManagementRefusal(Errno.ENOSPC, "--thick: no room for "
                        + ConfigValues.formatSize(length) + " in pool " + pool.name());
            }
            throw e;
        }
    }

    void syncDirectory() throws IOException {
        try (NativeFile d = NativeFile.open(pool.directory(), true, false, false)) {
            d.fdatasync();
        }
    }
}
