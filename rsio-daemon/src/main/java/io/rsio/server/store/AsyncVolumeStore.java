package io.rsio.server.store;

import io.netty.buffer.ByteBuf;
import io.rsio.block.BlockException;

/**
 * A {@link VolumeStore} whose storage answers asynchronously (a network block store such as
 * Ceph RBD): rssrv starts each request on the event loop that received it and gets the result
 * through {@link Done}, so a request waiting for the network holds no thread. The synchronous
 * methods of {@link VolumeStore} still work (they wait for the asynchronous ones).
 *
 * <p>Bad ranges, changes to a read-only volume and a closed store are thrown as
 * {@link BlockException} before anything starts; every later outcome goes to {@code done},
 * exactly once, on a thread of the storage library: it must hand the result on and return.
 */
public interface AsyncVolumeStore extends VolumeStore {
    /** The outcome of one request: {@code failure} is null on success. */
    @FunctionalInterface
    interface Done {
        void completed(BlockException failure);
    }

    /**
     * Reads {@code length} bytes at {@code offset} into {@code dst} at its writer index and
     * advances the writer index on success. {@code dst} must have room for {@code length}
     * bytes and must not be touched until {@code done}.
     */
    void readAsync(long offset, ByteBuf dst, int length, Done done);

    /** Writes {@code src}'s readable bytes at {@code offset}; the caller keeps {@code src} until {@code done}. */
    void writeAsync(long offset, ByteBuf src, boolean fua, Done done);

    void flushAsync(Done done);

    void discardAsync(long offset, long length, Done done);

    void writeZeroesAsync(long offset, long length, boolean mayPunchHole, Done done);
}
