package io.rsio.nbd.transmission;

import io.rsio.block.BlockTarget;
import io.rsio.nbd.protocol.BlockSizes;
import io.rsio.nbd.protocol.TransmissionFlag;
import java.util.EnumSet;

/**
 * What the handshake agreed for one connection's transmission phase.
 *
 * @param exportName the export's canonical name (never the empty default alias)
 * @param structuredReplies NBD_OPT_STRUCTURED_REPLY was acknowledged
 * @param baseAllocation base:allocation was selected for this export, so BLOCK_STATUS is allowed
 * @param transmissionFlags the flags sent to the client, which bound what it may send
 */
public record ExportSession(
        BlockTarget target,
        String exportName,
        boolean structuredReplies,
        boolean baseAllocation,
        BlockSizes sizes,
        int transmissionFlags) {

    public static ExportSession of(BlockTarget target, boolean structuredReplies, boolean baseAllocation) {
        return new ExportSession(target, target.name(), structuredReplies, baseAllocation && structuredReplies,
                BlockSizes.of(target), transmissionFlags(target, structuredReplies));
    }

    /**
     * HAS_FLAGS, SEND_FLUSH, SEND_FUA, CAN_MULTI_CONN (BlockTarget.flush() covers writes
     * completed on every connection), SEND_CACHE; SEND_DF only with structured replies; on a
     * writable export SEND_TRIM, SEND_WRITE_ZEROES and SEND_FAST_ZERO (fast zeroes are always
     * refused with ENOTSUP, which is the quick answer the flag exists for), else READ_ONLY.
     */
    public static int transmissionFlags(BlockTarget target, boolean structuredReplies) {
        EnumSet<TransmissionFlag> flags = EnumSet.of(TransmissionFlag.HAS_FLAGS, TransmissionFlag.SEND_FLUSH,
                TransmissionFlag.SEND_FUA, TransmissionFlag.CAN_MULTI_CONN, TransmissionFlag.SEND_CACHE);
        if (structuredReplies) {
            flags.add(TransmissionFlag.SEND_DF);
        }
        if (target.readOnly()) {
            flags.add(TransmissionFlag.READ_ONLY);
        } else {
            flags.add(TransmissionFlag.SEND_TRIM);
            flags.add(TransmissionFlag.SEND_WRITE_ZEROES);
            flags.add(TransmissionFlag.SEND_FAST_ZERO);
        }
        return TransmissionFlag.toWire(flags);
    }

    public boolean advertises(TransmissionFlag flag) {
        return (transmissionFlags & flag.mask()) != 0;
    }
}
