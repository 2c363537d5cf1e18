package io.rsio.wire.codec;

import static io.rsio.wire.WireConstants.FEATURE_DATA_DIGEST;
import static io.rsio.wire.WireConstants.FEATURE_HEADER_DIGEST;
import static io.rsio.wire.WireConstants.MAX_PAYLOAD_LIMIT;
import static io.rsio.wire.WireConstants.PRE_HELLO_MAX_PAYLOAD;

import io.rsio.wire.Opcode;

/**
 * What one direction of a connection currently agrees on: the payload limit and the digests
 * (docs/PROTOCOL.md §1, §3.2). Before HELLO completes every frame carries a header digest and
 * no data digest, and payloads are at most 4096 bytes.
 */
record LinkSettings(int maxPayload, int features) {
    static final int KNOWN_FEATURES = io.rsio.wire.WireConstants.SUPPORTED_FEATURES;
    static final LinkSettings BEFORE_HELLO = new LinkSettings(PRE_HELLO_MAX_PAYLOAD, FEATURE_HEADER_DIGEST);

    LinkSettings {
        if (!validMaxPayload(maxPayload)) {
            throw new IllegalArgumentException("max payload " + Integer.toUnsignedString(maxPayload)
                    + " outside " + PRE_HELLO_MAX_PAYLOAD + ".." + MAX_PAYLOAD_LIMIT);
        }
        if ((features & ~KNOWN_FEATURES) != 0) {
            throw new IllegalArgumentException("unknown feature bits 0x" + Integer.toHexString(features));
        }
    }

    /** A HELLO max payload is legal when it lies in 4096..16 MiB (PROTOCOL.md §3.2). */
    static boolean validMaxPayload(int maxPayload) {
        return maxPayload >= PRE_HELLO_MAX_PAYLOAD && maxPayload <= MAX_PAYLOAD_LIMIT;
    }

    /** HELLO frames always carry a header digest, whatever was agreed. */
    boolean headerDigest(Opcode opcode) {
        return opcode == Opcode.HELLO || (features & FEATURE_HEADER_DIGEST) != 0;
    }

    /** Data digests cover non-empty payloads only. */
    boolean dataDigest(int payloadLength) {
        return payloadLength != 0 && (features & FEATURE_DATA_DIGEST) != 0;
    }
}
