package io.rsio.client.multipath;

import io.rsio.block.Errno;
import io.rsio.common.NoSpaceEpisode;
import io.rsio.metrics.IoLatency;
import io.rsio.wire.message.Reply;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * What a volume's finished requests say beyond their own result: their latency (for the
 * metrics endpoint, docs/METRICS.md) and out-of-space episodes, logged once when a server
 * starts answering ENOSPC and once when writes succeed again.
 */
final class VolumeOutcomes {
    private static final Logger LOG = LogManager.getLogger(VolumeOutcomes.class);

    private final String volume;
    private final IoLatency latency;
    private final NoSpaceEpisode noSpace = new NoSpaceEpisode();

    VolumeOutcomes(String namespace, String volumeName) {
        this.volume = namespace + ":" + volumeName;
        this.latency = new IoLatency("namespace", namespace, "volume", volumeName);
    }

    IoLatency latency() {
        return latency;
    }

    NoSpaceEpisode noSpace() {
        return noSpace;
    }

    void failed(String serverName, Reply.Failure failure) {
        if (failure.status() == Errno.ENOSPC && noSpace.failed()) {
            LOG.error("volume {}: server {} has no space left for it ({}); writes fail with ENOSPC until space is "
                    + "freed there", volume, serverName, failure.reason());
        }
    }

    void succeeded(IoRequest request) {
        latency.record(op(request.kind), System.nanoTime() - request.startNanos);
        if (request.kind == IoRequest.Kind.WRITE && noSpace.succeeded()) {
            LOG.info("volume {}: writes succeed again after {} failed with ENOSPC", volume, noSpace.failuresInEpisode());
        }
    }

    private static IoLatency.Op op(IoRequest.Kind kind) {
        return switch (kind) {
            case READ -> IoLatency.Op.READ;
            case WRITE -> IoLatency.Op.WRITE;
            case FLUSH -> IoLatency.Op.FLUSH;
            case DISCARD, WRITE_ZEROES -> IoLatency.Op.OTHER;
        };
    }
}
