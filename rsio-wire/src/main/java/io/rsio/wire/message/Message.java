package io.rsio.wire.message;

import io.rsio.wire.Opcode;

/**
 * Every RSIO frame, decoded. Requests go from client to server, replies come back with the
 * request's tag. Messages that hold a data buffer ({@link DataMessage}) must be released by
 * whoever consumes them.
 */
public sealed interface Message permits Request, Reply {
    long tag();

    Opcode opcode();
}
