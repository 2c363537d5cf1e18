package io.rsio.wire.message;

import io.netty.buffer.ByteBuf;
import io.rsio.block.Errno;
import io.rsio.wire.Opcode;
import java.util.List;

/** Server-to-client messages: the REPLY flag set, the request's opcode and tag. */
public sealed interface Reply extends Message {

    record HelloReply(long tag, int version, int maxPayload, int features, String software) implements Reply {
        public Opcode opcode() { return Opcode.HELLO; }
    }

    record AuthChallenge(long tag, int serverId, String serverName, byte[] serverNonce) implements Reply {
        public Opcode opcode() { return Opcode.AUTH_START; }
    }

    /**
     * @param serverInstance the server's instance (its host's boot id) when HELLO agreed
     *     {@code FEATURE_SERVER_INSTANCE}, else null
     */
    record AuthAccepted(long tag, byte[] proof, java.util.UUID serverInstance) implements Reply {
        public AuthAccepted(long tag, byte[] proof) {
            this(tag, proof, null);
        }

        public Opcode opcode() { return Opcode.AUTH_PROOF; }
    }

    record VolumeList(long tag, List<VolumeInfo> volumes) implements Reply {
        public Opcode opcode() { return Opcode.LIST; }
    }

    record Opened(long tag, int handle, VolumeInfo volume) implements Reply {
        public Opcode opcode() { return Opcode.OPEN; }
    }

    record ReadData(long tag, ByteBuf data) implements Reply, DataMessage {
        public Opcode opcode() { return Opcode.READ; }
    }

    /** Success without a payload: CLOSE, WRITE, FLUSH, DISCARD, WRITE_ZEROES, GOODBYE. */
    record Done(long tag, Opcode opcode) implements Reply {}

    record Geometry(long tag, long size, int blockSize, int preferredIoSize, int maxIoSize) implements Reply {
        public Opcode opcode() { return Opcode.QUERY; }
    }

    /**
     * @param otherInstances with {@code FEATURE_CLIENT_INSTANCE}: how many other rsiod instances
     *     are logged in to the server under this connection's node name now (0 otherwise)
     * @param volumesVersion in the header's handle field: a value that changes when the size of
     *     one of the server's volumes changes (an RBD image resized elsewhere), so the client lists
     *     the volumes again; 0 from servers that do not report it (docs/PROTOCOL.md §5)
     */
    record Pong(long tag, long timestamp, int otherInstances, int volumesVersion) implements Reply {
        public Pong(long tag, long timestamp) {
            this(tag, timestamp, 0, 0);
        }

        public Pong(long tag, long timestamp, int otherInstances) {
            this(tag, timestamp, otherInstances, 0);
        }

        public Opcode opcode() { return Opcode.PING; }
    }

    /**
     * A MANAGE operation done: what was done, for people, and the volumes it concerns (the new
     * or resized volume, none after a delete, every usable volume for a usage request).
     */
    record Managed(long tag, int operation, String message, List<VolumeUsage> volumes) implements Reply {
        public Managed {
            volumes = List.copyOf(volumes);
        }

        public Opcode opcode() { return Opcode.MANAGE; }
    }

    /** The answer of a MANAGE STATISTICS request: one entry per volume (docs/PROTOCOL.md §3.6). */
    record ManagedStatistics(long tag, String message, List<VolumeStatistics> volumes) implements Reply {
        public ManagedStatistics {
            volumes = List.copyOf(volumes);
        }

        public Opcode opcode() { return Opcode.MANAGE; }
    }

    /** The answer of a MANAGE COPY (the job started or done) or JOBS (every job) request (docs/PROTOCOL.md §3.6). */
    record ManagedJobs(long tag, int operation, String message, List<CopyJob> jobs) implements Reply {
        public ManagedJobs {
            jobs = List.copyOf(jobs);
        }

        public Opcode opcode() { return Opcode.MANAGE; }
    }

    /** Any request refused or failed: status is never OK; the reason is for people, never a key. */
    record Failure(long tag, Opcode opcode, Errno status, String reason) implements Reply {}
}
