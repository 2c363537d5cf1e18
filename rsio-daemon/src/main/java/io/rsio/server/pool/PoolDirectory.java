package io.rsio.server.pool;

import io.rsio.config.ServerConfig;
import io.rsio.nativeio.Flock;
import io.rsio.nativeio.NativeFile;
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
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One pool's directory on disk: {@code NAME.vol} metadata and {@code NAME.img} data per volume,
 * and {@code .rsio-pool.lock}, which every reader holds shared and every change holds exclusive
 * (flock), so several rssrv sharing the directory see each change whole and never make two
 * volumes of one name (docs/VOLUMES.md).
 */
final class PoolDirectory {
    private static final Logger LOG = LogManager.getLogger(PoolDirectory.class);
    static final String LOCK_FILE = ".rsio-pool.lock";

    /** Work done while the pool is locked. */
    @FunctionalInterface
    interface Locked<T> {
        T run(List<VolumeRecord> records) throws IOException, ManagementRefusal;
    }

    private final ServerConfig.Pool pool;

    PoolDirectory(ServerConfig.Pool pool) throws IOException {
        this.pool = pool;
        if (!Files.isDirectory(pool.directory())) {
            throw new IOException("pool " + pool.name() + ": directory " + pool.directory() + " does not exist");
        }
    }

    ServerConfig.Pool pool() {
        return pool;
    }

    /** Refuses, naming the right, the pool and the server, unless {@code client} holds {@code right} here. */
    void require(String client, ServerConfig.PoolRight right, String serverName) throws ManagementRefusal {
        if (!pool.grants(client, right)) {
            throw new ManagementRefusal(io.rsio.block.Errno.EACCES, "client " + client + " lacks the right \""
                    + right.key() + "\" in pool " + pool.name() + " (rssrvcfg of server " + serverName + ", [pool "
                    + pool.name() + "] " + right.key() + " =)");
        }
    }

    Path dataFile(String volume) {
        return pool.directory().resolve(volume + VolumeRecord.DATA_SUFFIX);
    }

    private Path recordFile(String volume) {
        return pool.directory().resolve(volume + VolumeRecord.SUFFIX);
    }

    /** The pool's volumes as its metadata files say now, under a shared lock. */
    List<VolumeRecord> read() throws IOException {
        try (Flock lock = Flock.shared(pool.directory().resolve(LOCK_FILE))) {
            return records();
        }
    }

    /** Runs {@code work} with the pool locked against every other reader and writer. */
    <T> T change(Locked<T> work) throws IOException, ManagementRefusal {
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
    void write(VolumeRecord record) throws IOException {
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
    void remove(String volume) throws IOException {
        Files.delete(recordFile(volume));
        syncDirectory();
        Files.deleteIfExists(dataFile(volume));
        syncDirectory();
    }

    void syncDirectory() throws IOException {
        try (NativeFile d = NativeFile.open(pool.directory(), true, false, false)) {
            d.fdatasync();
        }
    }
}
