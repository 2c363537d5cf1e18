package io.rsio.server.store;

import io.rsio.block.Errno;
import io.rsio.common.NoSpaceEpisode;
import io.rsio.metrics.IoLatency;
import io.rsio.wire.Opcode;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import java.util.concurrent.atomic.LongAdder;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * What rssrv did for one volume since it started: requests and bytes each way, failures,
 * store latency, and whether the volume is out of space now. Counted once per executed
 * request on the store thread or event loop that executed it (adders, no lock); read by the
 * metrics endpoint. A full disk is logged once per episode, not per failed write.
 */
public final class VolumeCounters {
    private static final Logger LOG = LogManager.getLogger(VolumeCounters.class);

    private final String volume;
    private final LongAdder reads = new LongAdder();
    private final LongAdder writes = new LongAdder();
    private final LongAdder flushes = new LongAdder();
    private final LongAdder others = new LongAdder();
    private final LongAdder readBytes = new LongAdder();
    private final LongAdder writtenBytes = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final NoSpaceEpisode noSpace = new NoSpaceEpisode();
    private final IoLatency latency;

    public VolumeCounters(String volume) {
        this.volume = volume;
        this.latency = new IoLatency("volume", volume);
    }

    /** The data bytes of a request, taken before it runs (a WRITE's data is released after). */
    public static int dataBytes(Request request) {
        return switch (request) {
            case Request.Read r -> r.length();
            case Request.Write w -> w.data().readableBytes();
            default -> 0;
        };
    }

    /** One request of {@code opcode} moving {@code bytes} ended with {@code reply} after {@code nanos}. */
    public void completed(Opcode opcode, int bytes, Reply reply, long nanos) {
        if (reply instanceof Reply.Failure failure) {
            if (failure.status() == Errno.ESHUTDOWN) {
                return; // not executed: the connection or the server went away first
            }
            errors.increment();
            if (failure.status() == Errno.ENOSPC && noSpace.failed()) {
                LOG.error("volume {}: no space left for its data ({}); writes fail with ENOSPC until space is freed",
                        volume, failure.reason());
            }
            return;
        }
        switch (opcode) {
            case READ -> {
                reads.increment();
                readBytes.add(bytes);
                latency.record(IoLatency.Op.READ, nanos);
            }
            case WRITE -> {
                writes.increment();
                writtenBytes.add(bytes);
                latency.record(IoLatency.Op.WRITE, nanos);
                wroteAgain();
            }
            case FLUSH -> {
                flushes.increment();
                latency.record(IoLatency.Op.FLUSH, nanos);
            }
            default -> {
                others.increment();
                latency.record(IoLatency.Op.OTHER, nanos);
                if (opcode == Opcode.WRITE_ZEROES) {
                    wroteAgain();
                }
            }
        }
    }

    private void wroteAgain() {
        if (noSpace.succeeded()) {
            LOG.info("volume {}: writes succeed again after {} failed with ENOSPC", volume, noSpace.failuresInEpisode());
        }
    }

    public String volume() {
        return volume;
    }

    public long reads() {
        return reads.sum();
    }

    public long writes() {
        return writes.sum();
    }

    public long flushes() {
        return flushes.sum();
    }

    /** Discards, write-zeroes and queries. */
    public long others() {
        return others.sum();
    }

    public long readBytes() {
        return readBytes.sum();
    }

    public long writtenBytes() {
        return writtenBytes.sum();
    }

    /** Requests that failed (ESHUTDOWN, never executed, not counted). */
    public long errors() {
        return errors.sum();
    }

    public NoSpaceEpisode noSpace() {
        return noSpace;
    }

    public IoLatency latency() {
        return latency;
    }
}
