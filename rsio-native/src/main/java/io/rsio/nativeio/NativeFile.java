package io.rsio.nativeio;

import static io.rsio.nativeio.LinuxAbi.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A file or block device opened with open(2) and used through positional system calls.
 *
 * <p>Thread safety: every method may be called from several threads at once, including
 * {@link #close()} while I/O is running. The descriptor is really closed only after the last
 * call in flight has finished, so a racing close can never make a pread hit a different file
 * that happened to reuse the descriptor number. Calls that start after close fail with
 * {@link ClosedChannelException}.
 *
 * <p>Buffers must be native memory (off-heap segments or direct ByteBuffers): the kernel
 * copies straight into them. With {@code direct} (O_DIRECT) buffers, offsets and lengths must
 * also be aligned to the device's logical block size, else the kernel answers EINVAL.
 *
 * <p>Why it is long: it is the one owner of a descriptor; every call on it (pread and pwrite in
 * their segment, vectored and cached forms, fdatasync, hole punching, zeroing, discard, size,
 * truncate) is short and goes through the same
 * close-safe reference count, which must stay in one class to stay correct.
 */
public final class NativeFile implements AutoCloseable {
    /** Set in {@link #state} once close() was called. */
    private static final long CLOSING = 1L << 62;
    /** Set in {@link #state} once the descriptor was handed back to the kernel. */
    private static final long RELEASED = 1L << 61;
    private static final long ZERO_CHUNK = 1 << 20;
    /** "" for statx(fd, "", AT_EMPTY_PATH), which is fstat with a portable layout. */
    private static final MemorySegment EMPTY_STRING = Arena.global().allocate(1);
    /** _IOW(0x94, 9, int): linux/fs.h. */
    static final long FICLONE = 0x40049409L;

    private final int fd;
    private final Path path;
    /** The S_IFMT bits of st_mode, fixed at open. */
    private final int type;
    /** Flag bits above plus, in the low bits, the number of calls using {@link #fd} now. */
    private final AtomicLong state = new AtomicLong();

    private NativeFile(int fd, Path path, int type) {
        this.fd = fd;
        this.path = path;
        this.type = type;
    }

    /**
     * Opens {@code path} (O_CLOEXEC always). A file made by {@code create} gets mode 0600:
     * volume files hold other machines' data.
     *
     * @param readOnly O_RDONLY instead of O_RDWR
     * @param create O_CREAT: make a missing file (empty)
     * @param direct O_DIRECT: bypass the page cache (alignment rules apply, see class doc)
     */
    public static NativeFile open(Path path, boolean readOnly, boolean create, boolean direct) throws IOException {
        Objects.requireNonNull(path, "path");
        int flags = (readOnly ? O_RDONLY : O_RDWR) | O_CLOEXEC;
        if (create) {
            flags |= O_CREAT;
        }
        if (direct) {
            flags |= LinuxAbi.oDirect();
        }
        MemorySegment cs = Libc.callState();
        int fd;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cPath = arena.allocateFrom(path.toString());
            do {
                fd = Libc.open(cs, cPath, flags, 0600);
            } while (fd < 0 && Libc.errno(cs) == LinuxErrno.EINTR);
        }
        if (fd < 0) {
            throw new NativeException(Libc.errno(cs), "open", path);
        }
        try {
            return new NativeFile(fd, path, stat(fd, path).mode() & S_IFMT);
        } catch (IOException | RuntimeException e) {
            Libc.close(cs, fd);
            throw e;
        }
    }

    /** The raw descriptor, for calls this class does not wrap; valid until {@link #close()}. */
    public int fd() {
        return fd;
    }

    public Path path() {
        return path;
    }

    /** True for a block device (its size comes from BLKGETSIZE64, not from stat). */
    public boolean isBlockDevice() {
        return type == S_IFBLK;
    }

    /** True for a regular file (not a device, directory, pipe or socket). */
    public boolean isRegularFile() {
        return type == S_IFREG;
    }

    /**
     * Reads {@code dst.byteSize()} bytes starting at {@code offset}, retrying short reads;
     * stops early only at end of file.
     *
     * @return the number of bytes read, less than the segment's size only at end of file
     */
    public int pread(MemorySegment dst, long offset) throws IOException {
        long length = checkBuffer(dst, offset);
        acquire();
        try {
            MemorySegment cs = Libc.callState();
            long done = 0;
            while (done < length) {
                long n = Libc.pread(cs, fd, done == 0 ? dst : dst.asSlice(done), length - done, offset + done);
                if (n > 0) {
                    done += n;
                } else if (n == 0) {
                    break;
                } else {
                    int errno = Libc.errno(cs);
                    if (errno != LinuxErrno.EINTR) {
                        throw new NativeException(errno, "pread of " + length + " bytes at " + offset, path);
                    }
                }
            }
            return (int) done;
        } finally {
            release();
        }
    }

    /** preadv2 flag: answer EAGAIN instead of waiting for the disk. */
    private static final int RWF_NOWAIT = 8;

    /**
     * Reads all of {@code dst} at {@code offset} only if it is already in the page cache, so the
     * caller may do it on a thread that must never wait for a disk (an event loop).
     *
     * @return true when {@code dst} was filled; false when part of the range is not cached
     *     (or lies beyond the end of file) and a normal {@link #pread} is needed
     */
    public boolean preadCached(MemorySegment dst, long offset) throws IOException {
        long length = checkBuffer(dst, offset);
        acquire();
        try {
            MemorySegment cs = Libc.callState();
            long n = Libc.preadv2(cs, fd, dst, length, offset, RWF_NOWAIT);
            if (n == length) {
                return true;
            }
            if (n >= 0) {
                return false;
            }
            int errno = Libc.errno(cs);
            if (errno == LinuxErrno.EAGAIN || errno == LinuxErrno.EOPNOTSUPP || errno == LinuxErrno.EINTR) {
                return false;
            }
            throw new NativeException(errno, "preadv2 of " + length + " bytes at " + offset, path);
        } finally {
            release();
        }
    }

    /** Writes all of {@code src} at {@code offset}, retrying short writes. @return its size */
    public int pwrite(MemorySegment src, long offset) throws IOException {
        long length = checkBuffer(src, offset); // native memory only, like pread
        return (int) pwriteNative(List.of(src), length, offset);
    }

    /**
     * Per thread: room for the iovecs of a gathering write of up to this many parts (Linux's
     * IOV_MAX, 16 KiB per thread). A large request arrives in as many parts as socket reads,
     * which are at most 64 KiB each, so even a 4 MiB write fits without a staging copy.
     */
    private static final int IOV_PARTS = 1024;
    private static final ThreadLocal<MemorySegment> IOVECS =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(16L * IOV_PARTS, 8));

    /**
     * Writes {@code parts} back to back at {@code offset} with one pwritev(2), retrying short
     * writes. One system call instead of one per part matters beyond speed: a process killed
     * between two pwrites of one request would leave a block half new and half old, while the
     * kernel completes or skips each page of a single write as a whole. Heap parts, or more
     * parts than one call takes, are first copied into one native buffer.
     *
     * @return the bytes written (the parts' total size)
     */
    public long pwrite(List<MemorySegment> parts, long offset) throws IOException {
        long length = 0;
        boolean staged = parts.size() > IOV_PARTS;
        for (MemorySegment part : parts) {
            if (part.isNative()) {
                length += checkBuffer(part, offset);
            } else {
                staged = true;
                length += part.byteSize();
            }
        }
        return staged ? pwriteStaged(parts, length, offset) : pwriteNative(parts, length, offset);
    }

    /** One pwritev of native {@code parts} ({@code length} bytes in all), retried until all is written. */
    private long pwriteNative(List<MemorySegment> parts, long length, long offset) throws IOException {
        acquire();
        try {
            MemorySegment cs = Libc.callState();
            MemorySegment iov = IOVECS.get();
            long done = 0;
            while (done < length) {
                int count = fillIovecs(iov, parts, done);
                long n = Libc.pwritev(cs, fd, iov, count, offset + done);
                if (n > 0) {
                    done += n;
                } else if (n == 0) {
                    throw new IOException("pwrite of " + length + " bytes at " + offset + " on " + path
                            + " made no progress after " + done + " bytes");
                } else {
                    int errno = Libc.errno(cs);
                    if (errno != LinuxErrno.EINTR) {
                        throw new NativeException(errno, "pwrite of " + length + " bytes at " + offset, path);
                    }
                }
            }
            return done;
        } finally {
            release();
        }
    }

    /** The iovecs of what remains after the first {@code skip} bytes of {@code parts}; their count. */
    private static int fillIovecs(MemorySegment iov, List<MemorySegment> parts, long skip) {
        int count = 0;
        for (MemorySegment part : parts) {
            long size = part.byteSize();
            if (skip >= size) {
                skip -= size;
                continue;
            }
            iov.set(ValueLayout.ADDRESS, 16L * count, skip == 0 ? part : part.asSlice(skip));
            iov.set(ValueLayout.JAVA_LONG, 16L * count + 8, size - skip);
            skip = 0;
            count++;
        }
        return count;
    }

    /** Heap parts, or more parts than the iovec room: one native copy, then one pwrite. */
    private long pwriteStaged(List<MemorySegment> parts, long length, long offset) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staging = arena.allocate(length);
            long at = 0;
            for (MemorySegment part : parts) {
                staging.asSlice(at, part.byteSize()).copyFrom(part);
                at += part.byteSize();
            }
            return pwrite(staging, offset);
        }
    }

    /**
     * Reads into a direct buffer between its position and limit, like
     * {@code FileChannel.read(dst, offset)}: the position advances by the bytes read. Netty's
     * {@code ByteBuf.nioBuffer(index, length)} gives such a buffer for a direct ByteBuf.
     */
    public int pread(ByteBuffer dst, long offset) throws IOException {
        int n = pread(directSegment(dst), offset);
        dst.position(dst.position() + n);
        return n;
    }

    /** Writes a direct buffer's remaining bytes; its position advances to its limit. */
    public int pwrite(ByteBuffer src, long offset) throws IOException {
        int n = pwrite(directSegment(src), offset);
        src.position(src.position() + n);
        return n;
    }

    /** Makes written data (and the size, if it changed) durable. */
    public void fdatasync() throws IOException {
        acquire();
        try {
            MemorySegment cs = Libc.callState();
            while (Libc.fdatasync(cs, fd) != 0) {
                int errno = Libc.errno(cs);
                if (errno != LinuxErrno.EINTR) {
                    throw new NativeException(errno, "fdatasync", path);
                }
            }
        } finally {
            release();
        }
    }

    /** posix_fadvise advice: start reading the range into the page cache, without waiting. */
    private static final int POSIX_FADV_WILLNEED = 3;

    /**
     * Asks the kernel to start reading {@code length} bytes at {@code offset} into the page
     * cache (posix_fadvise WILLNEED) and returns once the reads are queued, before they finish.
     * It may still wait briefly for the device's request queue or the file's block map.
     */
    public void adviseWillNeed(long offset, long length) throws IOException {
        acquire();
        try {
            int error = Libc.posixFadvise(fd, offset, length, POSIX_FADV_WILLNEED);
            if (error != 0) {
                throw new NativeException(error, "posix_fadvise WILLNEED of " + length + " bytes at " + offset, path);
            }
        } finally {
            release();
        }
    }

    /**
     * Deallocates a range (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE): afterwards it reads
     * as zeros and, on filesystems that support it, takes no space; the size stays. Fails
     * with EOPNOTSUPP where the filesystem cannot punch holes.
     */
    public void punchHole(long offset, long length) throws IOException {
        fallocate(FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, length, "punch hole");
    }

    /**
     * Makes a range read as zeros while keeping it allocated (FALLOC_FL_ZERO_RANGE). Where the
     * filesystem lacks that (tmpfs, for one), writes zeros instead. Like a write, it extends
     * the file if the range goes past its end.
     */
    public void zeroRange(long offset, long length) throws IOException {
        try {
            fallocate(FALLOC_FL_ZERO_RANGE, offset, length, "zero range");
        } catch (NativeException e) {
            if (e.errno() != LinuxErrno.EOPNOTSUPP) {
                throw e;
            }
            writeZeros(offset, length);
        }
    }

    /**
     * Allocates a range (fallocate mode 0): later writes there cannot fail for lack of space.
     * Extends the file if the range goes past its end. EOPNOTSUPP where the filesystem cannot.
     */
    public void preallocate(long offset, long length) throws IOException {
        fallocate(0, offset, length, "preallocate");
    }

    /**
     * Makes this file share all of {@code source}'s data blocks (the FICLONE ioctl, a
     * "reflink"): an instant copy whose blocks are copied only when either side writes them.
     * EOPNOTSUPP (or EINVAL) where the filesystem has no reflinks, EXDEV across filesystems.
     */
    public void cloneFrom(NativeFile source) throws IOException {
        acquire();
        try {
            source.acquire();
            try {
                Syscalls.ioctl(fd, FICLONE, source.fd, "FICLONE from " + source.path, path);
            } finally {
                source.release();
            }
        } finally {
            release();
        }
    }

    private static final int SEEK_DATA = 3;
    private static final int SEEK_HOLE = 4;

    /**
     * The first offset at or after {@code offset} that holds data (lseek SEEK_DATA), or -1 when
     * only a hole follows up to the end of the file. A file system without hole reporting
     * answers {@code offset} itself (all data), which keeps a sparse-aware copy correct.
     */
    public long nextData(long offset) throws IOException {
        return seek(offset, SEEK_DATA, "SEEK_DATA");
    }

    /** The first offset at or after {@code offset} in a hole (lseek SEEK_HOLE); the end of the file counts as one. */
    public long nextHole(long offset) throws IOException {
        long hole = seek(offset, SEEK_HOLE, "SEEK_HOLE");
        return hole < 0 ? size() : hole;
    }

    private long seek(long offset, int whence, String what) throws IOException {
        acquire();
        try {
            MemorySegment cs = Libc.callState();
            long at = Libc.lseek(cs, fd, offset, whence);
            if (at < 0) {
                int errno = Libc.errno(cs);
                if (errno == LinuxErrno.ENXIO) {
                    return -1;
                }
                throw new NativeException(errno, "lseek " + what + " from " + offset, path);
            }
            return at;
        } finally {
            release();
        }
    }

    /**
     * Copies {@code length} bytes at {@code offset} of this file to the same offset of
     * {@code target} inside the kernel (copy_file_range: no data through user space; a file
     * system that can share blocks or copy on the server may do so), retrying short copies.
     *
     * @return the bytes copied, less than {@code length} only at the end of this file
     */
    public long copyTo(NativeFile target, long offset, long length) throws IOException {
        checkRange(offset, length);
        acquire();
        try (Arena arena = Arena.ofConfined()) {
            target.acquire();
            try {
                MemorySegment in = arena.allocate(ValueLayout.JAVA_LONG);
                MemorySegment out = arena.allocate(ValueLayout.JAVA_LONG);
                in.set(ValueLayout.JAVA_LONG, 0, offset);
                out.set(ValueLayout.JAVA_LONG, 0, offset);
                MemorySegment cs = Libc.callState();
                long done = 0;
                while (done < length) {
                    long n = Libc.copyFileRange(cs, fd, in, target.fd, out, length - done);
                    if (n < 0) {
                        int errno = Libc.errno(cs);
                        if (errno == LinuxErrno.EINTR) {
                            continue;
                        }
                        throw new NativeException(errno, "copy_file_range of " + (length - done) + " bytes at "
                                + (offset + done) + " to " + target.path, path);
                    }
                    if (n == 0) {
                        break;
                    }
                    done += n;
                }
                return done;
            } finally {
                target.release();
            }
        } finally {
            release();
        }
    }

    /**
     * Discards a block device range with the BLKDISCARD ioctl; the range's contents are
     * undefined afterwards. Offset and length must be multiples of the logical block size.
     * EOPNOTSUPP when the device cannot discard, ENOTTY on a regular file.
     */
    public void discardBlocks(long offset, long length) throws IOException {
        checkRange(offset, length);
        acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment range = arena.allocate(ValueLayout.JAVA_LONG, 2);
            range.setAtIndex(ValueLayout.JAVA_LONG, 0, offset);
            range.setAtIndex(ValueLayout.JAVA_LONG, 1, length);
            ioctl(BLKDISCARD, range, "BLKDISCARD of " + length + " bytes at " + offset);
        } finally {
            release();
        }
    }

    /** Size in bytes: st_size for files, BLKGETSIZE64 for block devices. */
    public long size() throws IOException {
        acquire();
        try {
            if (!isBlockDevice()) {
                return stat(fd, path).size();
            }
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment size = arena.allocate(ValueLayout.JAVA_LONG);
                ioctl(BLKGETSIZE64, size, "BLKGETSIZE64");
                return size.get(ValueLayout.JAVA_LONG, 0);
            }
        } finally {
            release();
        }
    }

    /** Bytes the file occupies on its filesystem (st_blocks × 512); less than size() when sparse. */
    public long allocatedBytes() throws IOException {
        acquire();
        try {
            return stat(fd, path).blocks() * 512;
        } finally {
            release();
        }
    }

    /** Sets the file's size (ftruncate): growing adds a hole, shrinking drops data. */
    public void truncate(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
        acquire();
        try {
            MemorySegment cs = Libc.callState();
            while (Libc.ftruncate(cs, fd, size) != 0) {
                int errno = Libc.errno(cs);
                if (errno != LinuxErrno.EINTR) {
                    throw new NativeException(errno, "ftruncate to " + size + " bytes", path);
                }
            }
        } finally {
            release();
        }
    }

    /**
     * Closes the descriptor, at once if no call is using it, else when the last one returns.
     * A close(2) error is reported only in the first case; either way the descriptor is gone.
     */
    @Override
    public void close() throws IOException {
        long before = state.getAndUpdate(s -> s | CLOSING);
        if (before == 0) {
            releaseDescriptor(true);
        }
    }

    @Override
    public String toString() {
        return "NativeFile[" + path + ", fd " + fd + (isBlockDevice() ? ", block device]" : "]");
    }

    private void acquire() throws ClosedChannelException {
        long before = state.getAndIncrement();
        if ((before & CLOSING) != 0) {
            release();
            throw new ClosedChannelException();
        }
    }

    private void release() {
        if (state.decrementAndGet() == CLOSING) {
            try {
                releaseDescriptor(false);
            } catch (IOException e) {
                // Nobody is left to tell; Linux frees the descriptor even when close fails.
            }
        }
    }

    /** Closes the descriptor exactly once, whichever of close() or the last call gets here. */
    private void releaseDescriptor(boolean report) throws IOException {
        if (state.compareAndSet(CLOSING, CLOSING | RELEASED)) {
            MemorySegment cs = Libc.callState();
            // No EINTR retry: on Linux the descriptor is released even then.
            if (Libc.close(cs, fd) != 0 && report) {
                throw new NativeException(Libc.errno(cs), "close", path);
            }
        }
    }

    private void fallocate(int mode, long offset, long length, String what) throws IOException {
        checkRange(offset, length);
        acquire();
        try {
            MemorySegment cs = Libc.callState();
            while (Libc.fallocate(cs, fd, mode, offset, length) != 0) {
                int errno = Libc.errno(cs);
                if (errno != LinuxErrno.EINTR) {
                    throw new NativeException(errno, what + " of " + length + " bytes at " + offset, path);
                }
            }
        } finally {
            release();
        }
    }

    private void writeZeros(long offset, long length) throws IOException {
        MemorySegment zeros = Zeros.CHUNK;
        long done = 0;
        while (done < length) {
            long n = Math.min(ZERO_CHUNK, length - done);
            pwrite(n == ZERO_CHUNK ? zeros : zeros.asSlice(0, n), offset + done);
            done += n;
        }
    }

    /** Caller holds a reference (acquire). */
    private void ioctl(long request, MemorySegment arg, String what) throws IOException {
        MemorySegment cs = Libc.callState();
        while (Libc.ioctl(cs, fd, request, arg) != 0) {
            int errno = Libc.errno(cs);
            if (errno != LinuxErrno.EINTR) {
                throw new NativeException(errno, what, path);
            }
        }
    }

    private static Stat stat(int fd, Path path) throws IOException {
        MemorySegment cs = Libc.callState();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buf = arena.allocate(STATX_STRUCT_SIZE, 8);
            int mask = STATX_TYPE | STATX_MODE | STATX_SIZE | STATX_BLOCKS;
            while (Libc.statx(cs, fd, EMPTY_STRING, AT_EMPTY_PATH, mask, buf) != 0) {
                int errno = Libc.errno(cs);
                if (errno != LinuxErrno.EINTR) {
                    throw new NativeException(errno, "statx", path);
                }
            }
            int got = buf.get(ValueLayout.JAVA_INT, STATX_MASK_OFFSET);
            if ((got & mask) != mask) {
                throw new IOException("statx on " + path + " did not report type, size and blocks (mask 0x"
                        + Integer.toHexString(got) + ")");
            }
            return new Stat(Short.toUnsignedInt(buf.get(ValueLayout.JAVA_SHORT, STATX_MODE_OFFSET)),
                    buf.get(ValueLayout.JAVA_LONG, STATX_SIZE_OFFSET),
                    buf.get(ValueLayout.JAVA_LONG, STATX_BLOCKS_OFFSET));
        }
    }

    private static long checkBuffer(MemorySegment segment, long offset) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException("buffer must be native (off-heap) memory, got " + segment);
        }
        if (segment.byteSize() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("buffer larger than 2 GiB: " + segment.byteSize());
        }
        if (offset < 0) {
            throw new IllegalArgumentException("negative file offset " + offset);
        }
        return segment.byteSize();
    }

    private static MemorySegment directSegment(ByteBuffer buffer) {
        if (!buffer.isDirect()) {
            throw new IllegalArgumentException("buffer must be a direct ByteBuffer");
        }
        return MemorySegment.ofBuffer(buffer);
    }

    private static void checkRange(long offset, long length) {
        if (offset < 0 || length <= 0) {
            throw new IllegalArgumentException("bad range: " + length + " bytes at " + offset);
        }
    }

    /** The fields of struct statx this class uses. */
    private record Stat(int mode, long size, long blocks) {}

    /** 1 MiB of zeros, made on first use of the write fallback and never freed. */
    private static final class Zeros {
        /** Page-aligned so it also works for O_DIRECT descriptors. */
        static final MemorySegment CHUNK = Arena.global().allocate(ZERO_CHUNK, 4096);
    }
}
