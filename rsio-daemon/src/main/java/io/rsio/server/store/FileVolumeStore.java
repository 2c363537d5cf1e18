package io.rsio.server.store;

import static io.rsio.server.store.StoreErrors.describe;

import io.netty.buffer.ByteBuf;
import io.rsio.block.BlockException;
import io.rsio.block.Errno;
import io.rsio.nativeio.LinuxErrno;
import io.rsio.nativeio.NativeException;
import io.rsio.nativeio.NativeFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A volume kept in a regular file or on a block device, through positional system calls:
 * flush and FUA use fdatasync, discard punches holes (BLKDISCARD on block devices), write
 * zeroes punches holes or zeroes ranges in place.
 *
 * <p>Sizing, decided once at {@link #open}: a missing file is created sparse with the
 * configured size; a smaller existing file is grown sparse to it; a file larger than the
 * configured size is refused (rssrv never shrinks a file, and serving only its beginning
 * would hide data behind what may be a typo); without a configured size the volume is the
 * whole file; a block device always has the device's size. The result is rounded down to
 * whole blocks; bytes past the last whole block are never touched.
 *
 * <p>Problems with the file are {@link VolumeSetupException}s naming the config key they
 * concern, without the volume's name (the caller adds it, with the config line).
 */
public final class FileVolumeStore implements VolumeStore {
    private static final Logger LOG = LogManager.getLogger(FileVolumeStore.class);

    /**
     * One thread for every volume's readahead advice: posix_fadvise may wait for the device's
     * request queue, which an event loop must never do. Advice finding 64 queued is dropped;
     * its stream asks again half a window later.
     */
    private static final ExecutorService ADVICE = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(64), r -> {
                Thread t = new Thread(r, "rssrv-readahead");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.DiscardPolicy());

    /**
     * -Drsio.server.readahead=false leaves readahead to the kernel alone: only for measuring
     * what {@link SequentialReadahead} brings (docs/performance.md, "Cold start").
     */
    private static final boolean READAHEAD = !"false".equals(System.getProperty("rsio.server.readahead"));

    /** Replaced whole when a pool volume is resized (docs/VOLUMES.md); every check reads it once. */
    private volatile VolumeGeometry geometry;
    private final NativeFile file;
    private final SequentialReadahead readahead = new SequentialReadahead(this::adviseWillNeed);

    private FileVolumeStore(VolumeGeometry geometry, NativeFile file) {
        this.geometry = geometry;
        this.file = file;
    }

    private void adviseWillNeed(long offset, long length) {
        if (!READAHEAD) {
            return;
        }
        ADVICE.execute(() -> {
            try {
                file.adviseWillNeed(offset, length);
            } catch (IOException e) {
                // Only a hint; a closed volume or a file system without readahead reads on demand.
                LOG.debug("volume {}: readahead of {} bytes at {} not started: {}", name(), length, offset, e.toString());
            }
        });
    }

    /**
     * Opens (or creates) the volume's backing file or device.
     *
     * @param configuredSize the size from the configuration; needed to create a missing file
     * @throws IOException when the path is missing and cannot be created, is neither a
     *     regular file nor a block device, or is smaller than one block
     */
    public static FileVolumeStore open(String volumeName, Path path, OptionalLong configuredSize, int blockSize,
            boolean readOnly) throws IOException {
        VolumeGeometry.checkBlockSize(blockSize);
        if (configuredSize.isPresent() && configuredSize.getAsLong() < blockSize) {
            throw new IllegalArgumentException("volume " + volumeName + ": configured size "
                    + configuredSize.getAsLong() + " is less than one block (" + blockSize + " bytes)");
        }
        boolean existed = Files.exists(path);
        NativeFile file = openFile(volumeName, path, configuredSize, readOnly);
        try {
            long size = sizeVolume(volumeName, file, configuredSize, blockSize, readOnly);
            if (!existed && !readOnly) {
                syncDirectory(path);
            }
            LOG.info("volume {}: {} bytes in {} blocks of {} on {}{}", volumeName, size, size / blockSize,
                    blockSize, path, readOnly ? " (read-only)" : "");
            return new FileVolumeStore(new VolumeGeometry(volumeName, size, blockSize, readOnly), file);
        } catch (IOException | RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static NativeFile openFile(String volumeName, Path path, OptionalLong configuredSize, boolean readOnly)
            throws IOException {
        // Only a writable volume with a known size may create its file.
        boolean create = !readOnly && configuredSize.isPresent();
        try {
            return NativeFile.open(path, readOnly, create, false);
        } catch (NativeException e) {
            if (e.errno() != LinuxErrno.ENOENT) {
                throw e;
            }
            Path dir = path.toAbsolutePath().getParent();
            if (!readOnly && configuredSize.isPresent() && dir != null && !Files.isDirectory(dir)) {
                throw new VolumeSetupException("path", path + " cannot be created: directory " + dir
                        + " does not exist", e);
            }
            String why = readOnly ? "a read-only volume is never created" : "no size is configured to create it";
            throw new VolumeSetupException("path", path + " does not exist and " + why, e);
        }
    }

    /** Settles the volume size and grows a regular file to it if needed. */
    private static long sizeVolume(String volumeName, NativeFile file, OptionalLong configuredSize, int blockSize,
            boolean readOnly) throws IOException {
        long wanted = VolumeGeometry.roundDown(configuredSize.orElse(0), blockSize);
        long actual = file.size();
        if (file.isBlockDevice()) {
            if (configuredSize.isPresent() && configuredSize.getAsLong() != actual) {
                LOG.warn("volume {}: configured size {} ignored, device {} has {} bytes", volumeName,
                        configuredSize.getAsLong(), file.path(), actual);
            }
        } else if (!file.isRegularFile()) {
            throw new VolumeSetupException("path", file.path() + " is neither a regular file nor a block device");
        } else if (actual < wanted) {
            if (readOnly) {
                LOG.warn("volume {}: {} has {} bytes, less than the configured {}; read-only, so not grown",
                        volumeName, file.path(), actual, wanted);
            } else {
                file.truncate(wanted);
                file.fdatasync();
                actual = wanted;
            }
        } else if (configuredSize.isPresent() && VolumeGeometry.roundDown(actual, blockSize) > wanted) {
            long whole = VolumeGeometry.roundDown(actual, blockSize);
            throw new VolumeSetupException("size", "size " + io.rsio.config.ConfigValues.formatSize(wanted) + " is smaller than "
                    + file.path() + " (" + actual + " bytes): rssrv never shrinks a volume or serves only its "
                    + "beginning; write size = " + io.rsio.config.ConfigValues.formatSize(whole) + ", or leave size out to serve the "
                    + "whole file");
        }
        long size = VolumeGeometry.roundDown(actual, blockSize);
        if (size == 0) {
            throw new VolumeSetupException("path", file.path() + " has " + actual + " bytes, less than one block of "
                    + blockSize);
        }
        if (size != actual) {
            LOG.warn("volume {}: the last {} bytes of {} are not a whole block and are not used", volumeName,
                    actual - size, file.path());
        }
        return size;
    }

    /** Makes a new file's directory entry durable, so a crash cannot lose the file itself. */
    private static void syncDirectory(Path path) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        try (NativeFile d = NativeFile.open(dir, true, false, false)) {
            d.fdatasync();
        }
    }

    @Override
    public VolumeGeometry geometry() {
        return geometry;
    }

    /**
     * Serves {@code size} bytes from now on, after the file was resized to it (by this server
     * or another one sharing the pool): sessions see the new size on their next request.
     */
    public void adoptSize(long size) {
        VolumeGeometry now = geometry;
        geometry = new VolumeGeometry(now.name(), size, now.blockSize(), now.readOnly());
        LOG.info("volume {}: now {} bytes in {} blocks of {} (was {} bytes)", now.name(), size,
                size / now.blockSize(), now.blockSize(), now.size());
    }

    /** Bytes the file holds on disk (st_blocks × 512, what du shows). */
    public long allocatedBytes() throws IOException {
        return file.allocatedBytes();
    }

    /** The backing path. */
    public Path path() {
        return file.path();
    }

    /** True when the volume is a block device rather than a file. */
    public boolean isBlockDevice() {
        return file.isBlockDevice();
    }

    @Override
    public void read(long offset, ByteBuf dst, int length) {
        VolumeGeometry g = geometry;
        g.check(StoreOperation.READ, offset, length);
        readahead.onRead(offset, length, g.size());
        dst.ensureWritable(length);
        int index = dst.writerIndex();
        int n;
        try {
            if (dst.isDirect() && dst.nioBufferCount() == 1) {
                // A view of dst's own memory: the kernel copies straight into the buffer.
                n = file.pread(dst.nioBuffer(index, length), offset);
            } else {
                n = readStaged(offset, dst, index, length);
            }
        } catch (IOException e) {
            throw StoreErrors.failure(name(), describe(StoreOperation.READ, offset, length), e);
        }
        if (n != length) {
            throw new BlockException(Errno.EIO, describe(StoreOperation.READ, offset, length) + " on volume "
                    + name() + " got only " + n + " bytes: " + file.path() + " was shortened behind our back");
        }
        dst.writerIndex(index + length);
    }

    @Override
    public boolean readIfCached(long offset, ByteBuf dst, int length) {
        geometry.check(StoreOperation.READ, offset, length);
        dst.ensureWritable(length);
        if (!dst.isDirect() || dst.nioBufferCount() != 1) {
            return false;
        }
        int index = dst.writerIndex();
        try {
            if (!file.preadCached(MemorySegment.ofBuffer(dst.nioBuffer(index, length)), offset)) {
                return false;
            }
        } catch (IOException e) {
            throw StoreErrors.failure(name(), describe(StoreOperation.READ, offset, length), e);
        }
        dst.writerIndex(index + length);
        readahead.onRead(offset, length, geometry.size());
        return true;
    }

    /** Heap or multi-part buffers: read into native memory, then copy. */
    private int readStaged(long offset, ByteBuf dst, int index, int length) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment staging = arena.allocate(length);
            int n = file.pread(staging, offset);
            dst.setBytes(index, staging.asSlice(0, n).asByteBuffer());
            return n;
        }
    }

    /** Buffered writes to a regular file land in its page cache; a block device's go to the device. */
    @Override
    public boolean buffersWrites() {
        return !isBlockDevice();
    }

    @Override
    public void write(long offset, ByteBuf src, boolean fua) {
        int length = src.readableBytes();
        geometry.check(StoreOperation.WRITE, offset, length);
        try {
            // One system call for the whole request (see NativeFile.pwrite(List, long)): a
            // request's data often spans several socket reads, i.e. several buffer parts.
            // nioBuffers are views (or copies) with their own positions: src's indexes stay put.
            List<MemorySegment> parts = new ArrayList<>();
            for (ByteBuffer part : src.nioBuffers(src.readerIndex(), length)) {
                parts.add(MemorySegment.ofBuffer(part));
            }
            file.pwrite(parts, offset);
            if (fua) {
                file.fdatasync();
            }
        } catch (IOException e) {
            throw StoreErrors.failure(name(), describe(StoreOperation.WRITE, offset, length), e);
        }
    }

    @Override
    public void flush() {
        try {
            file.fdatasync();
        } catch (IOException e) {
            throw StoreErrors.failure(name(), "flush", e);
        }
    }

    @Override
    public void discard(long offset, long length) {
        geometry.check(StoreOperation.DISCARD, offset, length);
        try {
            if (file.isBlockDevice()) {
                file.discardBlocks(offset, length);
            } else {
                file.punchHole(offset, length);
            }
        } catch (IOException e) {
            throw StoreErrors.failure(name(), describe(StoreOperation.DISCARD, offset, length), e);
        }
    }

    @Override
    public void writeZeroes(long offset, long length, boolean mayPunchHole) {
        geometry.check(StoreOperation.WRITE_ZEROES, offset, length);
        try {
            if (mayPunchHole) {
                try {
                    file.punchHole(offset, length);
                    return;
                } catch (NativeException e) {
                    if (e.errno() != LinuxErrno.EOPNOTSUPP) {
                        throw e;
                    }
                    // No hole punching here: zeroing in place is just as correct.
                }
            }
            file.zeroRange(offset, length);
        } catch (IOException e) {
            throw StoreErrors.failure(name(), describe(StoreOperation.WRITE_ZEROES, offset, length), e);
        }
    }

    @Override
    public void close() {
        try {
            file.close();
        } catch (IOException e) {
            throw StoreErrors.failure(name(), "close", e);
        }
    }

    @Override
    public String toString() {
        return "FileVolumeStore[" + geometry + ", " + file.path() + "]";
    }
}
