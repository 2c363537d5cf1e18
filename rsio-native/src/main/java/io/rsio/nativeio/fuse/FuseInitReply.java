package io.rsio.nativeio.fuse;

import static io.rsio.nativeio.fuse.FuseAbi.*;

/**
 * What this server answers to INIT, and so what the connection runs with: requests of up to
 * {@code maxWrite} bytes ({@code maxPages} pages), up to {@code maxBackground} asynchronous
 * requests in flight, and only the capability flags both sides have.
 */
public record FuseInitReply(int major, int minor, int maxReadahead, long flags, int maxBackground,
                            int congestionThreshold, int maxWrite, int timeGranularity, int maxPages) {
    /** 1 MiB requests: what a block device wants, and the kernel's default page limit (256). */
    public static final int MAX_WRITE = 1 << 20;
    public static final int MAX_PAGES = MAX_WRITE / 4096;
    /**
     * Asynchronous direct I/O (a loop device's queue) counts as background requests; the
     * kernel's default of 12 would cap the queue depth far below what a block device gets.
     */
    public static final int MAX_BACKGROUND = 256;

    /**
     * The flags this server wants: ASYNC_READ, BIG_WRITES (old kernels), ASYNC_DIO (a loop
     * device's direct I/O goes out asynchronously, many at a time), MAX_PAGES (1 MiB requests).
     * Not ATOMIC_O_TRUNC: with it the kernel sets the cached size to 0 on an O_TRUNC open, and
     * asynchronous direct reads are clamped to that size.
     */
    static final long WANTED = FuseAbi.ASYNC_READ | BIG_WRITES | ASYNC_DIO | FuseAbi.MAX_PAGES;

    /** The answer to the kernel's INIT for the /dev/fuse transport; an unusable kernel is an exception. */
    public static FuseInitReply negotiate(FuseRequest.Init init) throws FuseProtocolException {
        return negotiate(init, false);
    }

    /**
     * The answer to the kernel's INIT; with {@code overIoUring}, FUSE_OVER_IO_URING is taken
     * when the kernel offers it (it then waits for the ring queues before sending requests).
     */
    public static FuseInitReply negotiate(FuseRequest.Init init, boolean overIoUring) throws FuseProtocolException {
        if (init.major() != KERNEL_MAJOR) {
            throw new FuseProtocolException("kernel speaks FUSE " + init.major() + "." + init.minor()
                    + ", this server speaks " + KERNEL_MAJOR + ".x", init.header());
        }
        if (init.minor() < MIN_MINOR) {
            throw new FuseProtocolException("kernel FUSE protocol 7." + init.minor() + " is older than 7."
                    + MIN_MINOR + " (no 1 MiB requests)", init.header());
        }
        long flags = init.flags() & WANTED;
        if (overIoUring && (init.flags() & (OVER_IO_URING | INIT_EXT)) == (OVER_IO_URING | INIT_EXT)) {
            flags |= OVER_IO_URING | INIT_EXT; // flags2 counts only with INIT_EXT in flags
        }
        return new FuseInitReply(KERNEL_MAJOR, Math.min(init.minor(), SERVER_MINOR), init.maxReadahead(), flags,
                MAX_BACKGROUND, MAX_BACKGROUND * 3 / 4, MAX_WRITE, 1, MAX_PAGES);
    }

    public boolean has(long flag) {
        return (flags & flag) == flag;
    }

    /** True when requests travel over io_uring queues instead of read(2) on /dev/fuse. */
    public boolean overIoUring() {
        return has(OVER_IO_URING);
    }

    /** True when the kernel sends a loop device's direct I/O asynchronously (several in flight). */
    public boolean asyncDirectIo() {
        return has(ASYNC_DIO);
    }
}
