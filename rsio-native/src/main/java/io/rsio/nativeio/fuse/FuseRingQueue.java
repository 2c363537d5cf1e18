package io.rsio.nativeio.fuse;

import static io.rsio.nativeio.fuse.FuseAbi.*;

import io.rsio.nativeio.EventFd;
import io.rsio.nativeio.IoUring;
import io.rsio.nativeio.LinuxErrno;
import io.rsio.nativeio.MappedMemory;
import io.rsio.nativeio.NativeException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * One FUSE-over-io_uring queue (the kernel keeps one per possible CPU and sends a request to
 * the queue of the CPU it was made on): a thread that owns an io_uring, registers
 * {@code depth} ring entries on the {@code /dev/fuse} descriptor, and then loops: commit the
 * answered entries (COMMIT_AND_FETCH: reply and wait for the next request in one SQE), sleep
 * in io_uring_enter until something completes, hand each request that arrived to the
 * filesystem. Replies are written by whichever thread completes the block I/O; they queue
 * the commit here and wake the thread through an eventfd when it sleeps.
 *
 * <p>The ring is SINGLE_ISSUER with DEFER_TASKRUN: the kernel copies requests into our
 * buffers only while this thread waits in io_uring_enter, so no other thread is interrupted.
 */
final class FuseRingQueue implements Runnable {
    private static final Logger LOG = LogManager.getLogger(FuseRingQueue.class);
    /** user_data of the eventfd read; entries use their index. */
    private static final long WAKEUP = -1L;
    private static final int IOVECS_OFFSET = 512;
    private static final int HEADER_BLOCK = 1024;
    private static final int ECONNABORTED = 103;
    private static final int ECANCELED = 125;

    private final int qid;
    private final int deviceFd;
    private final int depth;
    private final long payloadSize;
    private final VolumeFileSystem fs;
    private final String dir;
    private final ConcurrentLinkedQueue<FuseRingEntry> toCommit = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sleeping = new AtomicBoolean();
    /** Requests this queue received, for the mount's statistics (only this thread writes it). */
    private volatile long requests;
    /** Completes when the entries are registered (or registration failed: exceptionally). */
    final CompletableFuture<Void> registered = new CompletableFuture<>();
    private final EventFd wakeup;
    private final ArrayDeque<FuseRingEntry> arrivedEarly = new ArrayDeque<>();
    private FuseRingEntry[] entries;
    private IoUring ring;
    private int live;
    /** Entries carrying a request this process has not answered yet (a reply will write into them). */
    private int held;
    private boolean wakeupArmed;
    private volatile boolean stopping;

    FuseRingQueue(int qid, int deviceFd, int depth, long payloadSize, VolumeFileSystem fs, String dir)
            throws NativeException {
        this.qid = qid;
        this.deviceFd = deviceFd;
        this.depth = depth;
        this.payloadSize = payloadSize;
        this.fs = fs;
        this.dir = dir;
        this.wakeup = EventFd.create();
    }

    int qid() {
        return qid;
    }

    /** Called by a reply's writer: the entry goes back to the kernel with its reply. */
    void commitLater(FuseRingEntry entry) {
        toCommit.offer(entry);
        if (sleeping.get() && sleeping.compareAndSet(true, false)) {
            signal();
        }
    }

    /** Makes the thread give up its entries and end (the filesystem failed over to /dev/fuse, or closes). */
    void stop() {
        stopping = true;
        signal();
    }

    private void signal() {
        try {
            wakeup.signal();
        } catch (NativeException e) {
            LOG.error("cannot wake FUSE ring queue {} of {}: {}", qid, dir, e.getMessage());
        }
    }

    @Override
    public void run() {
        MemorySegment headers = null;
        MemorySegment payloads = null;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment counter = arena.allocate(8, 8);
            try {
                ring = IoUring.setup(depth + 2, IoUring.SETUP_SQE128 | IoUring.SETUP_SINGLE_ISSUER
                        | IoUring.SETUP_DEFER_TASKRUN);
                headers = MappedMemory.anonymous((long) HEADER_BLOCK * depth, "FUSE ring headers");
                payloads = MappedMemory.anonymous(payloadSize * depth, "FUSE ring payloads");
                entries = new FuseRingEntry[depth];
                for (int i = 0; i < depth; i++) {
                    MemorySegment block = headers.asSlice((long) HEADER_BLOCK * i, HEADER_BLOCK);
                    entries[i] = new FuseRingEntry(i, block.asSlice(0, URING_HEADER_SIZE),
                            block.asSlice(IOVECS_OFFSET, 32), payloads.asSlice(payloadSize * i, payloadSize), this);
                    register(entries[i]);
                }
                armWakeup(counter);
                ring.submitAndWait(0);
                live = depth;
                // a refused registration completes at once; an accepted one only with a request
                ring.reap(this::registrationResult);
            } catch (NativeException | RuntimeException e) {
                registered.completeExceptionally(e);
                return;
            }
            if (registered.isCompletedExceptionally()) {
                return;
            }
            registered.complete(null);
            serve(counter);
        } catch (NativeException | RuntimeException e) {
            LOG.error("FUSE ring queue {} of {} failed: {}", qid, dir, e.toString());
        } finally {
            close(headers, payloads);
        }
    }

    /** A refused registration fails the queue; a request that arrived already is handled once serving starts. */
    private void registrationResult(long userData, int result, int flags) {
        if (userData == WAKEUP) {
            wakeupArmed = false;
        } else if (result < 0) {
            live--;
            if (!registered.isDone()) {
                registered.completeExceptionally(new NativeException(-result, "FUSE_IO_URING_CMD_REGISTER of queue "
                        + qid, FuseChannel.DEVICE));
            }
        } else {
            arrivedEarly.add(entries[(int) userData]);
        }
    }

    private void serve(MemorySegment counter) throws NativeException {
        for (FuseRingEntry e; (e = arrivedEarly.poll()) != null; ) {
            handle(e);
        }
        while (live > 0) {
            if (!wakeupArmed && !stopping) {
                armWakeup(counter);
            }
            commitQueued();
            if (stopping) {
                break;
            }
            sleeping.set(true);
            if (!toCommit.isEmpty()) {
                sleeping.set(false);
                continue;
            }
            ring.submitAndWait(1);
            sleeping.set(false);
            ring.reap(onCompletion);
        }
    }

    /** Made once: a method reference evaluated in the serving loop would be one allocation per wake-up. */
    private final IoUring.CompletionHandler onCompletion = this::completed;

    private void completed(long userData, int result, int flags) {
        if (userData == WAKEUP) {
            wakeupArmed = false;
            return;
        }
        FuseRingEntry entry = entries[(int) userData];
        if (result < 0) {
            // ENOTCONN/ECONNABORTED: the filesystem was unmounted or aborted; ECANCELED: the
            // ring is going away. The entry is no longer the kernel's.
            live--;
            if (!connectionGone(-result)) {
                LOG.warn("FUSE ring entry {}/{} of {} failed: {}", qid, entry.index, dir, LinuxErrno.name(-result));
            }
            return;
        }
        handle(entry);
    }

    /** Errors that only say the filesystem or the ring is going away. */
    private static boolean connectionGone(int errno) {
        return errno == LinuxErrno.ENOTCONN || errno == ECONNABORTED || errno == ECANCELED || errno == LinuxErrno.ENOENT
                || errno == LinuxErrno.ENODEV;
    }

    private void handle(FuseRingEntry entry) {
        FuseRequest request;
        try {
            request = entry.request();
        } catch (FuseProtocolException e) {
            LOG.error("malformed FUSE request on {} (ring queue {}): {}", dir, qid, e.getMessage());
            if (e.header() != null) {
                entry.answering(e.header().unique());
                MemorySegment out = Arena.ofAuto().allocate(16, 8);
                held++;
                entry.send(out, FuseReplyEncoder.error(out, e.header().unique(), LinuxErrno.EIO));
            } else {
                live--; // nothing to commit it with: the entry is lost for this mount
            }
            return;
        }
        FuseOpcode op = FuseOpcode.of(request.header().opcode());
        if (op != null && !op.hasReply()) {
            // FORGET and INTERRUPT travel on /dev/fuse; should one come here, it cannot be
            // committed (nothing waits for a reply), so the entry is lost for this mount.
            LOG.warn("FUSE {} arrived on ring queue {} of {}: entry {} retired", op, qid, dir, entry.index);
            live--;
            return;
        }
        requests++;
        held++;
        fs.handle(request, entry);
    }

    long requests() {
        return requests;
    }

    private void register(FuseRingEntry entry) {
        MemorySegment cmd = IoUring.prepareCommand(nextSqe(), deviceFd, URING_CMD_REGISTER, entry.iovecs.address(), 2,
                entry.index);
        cmd.set(ValueLayout.JAVA_SHORT, URING_CMD_QID_OFFSET, (short) qid);
    }

    private void commitQueued() throws NativeException {
        for (FuseRingEntry entry; (entry = toCommit.poll()) != null; ) {
            held--;
            MemorySegment cmd = IoUring.prepareCommand(nextSqe(), deviceFd, URING_CMD_COMMIT_AND_FETCH, 0, 0,
                    entry.index);
            cmd.set(ValueLayout.JAVA_LONG, URING_CMD_COMMIT_ID_OFFSET, entry.commitId());
            cmd.set(ValueLayout.JAVA_SHORT, URING_CMD_QID_OFFSET, (short) qid);
        }
    }

    private void armWakeup(MemorySegment counter) {
        IoUring.prepare(nextSqe(), IoUring.OP_READ, wakeup.fd(), 0, counter.address(), 8, WAKEUP);
        wakeupArmed = true;
    }

    /** The ring has room for every entry and the wakeup read, so this only submits when a burst filled it. */
    private MemorySegment nextSqe() {
        MemorySegment sqe = ring.nextSqe();
        while (sqe == null) {
            try {
                ring.submitAndWait(0);
            } catch (NativeException e) {
                throw new IllegalStateException(e);
            }
            sqe = ring.nextSqe();
        }
        return sqe;
    }

    private void close(MemorySegment headers, MemorySegment payloads) {
        try {
            if (ring != null) {
                ring.close(); // cancels what the kernel still holds
            }
            wakeup.close();
            // The kernel is done with the buffers once the ring is closed; a reply may still be
            // written into an entry this process holds (stopped while block I/O was in flight):
            // then the buffers stay mapped, a leak rather than a write into unmapped memory.
            if (held > 0) {
                LOG.debug("FUSE ring queue {} of {} stopped with {} requests unanswered: buffers kept", qid, dir, held);
                return;
            }
            if (headers != null) {
                MappedMemory.unmap(headers, "FUSE ring headers");
            }
            if (payloads != null) {
                MappedMemory.unmap(payloads, "FUSE ring payloads");
            }
        } catch (NativeException e) {
            LOG.warn("closing FUSE ring queue {} of {}: {}", qid, dir, e.getMessage());
        }
    }
}
