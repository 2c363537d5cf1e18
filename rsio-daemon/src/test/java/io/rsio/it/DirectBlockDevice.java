package io.rsio.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A block device (the attached {@code /dev/loopN}) written the way a database does: O_DIRECT
 * {@code pwrite}s from aligned buffers, {@code threads} at a time, and {@code fsync} as the
 * FLUSH barrier (the loop driver passes it to the FUSE file, rsiod to every server). A write
 * with FUA is a write followed by an fsync, which is what FUA promises.
 */
final class DirectBlockDevice implements StampedWriter.Device, AutoCloseable {
    private static final int ALIGN = 4096;
    private final FileChannel channel;
    private final ExecutorService pool;
    private final ThreadLocal<ByteBuffer> buffers;

    DirectBlockDevice(Path device, int threads, int maxWrite) throws IOException {
        this.channel = FileChannel.open(device, StandardOpenOption.READ, StandardOpenOption.WRITE,
                com.sun.nio.file.ExtendedOpenOption.DIRECT);
        this.pool = Executors.newFixedThreadPool(threads, Thread.ofPlatform().daemon().name("direct-io-", 0).factory());
        this.buffers = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(maxWrite + ALIGN).alignedSlice(ALIGN));
    }

    @Override
    public CompletableFuture<Void> write(long offset, byte[] data, boolean fua) {
        return CompletableFuture.runAsync(() -> {
            try {
                ByteBuffer buffer = buffers.get().clear();
                buffer.put(data).flip();
                long position = offset;
                while (buffer.hasRemaining()) {
                    position += channel.write(buffer, position);
                }
                if (fua) {
                    channel.force(false);
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, pool);
    }

    @Override
    public CompletableFuture<Void> flush() {
        return CompletableFuture.runAsync(() -> {
            try {
                channel.force(false);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, pool);
    }

    /** Reads {@code length} bytes at {@code offset} with O_DIRECT (both multiples of 4 KiB). */
    byte[] read(long offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocateDirect(length + ALIGN).alignedSlice(ALIGN).limit(length);
        long position = offset;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, position);
            if (n < 0) {
                throw new IOException("end of device at " + position);
            }
            position += n;
        }
        byte[] bytes = new byte[length];
        buffer.flip().get(bytes);
        return bytes;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        channel.close();
    }
}
