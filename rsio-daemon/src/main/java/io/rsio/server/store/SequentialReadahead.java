package io.rsio.server.store;

/**
 * Finds sequential readers of a volume file and has the kernel read ahead of them, far enough
 * that their next requests find the page cache full.
 *
 * <p>Why the kernel's own readahead is not enough: one client's stream reaches rssrv as many
 * requests in flight at once (a 1 MiB read at queue depth 16, split into chunks over every
 * path), read by several store threads through one file descriptor. The kernel keeps one
 * readahead state per open file and sees interleaved offsets: it reads little ahead, and each
 * store thread waits for the disk in turn. Measured on a file not in the page cache, one
 * stream over 4 links reached a sixth of the wire in its first 8 s (docs/performance.md).
 *
 * <p>A stream is a run of reads each starting near the furthest end read so far (within
 * {@link #SLACK}: requests of one stream arrive out of order over several paths). It is judged
 * after every {@link #EPOCH} bytes read: sequential when those reads lie within one and a half times
 * their size. Random reads near a stream do not qualify: they scatter over the whole slack
 * (also when they read the same blocks again, as on a small volume). Up to {@link #STREAMS}
 * streams are followed at once (several clients reading one volume); a read that fits none
 * replaces the least recently used. A sequential stream is kept {@link #WINDOW} bytes ahead,
 * asked for in steps of half a window.
 *
 * <p>Called for every read, on event loops and store threads: the state is small and a lock
 * is held for a few comparisons; the advice itself runs on the caller's {@link Adviser}, which
 * must not block the caller.
 */
final class SequentialReadahead {
    static final long SLACK = 16L << 20;
    static final long EPOCH = 8L << 20;
    static final long WINDOW = 32L << 20;
    static final int STREAMS = 4;

    /** Starts reading {@code length} bytes at {@code offset} into the page cache, asynchronously. */
    @FunctionalInterface
    interface Adviser {
        void willNeed(long offset, long length);
    }

    private static final class Stream {
        /** The furthest end read so far. */
        long end;
        /** The lowest offset and the bytes read in the epoch under way. */
        long epochStart;
        long epochBytes;
        boolean sequential;
        long advisedEnd;
        long lastUse;

        void restart(long offset, long end) {
            this.end = end;
            epochStart = offset;
            epochBytes = end - offset;
            sequential = false;
            advisedEnd = end;
        }
    }

    private final Adviser adviser;
    private final Stream[] streams = new Stream[STREAMS];
    private long clock;

    SequentialReadahead(Adviser adviser) {
        this.adviser = adviser;
        for (int i = 0; i < STREAMS; i++) {
            streams[i] = new Stream();
        }
    }

    /** Notes a read of {@code length} bytes at {@code offset} of a volume of {@code size} bytes. */
    void onRead(long offset, int length, long size) {
        long from;
        long to;
        synchronized (this) {
            long end = offset + length;
            Stream s = find(offset);
            if (s == null) {
                s = leastRecentlyUsed();
                s.restart(offset, end);
                s.lastUse = ++clock;
                return;
            }
            s.lastUse = ++clock;
            s.end = Math.max(s.end, end);
            s.epochStart = Math.min(s.epochStart, offset);
            s.epochBytes += length;
            if (s.epochBytes >= EPOCH) {
                s.sequential = 2 * (s.end - s.epochStart) <= 3 * s.epochBytes;
                s.epochStart = Long.MAX_VALUE;
                s.epochBytes = 0;
            }
            if (!s.sequential || s.end + WINDOW / 2 <= s.advisedEnd || s.advisedEnd >= size) {
                return;
            }
            from = Math.max(s.advisedEnd, s.end);
            to = Math.min(size, s.end + WINDOW);
            s.advisedEnd = to;
        }
        if (to > from) {
            adviser.willNeed(from, to - from);
        }
    }

    private Stream find(long offset) {
        for (Stream s : streams) {
            if (s.lastUse != 0 && offset >= s.end - SLACK && offset <= s.end + SLACK) {
                return s;
            }
        }
        return null;
    }

    private Stream leastRecentlyUsed() {
        Stream oldest = streams[0];
        for (Stream s : streams) {
            if (s.lastUse < oldest.lastUse) {
                oldest = s;
            }
        }
        return oldest;
    }
}
