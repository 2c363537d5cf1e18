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

    public record ServerRow(int namespaceIndex, int index, int serverId, String serverName) {}

    public record VolumeRow(int namespaceIndex, int serverIndex, String name, long size, int blockSize,
                            String device, String id, boolean readOnly, int readyPaths, String nbdSocket) {}

    /** Statistics of one path for {@code rsconfig -m stat}; rates are per second over the last second. */
    public record PathStatRow(int interfaceIndex, String interfaceName, int repIndex, String address, int port,
                              String state, double readBytesPerSecond, double writeBytesPerSecond,
                              double readIops, double writeIops, int inFlight, long rttMicros, long errors,
                              long failovers, long stateSinceMillis, long readBytes, long writeBytes) {}

    /** Totals of one volume over all its paths. */
    public record VolumeStatRow(String namespace, String name, int readyPaths, double readBytesPerSecond,
                                double writeBytesPerSecond, double readIops, double writeIops, long errors,
                                long readBytes, long writeBytes) {}

    /** The daemon itself: for {@code rsconfig --version}-like checks and crsio's daemon screen. */
    public record DaemonRow(long pid, long startedMillis, String config, String node) {}

    /**
     * One finding of {@code reload}: {@code action} is {@code applied} (done, nothing dropped),
     * {@code restart} (rsiod must be restarted for it) or {@code none} (the file is unchanged).
     */
    public record ReloadRow(String action, String change) {}

    static final Class<?>[] KINDS = {InterfaceRow.class, PathRow.class, NamespaceRow.class, ServerRow.class,
            VolumeRow.class, DaemonRow.class, PathStatRow.class, VolumeStatRow.class, ReloadRow.class};
}
