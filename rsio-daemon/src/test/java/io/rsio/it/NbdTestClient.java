package io.rsio.it;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small NBD client for tests (fixed newstyle, OPT_GO, simple replies) over a unix socket,
 * with requests pipelined: every call returns at once with a future completed by a reader
 * thread when the reply arrives. Knowing exactly which writes were acknowledged is what the
 * crash tests need and what nbdcopy or qemu-io cannot tell.
 *
 * <p>A reply with an error completes its future with {@link NbdError}; a connection that ends
 * fails every pending future with the IOException.
 */
final class NbdTestClient implements AutoCloseable, StampedWriter.Device {
    static final long NBDMAGIC = 0x4e42444d41474943L;
    static final long IHAVEOPT = 0x49484156454F5054L;
    static final long OPT_REPLY_MAGIC = 0x3e889045565a9L;
    static final int REQUEST_MAGIC = 0x25609513;
    static final int SIMPLE_REPLY_MAGIC = 0x67446698;
    static final int OPT_GO = 7;
    static final int REP_ACK = 1;
    static final int REP_INFO = 3;
    static final int CMD_READ = 0;
    static final int CMD_WRITE = 1;
    static final int CMD_DISC = 2;
    static final int CMD_FLUSH = 3;
    static final int FLAG_FUA = 1;

    /** An NBD error reply; {@code errno} as the server sent it. */
    static final class NbdError extends IOException {
        private static final long serialVersionUID = 1L;
        final int errno;

        NbdError(int errno, String what) {
            super(what + " failed with NBD error " + errno);
            this.errno = errno;
        }
    }

    private record Pending(int type, int length, CompletableFuture<byte[]> future) {}

    private final SocketChannel channel;
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final AtomicLong cookies = new AtomicLong(1);
    private final Thread reader;
    private final Object sendLock = new Object();
    private final long size;
    private volatile IOException broken;

    private NbdTestClient(SocketChannel channel, long size) {
        this.channel = channel;
        this.size = size;
        this.reader = Thread.ofPlatform().daemon().name("nbd-test-reader").start(this::readReplies);
    }

    /** Connects to {@code socket} and enters transmission for {@code export}. */
    static NbdTestClient connect(Path socket, String export) throws IOException {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.connect(UnixDomainSocketAddress.of(socket));
            long size = handshake(ch, export);
            return new NbdTestClient(ch, size);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Connects once the export answers: a socket file left by a crashed rsiod exists before the
     * new one has logged in and replaced it.
     */
    static NbdTestClient await(Path socket, String export, java.time.Duration limit) throws IOException,
            InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (true) {
            try {
                return connect(socket, export);
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("export " + export + " at " + socket + " not reachable within " + limit, e);
                }
                Thread.sleep(50);
            }
        }
    }

    static long handshake(SocketChannel ch, String export) throws IOException {
        ByteBuffer greeting = readFully(ch, 18);
        if (greeting.getLong() != NBDMAGIC || greeting.getLong() != IHAVEOPT) {
            throw new IOException("not an NBD fixed-newstyle server");
        }
        int serverFlags = greeting.getShort() & 0xffff;
        boolean noZeroes = (serverFlags & 2) != 0;
        writeFully(ch, ByteBuffer.allocate(4).putInt(noZeroes ? 3 : 1).flip());
        byte[] name = export.getBytes(StandardCharsets.UTF_8);
        ByteBuffer go = ByteBuffer.allocate(16 + 4 + name.length + 2);
        go.putLong(IHAVEOPT).putInt(OPT_GO).putInt(4 + name.length + 2).putInt(name.length).put(name).putShort((short) 0);
        writeFully(ch, go.flip());
        long size = -1;
        while (true) {
            ByteBuffer head = readFully(ch, 20);
            if (head.getLong() != OPT_REPLY_MAGIC) {
                throw new IOException("bad option reply magic");
            }
            head.getInt();
            int type = head.getInt();
            int length = head.getInt();
            if (length < 0 || length > 65536) {
                throw new IOException("option reply of " + length + " bytes");
            }
            ByteBuffer data = readFully(ch, length);
            if (type == REP_ACK) {
                if (size < 0) {
                    throw new IOException("GO acknowledged without an export size");
                }
                return size;
            }
            if ((type & 0x80000000) != 0) {
                throw new IOException("export " + export + " refused: option error " + Integer.toHexString(type));
            }
            if (type == REP_INFO && length >= 12 && data.getShort(0) == 0) {
                size = data.getLong(2);
            }
        }
    }

    long size() {
        return size;
    }

    @Override
    public CompletableFuture<Void> write(long offset, byte[] data, boolean fua) {
        return send(CMD_WRITE, fua ? FLAG_FUA : 0, offset, data.length, data).thenApply(x -> null);
    }

    CompletableFuture<byte[]> read(long offset, int length) {
        return send(CMD_READ, 0, offset, length, null);
    }

    @Override
    public CompletableFuture<Void> flush() {
        return send(CMD_FLUSH, 0, 0, 0, null).thenApply(x -> null);
    }

    /** Requests still waiting for a reply. */
    int inFlight() {
        return pending.size();
    }

    private CompletableFuture<byte[]> send(int type, int flags, long offset, int length, byte[] data) {
        long cookie = cookies.getAndIncrement();
        CompletableFuture<byte[]> future = new CompletableFuture<>();
        ByteBuffer request = ByteBuffer.allocate(28 + (data == null ? 0 : data.length));
        request.putInt(REQUEST_MAGIC).putShort((short) flags).putShort((short) type).putLong(cookie)
                .putLong(offset).putInt(length);
        if (data != null) {
            request.put(data);
        }
        request.flip();
        pending.put(cookie, new Pending(type, length, future));
        try {
            synchronized (sendLock) {
                if (broken != null) {
                    throw broken;
                }
                writeFully(channel, request);
            }
        } catch (IOException e) {
            pending.remove(cookie);
            future.completeExceptionally(e);
        }
        return future;
    }

    private void readReplies() {
        try {
            while (true) {
                ByteBuffer head = readFully(channel, 16);
                if (head.getInt() != SIMPLE_REPLY_MAGIC) {
                    throw new IOException("bad reply magic");
                }
                int error = head.getInt();
                long cookie = head.getLong();
                Pending p = pending.remove(cookie);
                if (p == null) {
                    throw new IOException("reply for unknown cookie " + cookie);
                }
                if (error != 0) {
                    p.future.completeExceptionally(new NbdError(error, describe(p.type)));
                } else if (p.type == CMD_READ) {
                    byte[] bytes = new byte[p.length];
                    readFully(channel, p.length).get(bytes);
                    p.future.complete(bytes);
                } else {
                    p.future.complete(null);
                }
            }
        } catch (IOException e) {
            broken = e;
            failAll(e);
        }
    }

    private void failAll(IOException e) {
        for (Long cookie : pending.keySet()) {
            Pending p = pending.remove(cookie);
            if (p != null) {
                p.future.completeExceptionally(e);
            }
        }
    }

    private static String describe(int type) {
        return switch (type) {
            case CMD_READ -> "READ";
            case CMD_WRITE -> "WRITE";
            case CMD_FLUSH -> "FLUSH";
            default -> "command " + type;
        };
    }

    static ByteBuffer readFully(SocketChannel ch, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining()) {
            if (ch.read(buf) < 0) {
                throw new EOFException("connection closed after " + buf.position() + " of " + n + " bytes");
            }
        }
        return buf.flip();
    }

    static void writeFully(SocketChannel ch, ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            ch.write(buf);
        }
    }

    /** Sends DISC (the server answers what is in flight) and closes. */
    @Override
    public void close() throws IOException {
        try {
            synchronized (sendLock) {
                if (broken == null && channel.isOpen()) {
                    writeFully(channel, ByteBuffer.allocate(28).putInt(REQUEST_MAGIC).putShort((short) 0)
                            .putShort((short) CMD_DISC).putLong(0).putLong(0).putInt(0).flip());
                }
            }
        } catch (IOException ignored) {
            // already gone: closing is all that is left
        } finally {
            channel.close();
            try {
                reader.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            failAll(new IOException("client closed"));
        }
    }
}
