package io.rsio.control;

/**
 * The rows rsiod answers on its control socket (docs/CONTROL.md). One record type per row
 * kind; {@link RowCodec} turns them into tab-separated lines and back.
 */
public final class ControlRows {
    private ControlRows() {}

    /** A client {@code [interface]}: the first line of each block of {@code rsconfig -m status}. */
    public record InterfaceRow(int index, String name, String protocol, String address, int port) {}

    /** One path, as a {@code rep:} line of {@code rsconfig -m status}. */
    public record PathRow(int interfaceIndex, int repIndex, String namespace, String serverSection, String protocol,
                          String address, int port, String state, String tx, String rx, String serverName,
                          int serverId, long rttMicros, int inFlight, long stateSinceMillis, String reason) {}

    public record NamespaceRow(int index, String name, int id, String nodeName) {}

    /**
     * A server met at login; {@code otherInstances} is how many other rsiods it sees logged in
     * under this client's node name (another host with the same name and key), normally 0.
     */
    public record ServerRow(int namespaceIndex, int index, int serverId, String serverName, int otherInstances) {
        public ServerRow(int namespaceIndex, int index, int serverId, String serverName) {
            this(namespaceIndex, index, serverId, serverName, 0);
        }
    }

    public record VolumeRow(int namespaceIndex, int serverIndex, String name, long size, int blockSize,
                            String device, String id, boolean readOnly, int readyPaths, String nbdSocket) {}

    /**
     * Statistics of one path for {@code rsconfig -m stat}; rates are per second over the last second,
     * totals (bytes, requests) since the path was made.
     */
    public record PathStatRow(int interfaceIndex, String interfaceName, int repIndex, String address, int port,
                              String state, double readBytesPerSecond, double writeBytesPerSecond,
                              double readIops, double writeIops, int inFlight, long rttMicros, long errors,
                              long failovers, long stateSinceMillis, long readBytes, long writeBytes,
                              String namespace, long readOps, long writeOps) {}

    /**
     * Totals of one volume over all its paths; {@code noSpace} while its server reports it full
     * (writes fail with ENOSPC), {@code noSpaceErrors} such failures since rsiod started.
     */
    public record VolumeStatRow(String namespace, String name, int readyPaths, double readBytesPerSecond,
                                double writeBytesPerSecond, double readIops, double writeIops, long errors,
                                long readBytes, long writeBytes, long readOps, long writeOps, long size,
                                boolean noSpace, long noSpaceErrors) {}

    /** The daemon itself: for {@code rsconfig --version}-like checks and crsio's daemon screen. */
    public record DaemonRow(long pid, long startedMillis, String config, String node) {}

    /**
     * One finding of {@code reload}: {@code action} is {@code applied} (done, nothing dropped),
     * {@code restart} (rsiod must be restarted for it) or {@code none} (the file is unchanged).
     */
    public record ReloadRow(String action, String change) {}

    /**
     * How this host attaches block devices: the first row of {@code local} ({@code rsconfig -l}).
     * {@code method} is {@code fuse+loop} or {@code nbd-export} (no block devices);
     * {@code fuseTransport} how the FUSE requests travel ({@code io_uring} or {@code /dev/fuse})
     * and why.
     */
    public record BlockLayerRow(String method, String reason, String fuseDir, String fuseTransport) {}

    /**
     * One attached device for {@code rsconfig -l}: the seed's {@code osl:oracle@0} with its
     * {@code c:} (raw) and {@code b:} (block device) paths, blocks and servers; {@code device}
     * is the kernel device underneath (/dev/loopN), {@code backing} the file it is bound to,
     * {@code state} {@code attached} or {@code detaching} (waiting for its last user).
     */
    public record LocalRow(String namespace, String name, String deviceDir, String charPath, String blockPath,
                           long size, int blockSize, int servers, String method, String device, String backing,
                           boolean directIo, boolean readOnly, String state) {}

    /**
     * What an {@code attach}, {@code detach} or {@code stop} did to one volume: {@code action} is
     * attached, already, detached, forced, pending, refused or failed; {@code message} says why.
     */
    public record DeviceRow(String action, String namespace, String name, String blockPath, String charPath,
                            String device, String message) {}

    /** A volume-management request done (docs/VOLUMES.md): by which server, and what it says it did. */
    public record ManageRow(String namespace, String server, String name, String message) {}

    /**
     * One volume's space on its server for {@code rsconfig -qvv}: {@code provisioned} is the size
     * clients see, {@code allocated} the bytes its file holds (st_blocks × 512, as du shows);
     * {@code pool} is empty for a [volume] of rssrvcfg, {@code origin} names a snapshot's volume.
     */
    public record VolumeUsageRow(String namespace, String server, String name, String pool, long provisioned,
                                 long allocated, boolean readOnly, boolean thick, String origin) {}

    /**
     * One volume's statistics as one server keeps them (docs/VOLUMES.md, "Statistics"), for
     * {@code rsconfig -m vstat}: requests and bytes since the server opened it, the requests
     * its limits held and their waits in all, its limits ({@code CLIENT=BYTES/IOPS} words, the
     * volume's with an empty client) and its store latency ({@code UPPER_NANOS:COUNT} words, the
     * last bound {@code inf}).
     */
    public record ServerVolumeStatRow(String namespace, String server, String name, boolean paused, long reads,
                                      long writes, long readBytes, long writtenBytes, long throttledRequests,
                                      long throttledNanos, String limits, String latency) {}

    /**
     * A copy job of a server (docs/VOLUMES.md, "Copies") for {@code rsconfig -m jobs} and the
     * progress of {@code rsconfig -K/-B/-S}: {@code kind} volume, file or snapshot; {@code state}
     * running, done, failed or cancelled; {@code done} of {@code total} bytes at {@code rate}
     * bytes a second; {@code reflink} when made at once; {@code message} why it failed.
     */
    public record JobRow(String namespace, String server, int id, String kind, String state, String pool,
                         String source, String target, String client, long total, long done, long rate,
                         long elapsedMillis, boolean reflink, String message) {}

    static final Class<?>[] KINDS = {InterfaceRow.class, PathRow.class, NamespaceRow.class, ServerRow.class,
            VolumeRow.class, DaemonRow.class, PathStatRow.class, VolumeStatRow.class, ReloadRow.class,
            BlockLayerRow.class, LocalRow.class, DeviceRow.class, ManageRow.class, VolumeUsageRow.class,
            ServerVolumeStatRow.class, JobRow.class};
}
