package io.rsio.cli;

/**
 * The words for the two states an admin must act on that the daemons report without failing:
 * a volume whose server is out of space, and another host logged in under this client's
 * identity. rsconfig ({@code -m stat}, {@code -qv}) and crsio (Path Status, Volumes) say them
 * the same way.
 */
public final class ProblemLines {
    private ProblemLines() {}

    /** {@code NO SPACE: the server has no space left for oracle; writes fail with ENOSPC (12 so far)}. */
    public static String noSpace(String volume, long failedWrites) {
        return "NO SPACE: the server has no space left for " + volume + "; writes fail with ENOSPC ("
                + failedWrites + " so far)";
    }

    /** {@code SHARED IDENTITY: 1 other rsiod(s) logged in here as big-2 (another host has this node name and key)}. */
    public static String sharedIdentity(int otherInstances, String nodeName) {
        return "SHARED IDENTITY: " + otherInstances + " other rsiod(s) logged in here as " + nodeName
                + " (another host has this node name and key)";
    }
}
