package io.rsio.client.multipath;

/** A snapshot of one path for {@code rsconfig -m status} and the statistics views. */
public record PathStatus(PathSpec spec, PathState state, String reason, String serverName, int serverId,
                         long rttMicros, int inFlight, boolean txOk, boolean rxOk, long stateSinceMillis) {}
