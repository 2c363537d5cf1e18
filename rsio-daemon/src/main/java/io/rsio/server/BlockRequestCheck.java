package io.rsio.server;

import io.rsio.block.BlockException;
import io.rsio.block.Errno;
import io.rsio.server.store.StoreOperation;
import io.rsio.server.store.VolumeGeometry;
import io.rsio.wire.message.Request;
import java.util.Optional;

/**
 * The one check of a block request against its volume before it is dispatched, as nbdkit
 * checks in its core before a plugin sees a request: a READ's length against the negotiated
 * payload, and every range against the volume through {@link VolumeGeometry#check} (a change
 * to a read-only volume, a negative offset, an empty range, one past the end). A refused
 * request costs its answer and nothing else: no store thread, no buffer for a 2 GiB READ.
 *
 * <p>The stores keep their own {@code VolumeGeometry.check} (the contract of
 * {@code VolumeStore}), for callers that are not a session; for a session they never see a
 * request that fails it.
 */
final class BlockRequestCheck {
    /** Why a request is answered without running: the status and the reason the client sees. */
    record Refusal(Errno status, String reason) {}

    private BlockRequestCheck() {}

    static Optional<Refusal> check(Request request, VolumeGeometry volume, int maxPayload) {
        try {
            switch (request) {
                case Request.Read r -> {
                    if (!readFits(r, volume.size(), maxPayload)) {
                        return Optional.of(new Refusal(Errno.EINVAL, "READ of " + r.length() + " bytes at "
                                + r.offset() + ": the length must be 1.." + maxPayload + " and the range inside volume "
                                + volume.name() + " (" + volume.size() + " bytes)"));
                    }
                }
                case Request.Write w -> volume.check(StoreOperation.WRITE, w.offset(), w.data().readableBytes());
                case Request.Discard d -> volume.check(StoreOperation.DISCARD, d.offset(), d.length());
                case Request.WriteZeroes z -> volume.check(StoreOperation.WRITE_ZEROES, z.offset(), z.length());
                default -> {} // FLUSH and QUERY carry no range
            }
            return Optional.empty();
        } catch (BlockException e) {
            return Optional.of(new Refusal(e.errno(), e.getMessage()));
        }
    }

    private static boolean readFits(Request.Read r, long size, int maxPayload) {
        return r.length() > 0 && r.length() <= maxPayload && r.offset() >= 0 && r.length() <= size
                && r.offset() <= size - r.length();
    }
}
