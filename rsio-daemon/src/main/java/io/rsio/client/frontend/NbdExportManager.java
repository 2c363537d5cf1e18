package io.rsio.client.frontend;

import io.netty.channel.EventLoopGroup;
import io.rsio.client.multipath.VolumeClient;
import io.rsio.nbd.NbdExports;
import io.rsio.nbd.NbdServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Serves every volume as an NBD export: one unix socket per volume at
 * {@code $RSIO_RUN_DIR/nbd/NAME.sock} (or {@code NAMESPACE:NAME.sock} when two namespaces
 * have a volume of the same name), and optionally one loopback TCP port with all of them.
 */
public final class NbdExportManager implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(NbdExportManager.class);

    private final EventLoopGroup group;
    private final Path socketDir;
    private final Map<VolumeClient, NbdServer> servers = new ConcurrentHashMap<>();
    private final Map<VolumeClient, Path> sockets = new ConcurrentHashMap<>();
    private final NbdExports tcpExports = new NbdExports();
    private NbdServer tcpServer;

    public NbdExportManager(EventLoopGroup group, Path socketDir, Optional<InetSocketAddress> tcp) throws IOException {
        this.group = group;
        this.socketDir = socketDir;
        // The exports give raw access to the volumes: only rsiod's user may reach them.
        Files.createDirectories(socketDir);
        Files.setPosixFilePermissions(socketDir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        if (tcp.isPresent()) {
            tcpServer = NbdServer.start(group, tcpExports, null, tcp.get());
            LOG.info("NBD exports also on TCP {}", tcp.get());
        }
    }

    public synchronized void export(VolumeClient volume) {
        Path socket = socketDir.resolve(volume.name() + ".sock");
        if (sockets.containsValue(socket)) {
            socket = socketDir.resolve(volume.namespace() + ":" + volume.name() + ".sock");
        }
        try {
            NbdExports exports = new NbdExports();
            exports.add(volume);
            // Connections to this export run on the loop of the volume's first path.
            servers.put(volume, NbdServer.start(group, volume.homeLoop().map(EventLoopGroup.class::cast).orElse(group),
                    exports, socket, null));
            sockets.put(volume, socket);
            tcpExports.add(volume);
            LOG.info("volume {}:{} exported over NBD at {}", volume.namespace(), volume.name(), socket);
        } catch (RuntimeException e) {
            LOG.error("cannot export volume {}:{} at {}: {}", volume.namespace(), volume.name(), socket, e.getMessage());
        }
    }

    /** Ends the export of a volume whose namespace a reload removed; its socket file goes too. */
    public synchronized void unexport(VolumeClient volume) {
        NbdServer server = servers.remove(volume);
        Path socket = sockets.remove(volume);
        tcpExports.remove(volume.name());
        if (server != null) {
            server.close(); // deletes the socket file too
            LOG.info("volume {}:{} no longer exported over NBD ({})", volume.namespace(), volume.name(), socket);
        }
    }

    public Optional<Path> socketOf(VolumeClient volume) {
        return Optional.ofNullable(sockets.get(volume));
    }

    @Override
    public synchronized void close() {
        servers.values().forEach(NbdServer::close);
        servers.clear();
        if (tcpServer != null) {
            tcpServer.close();
        }
    }
}
