package io.rsio.wire.message;

import java.util.List;
import java.util.Objects;

/**
 * The volume-management operations a client may ask of a server in one MANAGE request
 * (docs/PROTOCOL.md §3.6, docs/VOLUMES.md). Each owns its wire code; every operation but
 * {@link Usage} changes a pool and needs the matching right in the server's {@code [pool]}.
 */
public sealed interface Management {
    /** The operation's wire code (u16). */
    int code();

    /** The right a client needs for it in rssrvcfg's {@code [pool]} section, or empty for none. */
    String right();

    /** A new, empty volume of {@code size} bytes in pool {@code pool}; thin unless {@code thick}. */
    record Create(String pool, String name, long size, boolean thick) implements Management {
        public static final int CODE = 1;

        public Create {
            Objects.requireNonNull(pool, "pool");
            Objects.requireNonNull(name, "name");
        }

        public int code() { return CODE; }

        public String right() { return "create"; }
    }

    /** A new size for a pool volume: larger while in use, smaller only while no other client has it open. */
    record Resize(String name, long size) implements Management {
        public static final int CODE = 2;

        public Resize {
            Objects.requireNonNull(name, "name");
        }

        public int code() { return CODE; }

        public String right() { return "grow"; }
    }

    /** A read-only point-in-time copy of {@code name}, made with a reflink, as volume {@code snapshot}. */
    record Snapshot(String name, String snapshot) implements Management {
        public static final int CODE = 3;

        public Snapshot {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(snapshot, "snapshot");
        }

        public int code() { return CODE; }

        public String right() { return "snapshot"; }
    }

    /** Removes a pool volume and its data; refused while another client has it open. */
    record Delete(String name) implements Management {
        public static final int CODE = 4;

        public Delete {
            Objects.requireNonNull(name, "name");
        }

        public int code() { return CODE; }

        public String right() { return "delete"; }
    }

    /**
     * Sets a bandwidth and IOPS limit of a pool volume (docs/VOLUMES.md, "Throttling"): of the
     * volume as a whole when the limit's client is empty, else of that client's I/O to it. 0
     * means no limit; both 0 removes the limit. Persisted with the volume; applies at once.
     */
    record Throttle(String name, VolumeLimit limit) implements Management {
        public static final int CODE = 6;

        public Throttle {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(limit, "limit");
        }

        public int code() { return CODE; }

        public String right() { return "throttle"; }
    }

    /**
     * Per-volume statistics of the server (reads, writes, bytes, latency, throttled time, limits)
     * of {@code name}, or of every volume the client may use when it is empty; changes nothing.
     */
    record Statistics(String name) implements Management {
        public static final int CODE = 7;

        public Statistics {
            Objects.requireNonNull(name, "name");
        }

        public int code() { return CODE; }

        public String right() { return ""; }
    }

    /**
     * Holds the I/O of the named volumes on this server from one instant on (held, not failed),
     * all or none of them; answered once the I/O already executing has completed.
     */
    record Pause(List<String> names) implements Management {
        public static final int CODE = 8;

        public Pause {
            names = List.copyOf(names);
            if (names.isEmpty()) {
                throw new IllegalArgumentException("a pause names at least one volume");
            }
        }

        public int code() { return CODE; }

        public String right() { return "pause"; }
    }

    /** Ends the pause of the named volumes: their held I/O goes on. */
    record Resume(List<String> names) implements Management {
        public static final int CODE = 9;

        public Resume {
            names = List.copyOf(names);
            if (names.isEmpty()) {
                throw new IllegalArgumentException("a resume names at least one volume");
            }
        }

        public int code() { return CODE; }

        public String right() { return "pause"; }
    }

    /**
     * Copies pool volume {@code name} on the server, no data crossing the network: to a new
     * volume {@code target} of the same pool ({@link CopyJob.Kind#VOLUME}), to a file
     * {@code target} in the pool directory ({@link CopyJob.Kind#FILE}; empty: the server names
     * it {@code NAME.backup-DATE.raw}), or as a read-only snapshot {@code target}
     * ({@link CopyJob.Kind#SNAPSHOT}). With reflinks it is done at once; else it is a
     * background job the answer names, whose progress {@link Jobs} shows.
     */
    record Copy(String name, String target, CopyJob.Kind kind) implements Management {
        public static final int CODE = 10;

        public Copy {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(target, "target");
            Objects.requireNonNull(kind, "kind");
        }

        public int code() { return CODE; }

        /** A snapshot is a snapshot however it is made; a copy into the pool needs "copy". */
        public String right() { return kind == CopyJob.Kind.SNAPSHOT ? "snapshot" : "copy"; }
    }

    /** The server's copy jobs, running and recently ended, in pools the client may use; changes nothing. */
    record Jobs() implements Management {
        public static final int CODE = 11;

        public int code() { return CODE; }

        public String right() { return ""; }
    }

    /** Provisioned and allocated bytes of every volume the client may use; changes nothing. */
    record Usage() implements Management {
        public static final int CODE = 5;

        public int code() { return CODE; }

        public String right() { return ""; }
    }
}
