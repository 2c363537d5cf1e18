package io.rsio.nativeio.fuse;

import static io.rsio.nativeio.fuse.FuseAbi.*;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.rsio.block.BlockException;
import io.rsio.block.BlockIo;
import io.rsio.block.BlockTarget;
import io.rsio.block.Errno;
import io.rsio.nativeio.LinuxErrno;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The filesystem rsiod serves: one flat directory with one regular file per attached volume,
 * whose bytes are the volume's blocks. Answers every request; block I/O goes asynchronously to
 * the volume's {@link BlockTarget} and is answered when it completes, so a reader thread is
 * never held up by the network.
 *
 * <p>File semantics are a device's: the size is the volume's (truncation and O_TRUNC are
 * ignored, the reply carries the real size), writes past the end fail with ENOSPC, reads past
 * it return nothing, fallocate punches holes or zeroes ranges (discard and write-zeroes of a
 * loop device), fsync flushes the volume. Files are opened with FOPEN_DIRECT_IO: no page cache
 * in front of the network, and a loop device's direct I/O reaches here unchanged.
 *
 * <p>Why it is long: one short handler per FUSE opcode it answers (lookup, getattr, setattr,
 * open, read, write, fsync, fallocate, readdir, statfs, ...); the list of opcodes is the
 * protocol's, and the handlers share the table of volume files.
 */
final class VolumeFileSystem {
    private static final Logger LOG = LogManager.getLogger(VolumeFileSystem.class);
    /** Attributes may be cached briefly; growth is pushed with an invalidation. */
    static final long ATTR_VALID_SECONDS = 1;
    /** Names are not cached, so a detached volume's file is gone at once. */
    static final long ENTRY_VALID_SECONDS = 0;
    private static final int SCRATCH_SIZE = 8 << 10;
    /**
     * READ replies at least this long are written by the bulk reply threads: copying them into
     * the kernel (FUSE pins and copies page by page) would otherwise run on the network event
     * loop that completed the read, serialising it with the socket receive. Short replies are
     * written at once, where the extra hop would only add latency.
     */
    static final int BULK_REPLY = 64 << 10;
    private static final ThreadLocal<MemorySegment> SCRATCH =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(SCRATCH_SIZE, 8));

    /** One volume file. Node ids are never reused, so a stale kernel reference cannot reach another volume. */
    static final class Node {
        final long id;
        final String name;
        final BlockTarget target;
        final BlockIo io;
        final long createdSeconds;
        final AtomicInteger handles = new AtomicInteger();
        volatile int mode;
        volatile int uid;
        volatile int gid;
        /** Set once the file is removed: its I/O fails with EIO instead of reaching the volume. */
        volatile boolean gone;

        Node(long id, String name, BlockTarget target, int uid, int gid) {
            this.id = id;
            this.name = name;
            this.target = target;
            this.io = new BlockIo(target);
            this.createdSeconds = System.currentTimeMillis() / 1000;
            this.mode = S_IFREG | (target.readOnly() ? 0400 : 0600);
            this.uid = uid;
            this.gid = gid;
        }

        FuseAttr attr() {
            long size = target.size();
            return new FuseAttr(id, size, (size + 511) / 512, createdSeconds, mode, 1, uid, gid, 4096);
        }
    }

    private record Handle(Node node, int pid) {}

    private final Map<String, Node> byName = new ConcurrentHashMap<>();
    private final Map<Long, Node> byId = new ConcurrentHashMap<>();
    private final Map<Long, Handle> handles = new ConcurrentHashMap<>();
    private final AtomicLong nextId = new AtomicLong(ROOT_ID + 1);
    private final AtomicLong nextHandle = new AtomicLong(1);
    private final int uid;
    private final int gid;
    private final long createdSeconds = System.currentTimeMillis() / 1000;

    private final Executor bulkReplies;

    VolumeFileSystem(int uid, int gid, Executor bulkReplies) {
        this.uid = uid;
        this.gid = gid;
        this.bulkReplies = bulkReplies;
    }

    /** Adds a file; the name must be a valid file name and not taken. */
    Node add(String name, BlockTarget target) {
        checkName(name);
        Node node = new Node(nextId.getAndIncrement(), name, target, uid, gid);
        if (byName.putIfAbsent(name, node) != null) {
            throw new IllegalArgumentException("a file named " + name + " exists already");
        }
        byId.put(node.id, node);
        return node;
    }

    /**
     * Removes a file from the directory; I/O still arriving for it (from a descriptor opened
     * before) fails with EIO. Returns the node, or null if there was none.
     */
    Node remove(String name) {
        Node node = byName.remove(name);
        if (node != null) {
            node.gone = true;
            if (node.handles.get() == 0) {
                byId.remove(node.id);
            }
        }
        return node;
    }

    Node find(String name) {
        return byName.get(name);
    }

    /** Open handles (descriptors the kernel holds) on a file: a loop device counts as one. */
    int openHandles(String name) {
        Node node = byName.get(name);
        return node == null ? 0 : node.handles.get();
    }

    /** Process ids that opened the file and still hold it, in open order. */
    List<Integer> openers(String name) {
        Node node = byName.get(name);
        List<Integer> pids = new ArrayList<>();
        handles.forEach((fh, h) -> {
            if (h.node == node) {
                pids.add(h.pid);
            }
        });
        return pids;
    }

    static void checkName(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0 || name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length
                > FuseRequestDecoder.NAME_MAX) {
            throw new IllegalArgumentException("not a usable file name: \"" + name + "\"");
        }
    }

    /**
     * Answers one request. Returns before block I/O completes; the reply follows on {@code sink}.
     * A WRITE's data is copied before this returns (the request buffer is reused).
     */
    void handle(FuseRequest request, FuseReplySink sink) {
        try {
            dispatch(request, sink);
        } catch (RuntimeException e) {
            LOG.error("FUSE {} failed", request.header().describe(), e);
            if (FuseOpcode.of(request.header().opcode()) == null
                    || FuseOpcode.of(request.header().opcode()).hasReply()) {
                error(sink, request.unique(), LinuxErrno.EIO);
            }
        }
    }

    private void dispatch(FuseRequest request, FuseReplySink sink) {
        long unique = request.unique();
        switch (request) {
            case FuseRequest.Lookup r -> {
                Node node = r.nodeId() == ROOT_ID ? byName.get(r.name()) : null;
                if (r.nodeId() != ROOT_ID) {
                    error(sink, unique, LinuxErrno.ENOTDIR);
                } else if (node == null) {
                    error(sink, unique, LinuxErrno.ENOENT);
                } else {
                    MemorySegment out = SCRATCH.get();
                    sink.send(out, FuseReplyEncoder.entry(out, unique, node.id, 1, ENTRY_VALID_SECONDS,
                            ATTR_VALID_SECONDS, node.attr()));
                }
            }
            case FuseRequest.Getattr r -> {
                FuseAttr attr = attrOf(r.nodeId());
                if (attr == null) {
                    error(sink, unique, LinuxErrno.ENOENT);
                } else {
                    MemorySegment out = SCRATCH.get();
                    sink.send(out, FuseReplyEncoder.attr(out, unique, ATTR_VALID_SECONDS, attr));
                }
            }
            case FuseRequest.Setattr r -> setattr(r, sink);
            case FuseRequest.Open r -> open(r, sink);
            case FuseRequest.Read r -> read(r, sink);
            case FuseRequest.Write r -> write(r, sink);
            case FuseRequest.Fsync r -> {
                Node node = liveFile(r.nodeId(), unique, sink);
                if (node != null) {
                    reply(sink, unique, node.io.flush());
                }
            }
            case FuseRequest.Fallocate r -> fallocate(r, sink);
            case FuseRequest.Flush r -> empty(sink, unique); // close(2) of one descriptor: nothing to do
            case FuseRequest.Release r -> {
                Handle h = handles.remove(r.fh());
                if (h != null && h.node.handles.decrementAndGet() == 0 && h.node.gone) {
                    byId.remove(h.node.id);
                }
                empty(sink, unique);
            }
            case FuseRequest.Opendir r -> {
                if (r.nodeId() != ROOT_ID) {
                    error(sink, unique, LinuxErrno.ENOTDIR);
                } else {
                    MemorySegment out = SCRATCH.get();
                    sink.send(out, FuseReplyEncoder.open(out, unique, 0, 0));
                }
            }
            case FuseRequest.Readdir r -> readdir(r, sink);
            case FuseRequest.Releasedir r -> empty(sink, unique);
            case FuseRequest.Statfs r -> {
                long bytes = byName.values().stream().mapToLong(n -> n.target.size()).sum();
                MemorySegment out = SCRATCH.get();
                sink.send(out, FuseReplyEncoder.statfs(out, unique, bytes / 4096, byName.size(), 4096));
            }
            case FuseRequest.Access r -> empty(sink, unique);
            case FuseRequest.Destroy r -> empty(sink, unique);
            case FuseRequest.Forget r -> { } // node ids are never reused: nothing to count
            case FuseRequest.BatchForget r -> { }
            case FuseRequest.Interrupt r -> { } // block I/O is bounded by the volume's own timeouts
            case FuseRequest.Init r -> error(sink, unique, LinuxErrno.EIO); // only once, at mount
            case FuseRequest.Other r -> error(sink, unique, otherErrno(r.header().opcode()));
        }
    }

    /** Creating, renaming or removing names is not possible here (EPERM); anything else is unknown (ENOSYS). */
    private static int otherErrno(int opcode) {
        FuseOpcode op = FuseOpcode.of(opcode);
        if (op == null) {
            return LinuxErrno.ENOSYS;
        }
        return switch (op) {
            case SYMLINK, MKNOD, MKDIR, UNLINK, RMDIR, RENAME, LINK, CREATE, RENAME2, TMPFILE -> LinuxErrno.EPERM;
            default -> LinuxErrno.ENOSYS;
        };
    }

    private FuseAttr attrOf(long nodeId) {
        if (nodeId == ROOT_ID) {
            return new FuseAttr(ROOT_ID, 0, 0, createdSeconds, S_IFDIR | 0700, 2, uid, gid, 4096);
        }
        Node node = byId.get(nodeId);
        return node == null ? null : node.attr();
    }

    /** Mode and owner may change (kept while attached); the size is the volume's and stays. */
    private void setattr(FuseRequest.Setattr r, FuseReplySink sink) {
        Node node = byId.get(r.nodeId());
        if (node != null) {
            if ((r.valid() & FATTR_MODE) != 0) {
                node.mode = S_IFREG | (r.mode() & 07777);
            }
            if ((r.valid() & FATTR_UID) != 0) {
                node.uid = r.uid();
            }
            if ((r.valid() & FATTR_GID) != 0) {
                node.gid = r.gid();
            }
            if ((r.valid() & FATTR_SIZE) != 0 && r.size() != node.target.size()) {
                LOG.debug("size change of {} to {} ignored: the size is the volume's", node.name, r.size());
            }
        }
        FuseAttr attr = attrOf(r.nodeId());
        if (attr == null) {
            error(sink, r.unique(), LinuxErrno.ENOENT);
            return;
        }
        MemorySegment out = SCRATCH.get();
        sink.send(out, FuseReplyEncoder.attr(out, r.unique(), ATTR_VALID_SECONDS, attr));
    }

    private void open(FuseRequest.Open r, FuseReplySink sink) {
        if (r.nodeId() == ROOT_ID) {
            error(sink, r.unique(), LinuxErrno.EISDIR);
            return;
        }
        Node node = liveFile(r.nodeId(), r.unique(), sink);
        if (node == null) {
            return;
        }
        if ((r.flags() & O_ACCMODE) != O_RDONLY && node.target.readOnly()) {
            error(sink, r.unique(), LinuxErrno.EROFS);
            return;
        }
        long fh = nextHandle.getAndIncrement();
        node.handles.incrementAndGet();
        handles.put(fh, new Handle(node, r.header().pid()));
        MemorySegment out = SCRATCH.get();
        sink.send(out, FuseReplyEncoder.open(out, r.unique(), fh, FOPEN_DIRECT_IO | FOPEN_PARALLEL_DIRECT_WRITES));
    }

    private void read(FuseRequest.Read r, FuseReplySink sink) {
        Node node = liveFile(r.nodeId(), r.unique(), sink);
        if (node == null) {
            return;
        }
        long size = node.target.size();
        if (r.offset() < 0) {
            error(sink, r.unique(), LinuxErrno.EINVAL);
            return;
        }
        if (r.offset() >= size || r.size() == 0) {
            empty(sink, r.unique()); // end of file
            return;
        }
        int length = (int) Math.min(r.size(), size - r.offset());
        long unique = r.unique();
        node.io.read(r.offset(), length).whenComplete((data, failure) -> {
            if (failure != null) {
                error(sink, unique, errnoOf(failure));
            } else if (length >= BULK_REPLY) {
                try {
                    bulkReplies.execute(() -> sendData(sink, unique, data));
                } catch (RejectedExecutionException e) {
                    sendData(sink, unique, data); // shutting down: answer here rather than never
                }
            } else {
                sendData(sink, unique, data);
            }
        });
    }

    private static void sendData(FuseReplySink sink, long unique, ByteBuf data) {
        try {
            sink.sendData(unique, data);
        } finally {
            data.release();
        }
    }

    private void write(FuseRequest.Write r, FuseReplySink sink) {
        Node node = liveFile(r.nodeId(), r.unique(), sink);
        if (node == null) {
            return;
        }
        if (node.target.readOnly()) {
            error(sink, r.unique(), LinuxErrno.EROFS);
            return;
        }
        long size = node.target.size();
        if (r.offset() < 0 || r.offset() > size || r.size() > size - r.offset()) {
            error(sink, r.unique(), LinuxErrno.ENOSPC); // a device does not grow by writing past its end
            return;
        }
        long unique = r.unique();
        int length = r.size();
        if (length == 0) {
            MemorySegment out = SCRATCH.get();
            sink.send(out, FuseReplyEncoder.write(out, unique, 0));
            return;
        }
        ByteBuf data = PooledByteBufAllocator.DEFAULT.directBuffer(length);
        data.writeBytes(r.data().asByteBuffer());
        node.io.write(r.offset(), data, false).whenComplete((ignored, failure) -> {
            if (failure != null) {
                error(sink, unique, errnoOf(failure));
            } else {
                MemorySegment out = SCRATCH.get();
                sink.send(out, FuseReplyEncoder.write(out, unique, length));
            }
        });
    }

    /**
     * PUNCH_HOLE (a loop device's discard) and ZERO_RANGE (write-zeroes) make the range read
     * as zeros, the first allowing the server to deallocate; plain allocation within the
     * volume succeeds (space is the server's business); anything else is EOPNOTSUPP.
     */
    private void fallocate(FuseRequest.Fallocate r, FuseReplySink sink) {
        Node node = liveFile(r.nodeId(), r.unique(), sink);
        if (node == null) {
            return;
        }
        long size = node.target.size();
        int mode = r.mode();
        boolean keepSize = (mode & FALLOC_FL_KEEP_SIZE) != 0;
        int kind = mode & ~FALLOC_FL_KEEP_SIZE;
        if (r.offset() < 0 || r.length() <= 0) {
            error(sink, r.unique(), LinuxErrno.EINVAL);
            return;
        }
        if (kind != 0 && kind != FALLOC_FL_PUNCH_HOLE && kind != FALLOC_FL_ZERO_RANGE) {
            error(sink, r.unique(), LinuxErrno.EOPNOTSUPP);
            return;
        }
        long end = r.offset() + r.length();
        if (end < 0 || end > size) {
            if (!keepSize) {
                error(sink, r.unique(), LinuxErrno.ENOSPC); // would grow the file
                return;
            }
            end = size; // past the end there is nothing to zero
        }
        if (kind == 0 || r.offset() >= end) {
            empty(sink, r.unique());
            return;
        }
        if (node.target.readOnly()) {
            error(sink, r.unique(), LinuxErrno.EROFS);
            return;
        }
        boolean mayPunchHole = kind == FALLOC_FL_PUNCH_HOLE;
        reply(sink, r.unique(), node.io.writeZeroes(r.offset(), end - r.offset(), mayPunchHole, false));
    }

    private void readdir(FuseRequest.Readdir r, FuseReplySink sink) {
        if (r.nodeId() != ROOT_ID) {
            error(sink, r.unique(), LinuxErrno.ENOTDIR);
            return;
        }
        List<FuseReplyEncoder.Dirent> entries = new ArrayList<>();
        entries.add(new FuseReplyEncoder.Dirent(ROOT_ID, ".", DT_DIR));
        entries.add(new FuseReplyEncoder.Dirent(ROOT_ID, "..", DT_DIR));
        byName.values().stream().sorted(Comparator.comparing(n -> n.name))
                .forEach(n -> entries.add(new FuseReplyEncoder.Dirent(n.id, n.name, DT_REG)));
        int max = Math.min(r.size(), 1 << 20);
        MemorySegment out = max + OUT_HEADER_SIZE <= SCRATCH_SIZE ? SCRATCH.get()
                : Arena.ofAuto().allocate(max + OUT_HEADER_SIZE, 8);
        sink.send(out, FuseReplyEncoder.readdir(out, r.unique(), entries, r.offset(), max));
    }

    /** The file node for I/O, or null after answering ENOENT (unknown) or EIO (removed). */
    private Node liveFile(long nodeId, long unique, FuseReplySink sink) {
        Node node = byId.get(nodeId);
        if (node == null) {
            error(sink, unique, nodeId == ROOT_ID ? LinuxErrno.EISDIR : LinuxErrno.ENOENT);
            return null;
        }
        if (node.gone) {
            error(sink, unique, LinuxErrno.EIO);
            return null;
        }
        return node;
    }

    private static void reply(FuseReplySink sink, long unique, CompletableFuture<Void> op) {
        op.whenComplete((ignored, failure) -> {
            if (failure != null) {
                error(sink, unique, errnoOf(failure));
            } else {
                empty(sink, unique);
            }
        });
    }

    /** The target's errno goes to the kernel unchanged (RSIO errnos are Linux numbers); never 0. */
    static int errnoOf(Throwable failure) {
        Errno errno = BlockException.errnoOf(failure);
        if (errno == Errno.OK) {
            return LinuxErrno.EIO;
        }
        if (!(unwrap(failure) instanceof BlockException)) {
            LOG.warn("volume I/O failed unexpectedly", failure);
        }
        return errno == Errno.ESHUTDOWN || errno == Errno.ETIMEDOUT || errno == Errno.EPROTO
                || errno == Errno.EBADF || errno == Errno.ENOENT ? LinuxErrno.EIO : errno.value();
    }

    private static Throwable unwrap(Throwable t) {
        while (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static void empty(FuseReplySink sink, long unique) {
        MemorySegment out = SCRATCH.get();
        sink.send(out, FuseReplyEncoder.empty(out, unique));
    }

    private static void error(FuseReplySink sink, long unique, int errno) {
        MemorySegment out = SCRATCH.get();
        sink.send(out, FuseReplyEncoder.error(out, unique, errno));
    }
}
