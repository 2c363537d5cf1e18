package io.rsio.server.pool;

import io.rsio.block.Errno;
import io.rsio.config.ServerConfig;
import io.rsio.server.store.VolumeStore;
import java.io.IOException;
import java.util.List;

/**
 * Where a pool keeps its volumes' records and data (docs/VOLUMES.md): a directory of files
 * ({@link PoolDirectory}) or a Ceph pool of RBD images ({@link RbdPoolStorage}). {@link PoolManager}
 * checks rights, names and quotas and orders the steps; the storage carries out each step so
 * that a crash between two leaves a readable pool, and locks the pool against every other
 * server sharing it.
 *
 * <p>The steps marked "in {@link #change}" are called with the pool locked, from the work passed to it.
 */
sealed interface PoolStorage extends AutoCloseable permits PoolDirectory, RbdPoolStorage {
    /** Work done while the pool is locked. */
    @FunctionalInterface
    interface Locked<T> {
        T run(List<VolumeRecord> records) throws IOException, ManagementRefusal;
    }

    ServerConfig.Pool pool();

    /** Where the volumes live, for messages: the directory, or {@code rbd:POOL}. */
    String where();

    /** The pool's volumes as their records say now. */
    List<VolumeRecord> read() throws IOException;

    /** Runs {@code work} with the pool locked against every other writer. */
    <T> T change(Locked<T> work) throws IOException, ManagementRefusal;

    /** In {@link #change}: makes a volume's data, before its record is written. */
    void createData(VolumeRecord record) throws IOException, ManagementRefusal;

    /** In {@link #change}: resizes a volume's data from {@code now}'s size, before the new record is written. */
    void resizeData(VolumeRecord now, long size, VolumeStore store) throws IOException, ManagementRefusal;

    /** In {@link #change}: makes {@code snapshot}'s data from {@code source}'s, before its record is written. */
    void snapshotData(VolumeRecord source, VolumeRecord snapshot) throws IOException, ManagementRefusal;

    /** In {@link #change}: replaces (or makes) a volume's record, whole and atomically. */
    void write(VolumeRecord record) throws IOException;

    /**
     * In {@link #change}: removes a volume, its record first (gone for every server at once),
     * then, after {@code stopServing} closed this server's store, its data. {@code records} are
     * the pool's records as the change read them.
     */
    void remove(VolumeRecord record, List<VolumeRecord> records, Runnable stopServing)
            throws IOException, ManagementRefusal;

    /** Opens a volume's data for serving. */
    VolumeStore open(VolumeRecord record) throws IOException;

    /** The store takes {@code size}, which the data has now (grown or shrunk by this or another server). */
    void adoptSize(VolumeStore store, long size) throws IOException;

    /** Bytes the volume's data really takes (thin volumes take less than their size). */
    long allocatedBytes(VolumeStore store) throws IOException;

    /** Refuses, naming the right, the pool and the server, unless {@code client} holds {@code right} here. */
    default void require(String client, ServerConfig.PoolRight right, String serverName) throws ManagementRefusal {
        ServerConfig.Pool pool = pool();
        if (!pool.grants(client, right)) {
            throw new ManagementRefusal(Errno.EACCES, "client " + client + " lacks the right \""
                    + right.key() + "\" in pool " + pool.name() + " (rssrvcfg of server " + serverName + ", [pool "
                    + pool.name() + "] " + right.key() + " =)");
        }
    }

    @Override
    void close();
}
