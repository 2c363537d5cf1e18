package io.rsio.wire.message;

import java.util.Objects;

/**
 * A copy a server carries out in a pool with no data crossing the network (docs/VOLUMES.md,
 * "Copies"): of volume {@code source} to a new volume, to a file in the pool, or as a
 * snapshot where the pool's file system has no reflinks. One entry of a MANAGE COPY or JOBS
 * reply (docs/PROTOCOL.md §3.6).
 *
 * @param id             the server's number for it, unique while the server runs
 * @param total          bytes to cover (the source's size when the copy started)
 * @param done           bytes covered so far (holes count: they are skipped, not copied)
 * @param bytesPerSecond the rate over the last seconds (the whole copy's once it ended)
 * @param reflink        made at once by sharing blocks (FICLONE), no data copied
 * @param message        why it failed or was cancelled; empty otherwise
 */
public record CopyJob(int id, Kind kind, State state, String pool, String source, String target, String client,
                      long total, long done, long bytesPerSecond, long elapsedMillis, boolean reflink,
                      String message) {
    public CopyJob {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(message, "message");
    }

    /** What the copy makes; the wire code is the u16 of §3.6. */
    public enum Kind {
        VOLUME(1, "volume"), FILE(2, "file"), SNAPSHOT(3, "snapshot");

        public final int code;
        public final String word;

        Kind(int code, String word) {
            this.code = code;
            this.word = word;
        }

        public static Kind of(int code) {
            for (Kind k : values()) {
                if (k.code == code) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown copy kind " + code);
        }
    }

    public enum State {
        RUNNING(1, "running"), DONE(2, "done"), FAILED(3, "failed"), CANCELLED(4, "cancelled");

        public final int code;
        public final String word;

        State(int code, String word) {
            this.code = code;
            this.word = word;
        }

        public static State of(int code) {
            for (State s : values()) {
                if (s.code == code) {
                    return s;
                }
            }
            throw new IllegalArgumentException("unknown job state " + code);
        }
    }

    public boolean finished() {
        return state != State.RUNNING;
    }
}
