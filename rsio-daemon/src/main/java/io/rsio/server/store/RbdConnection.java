package io.rsio.server.store;

import io.rsio.config.ServerConfig;
import io.rsio.nativeio.LinuxErrno;
import io.rsio.nativeio.rbd.CephException;
import io.rsio.nativeio.rbd.RadosCluster;
import io.rsio.nativeio.rbd.RadosPool;
import io.rsio.nativeio.rbd.RbdImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One volume's own librados connection, its pool and its open image. A gateway that another
 * one fenced replaces it with a new one (a new client instance, not on the blocklist).
 */
record RbdConnection(RadosCluster cluster, RadosPool pool, RbdImage image) implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(RbdConnection.class);
    /** librados' answer to a request that timed out. */
    static final int ETIMEDOUT = 110;

    /**
     * Connects and opens the image; creates it when it does not exist and a size is configured.
     * The keyring must not be readable by other users.
     */
    static RbdConnection open(String volumeName, ServerConfig.RbdImage source, OptionalLong configuredSize,
            boolean readOnly) throws IOException {
        RadosCluster cluster = connect(source.cephConf(), source.user(), source.keyring(), source.opTimeout());
        RadosPool pool = null;
        try {
            pool = cluster.pool(source.pool());
            return new RbdConnection(cluster, pool, openOrCreate(volumeName, pool, source.image(), configuredSize,
                    readOnly));
        } catch (IOException | RuntimeException e) {
            if (pool != null) {
                pool.close();
            }
            cluster.close();
            throw e;
        }
    }

    /**
     * A new librados connection with the gateway's settings (librbd's cache off, partial discards
     * zeroed, fencing done by {@link GatewayOwnership}). The keyring must not be readable by
     * other users.
     */
    static RadosCluster connect(java.nio.file.Path cephConf, String user, java.util.Optional<java.nio.file.Path>
            keyring, java.time.Duration opTimeout) throws IOException {
        Map<String, String> options = new LinkedHashMap<>();
        if (keyring.isPresent()) {
            checkKeyring(keyring.get());
            options.put("keyring", keyring.get().toString());
        }
        // Acknowledged = committed by the OSDs, so a gateway's death loses nothing it acknowledged.
        options.put("rbd_cache", "false");
        // A discard of part of an object zeroes it, so discarded ranges read back as zeros.
        options.put("rbd_skip_partial_discard", "false");
        options.put("client_mount_timeout", "30");
        // A gateway cut off from the cluster (but not from its clients) must not hold their
        // requests forever: an OSD request unanswered this long fails with ETIMEDOUT, which the
        // store answers with ESHUTDOWN, and the client sends it to another gateway
        // (docs/SCALE-OUT.md, "Cut off from the cluster").
        options.put("rados_osd_op_timeout", Long.toString(opTimeout.toSeconds()));
        // The same for monitor commands (a takeover's blocklist).
        options.put("rados_mon_op_timeout", Long.toString(opTimeout.toSeconds()));
        // GatewayOwnership blocklists the previous owner itself before breaking its lock.
        options.put("rbd_blocklist_on_break_lock", "false");
        return RadosCluster.connect(cephConf, user, options);
    }

    private static RbdImage openOrCreate(String volumeName, RadosPool pool, String name, OptionalLong size,
            boolean readOnly) throws CephException {
        try {
            return pool.open(name);
        } catch (CephException e) {
            if (e.errno() != LinuxErrno.ENOENT || readOnly || size.isEmpty()) {
                throw e;
            }
        }
        LOG.info("volume {}: creating RBD image {}/{} of {} bytes", volumeName, pool.name(), name, size.getAsLong());
        try {
            pool.createImage(name, size.getAsLong());
        } catch (CephException e) {
            if (e.errno() != LinuxErrno.EEXIST) { // another gateway created it just now
                throw e;
            }
        }
        return pool.open(name);
    }

    private static void checkKeyring(java.nio.file.Path keyring) throws IOException {
        var perms = Files.getPosixFilePermissions(keyring);
        if (perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ)) {
            throw new IOException("the Ceph keyring " + keyring + " is readable by other users; chmod 600 it");
        }
    }

    @Override
    public void close() {
        image.close();
        pool.close();
        cluster.close();
    }
}
