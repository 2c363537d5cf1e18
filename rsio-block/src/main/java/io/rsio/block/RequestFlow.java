package io.rsio.block;

/**
 * Flow control of one connection of a block server, the NBD export's and rssrv's alike: how
 * many requests and bytes of data are in flight, whether the connection should read more,
 * and whether replies written during a read wait for their flush.
 *
 * <p>A connection reads only while both counts stay below their limits and its peer takes
 * the replies (the channel is writable): a client that floods requests or never reads its
 * replies is slowed down by TCP instead of filling the server's memory. Once stopped it
 * resumes below the limits, or with {@link Resume#AT_HALF} only at half of them, so a busy
 * connection does not flip its reading on and off with every reply.
 *
 * <p>Replies made while a batch of requests is being read (refusals, answers that need no
 * wait) are written without a flush; the batch's end ({@code channelReadComplete}, which
 * always follows {@code channelRead}) flushes them all in one system call.
 *
 * <p>Knows no channel: the handler asks and applies, so the policy is one piece of logic
 * for both servers. Not thread-safe; used on the connection's event loop.
 */
public final class RequestFlow {
    /** When a connection that stopped reading starts again. */
    public enum Resume { BELOW_LIMITS, AT_HALF }

    private final int maxRequests;
    private final long maxBytes;
    private final Resume resume;
    private int requests;
    private long bytes;
    private boolean flushPending;

    public RequestFlow(int maxRequests, long maxBytes, Resume resume) {
        this.maxRequests = maxRequests;
        this.maxBytes = maxBytes;
        this.resume = resume;
    }

    /** A request of {@code dataBytes} (READ or WRITE data, else 0) went to the target. */
    public void started(long dataBytes) {
        requests++;
        bytes += dataBytes;
    }

    /** A request {@link #started} earlier completed. */
    public void finished(long dataBytes) {
        requests--;
        bytes -= dataBytes;
    }

    public int requests() {
        return requests;
    }

    public long bytes() {
        return bytes;
    }

    /**
     * Whether the connection should read now.
     *
     * @param reading whether it reads now (Netty's auto-read)
     * @param mayRead false once the connection is closing: it never reads again
     * @param writable whether the peer takes the replies written so far
     */
    public boolean shouldRead(boolean reading, boolean mayRead, boolean writable) {
        if (!mayRead || !writable) {
            return false;
        }
        if (reading || resume == Resume.BELOW_LIMITS) {
            return requests < maxRequests && bytes < maxBytes;
        }
        return requests <= maxRequests / 2 && bytes <= maxBytes / 2;
    }

    /** A reply was written without a flush while requests are being read. */
    public void replyWritten() {
        flushPending = true;
    }

    /** At the end of a read batch: true, once, when replies wait for their flush. */
    public boolean takeFlush() {
        boolean take = flushPending;
        flushPending = false;
        return take;
    }
}
