package io.rsio.wire.message;

import io.netty.buffer.ByteBuf;
import io.rsio.wire.Opcode;

/** Client-to-server messages (docs/PROTOCOL.md §2–3). */
public sealed interface Request extends Message {

    record Hello(long tag, int minVersion, int maxVersion, int maxPayload, int features, String software)
            implements Request {
        public Opcode opcode() { return Opcode.HELLO; }
    }

    /**
     * @param clientInstance the rsiod's instance (random per start) when HELLO agreed
     *     {@code FEATURE_CLIENT_INSTANCE}, else null
     */
    record AuthStart(long tag, int namespaceId, String nodeName, byte[] clientNonce, java.util.UUID clientInstance)
            implements Request {
        public AuthStart(long tag, int namespaceId, String nodeName, byte[] clientNonce) {
            this(tag, namespaceId, nodeName, clientNonce, null);
        }

        public Opcode opcode() { return Opcode.AUTH_START; }
    }

    record AuthProof(long tag, byte[] proof) implements Request {
        public Opcode opcode() { return Opcode.AUTH_PROOF; }
    }

    record ListVolumes(long tag) implements Request {
        public Opcode opcode() { return Opcode.LIST; }
    }

    record Open(long tag, String volume, boolean readOnly) implements Request {
        public Opcode opcode() { return Opcode.OPEN; }
    }

    record Close(long tag, int handle) implements Request {
        public Opcode opcode() { return Opcode.CLOSE; }
    }

    record Read(long tag, int handle, long offset, int length) implements Request {
        public Opcode opcode() { return Opcode.READ; }
    }

    /** The data's readable bytes are the write's length. */
    record Write(long tag, int handle, long offset, boolean fua, ByteBuf data) implements Request, DataMessage {
        public Opcode opcode() { return Opcode.WRITE; }
    }

    record Flush(long tag, int handle) implements Request {
        public Opcode opcode() { return Opcode.FLUSH; }
    }

    record Discard(long tag, int handle, long offset, int length) implements Request {
        public Opcode opcode() { return Opcode.DISCARD; }
    }

    record WriteZeroes(long tag, int handle, long offset, int length, boolean noHole) implements Request {
        public Opcode opcode() { return Opcode.WRITE_ZEROES; }
    }

    record Query(long tag, int handle, int code) implements Request {
        public Opcode opcode() { return Opcode.QUERY; }
    }

    record Ping(long tag, long timestamp) implements Request {
        public Opcode opcode() { return Opcode.PING; }
    }

    record Goodbye(long tag) implements Request {
        public Opcode opcode() { return Opcode.GOODBYE; }
    }

    /** One volume-management operation (docs/PROTOCOL.md §3.6). */
    record Manage(long tag, Management operation) implements Request {
        public Opcode opcode() { return Opcode.MANAGE; }
    }
}
