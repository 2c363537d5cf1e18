package io.rsio.nbd;

import io.rsio.nbd.protocol.NbdOption;
import io.rsio.nbd.protocol.NbdProtocol;
import io.rsio.nbd.protocol.OptionReplyType;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A hand-written NBD client that sends exactly the bytes a test asks for, for the cases real
 * tools never produce (bad magic, pipelined requests, checks of single reply fields). Every read
 * has a deadline.
 */
public final class RawNbdClient implements AutoCloseable {
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final SocketChannel channel;
    private final Selector selector;
    private final Map<Long, Integer> simpleReadLengths = new HashMap<>();

    public record OptionReply(int option, int type, byte[] data) {
        public boolean is(OptionReplyType t) {
            return type == t.value();
        }
    }

    /** A simple reply or one structured chunk. */
    public record Reply(boolean structured, long cookie, int error, int flags, int type, byte[] payload) {
        public boolean done() {
            return !structured || (flags & NbdProtocol.REPLY_FLAG_DONE) != 0;
        }

        /** For error chunks: the u32 error at the start of the payload. */
        public int chunkError() {
            return ByteBuffer.wrap(payload).getInt(0);
        }
    }

    public record Export(long size, int flags) {}

    private RawNbdClient(SocketChannel channel) throws IOException {
        this.channel = channel;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        channel.register(selector, SelectionKey.OP_READ);
    }

    public static RawNbdClient connect(SocketAddress address) throws IOException {
        SocketChannel ch = address instanceof UnixDomainSocketAddress
                ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
        ch.connect(address);
        return new RawNbdClient(ch);
    }

    /** Reads the greeting, checks the magics, returns the handshake flags. */
    public int readGreeting() throws IOException {
        ByteBuffer b = read(NbdProtocol.GREETING_LENGTH);
        if (b.getLong() != NbdProtocol.NBDMAGIC || b.getLong() != NbdProtocol.IHAVEOPT) {
            throw new IOException("bad greeting");
        }
        return b.getShort() & 0xffff;
    }

    public void sendClientFlags(int flags) throws IOException {
        write(ByteBuffer.allocate(4).putInt(flags).flip());
    }

    /** Greeting plus client flags FIXED_NEWSTYLE|NO_ZEROES, as every real client sends. */
    public RawNbdClient handshake() throws IOException {
        readGreeting();
        sendClientFlags(NbdProtocol.KNOWN_CLIENT_FLAGS);
        return this;
    }

    public void sendOption(int option, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(16 + data.length);
        b.putLong(NbdProtocol.IHAVEOPT).putInt(option).putInt(data.length).put(data).flip();
        write(b);
    }

    public OptionReply readOptionReply() throws IOException {
        ByteBuffer h = read(NbdProtocol.OPTION_REPLY_HEADER_LENGTH);
        if (h.getLong() != NbdProtocol.OPTION_REPLY_MAGIC) {
            throw new IOException("bad option reply magic");
        }
        int option = h.getInt();
        int type = h.getInt();
        int length = h.getInt();
        return new OptionReply(option, type, read(length).array());
    }

    /** Sends an option and collects replies up to the final ACK or error. */
    public List<OptionReply> option(NbdOption option, byte[] data) throws IOException {
        return option(option.value(), data);
    }

    public List<OptionReply> option(int option, byte[] data) throws IOException {
        sendOption(option, data);
        List<OptionReply> replies = new ArrayList<>();
        while (true) {
            OptionReply r = readOptionReply();
            replies.add(r);
            if (r.type() == OptionReplyType.ACK.value() || r.type() < 0) {
                return replies;
            }
        }
    }

    public static byte[] exportRequest(String name, int... infos) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + n.length + 2 + 2 * infos.length);
        b.putInt(n.length).put(n).putShort((short) infos.length);
        for (int i : infos) {
            b.putShort((short) i);
        }
        return b.array();
    }

    public static byte[] metaContextRequest(String name, String... queries) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        int len = 4 + n.length + 4;
        for (String q : queries) {
            len += 4 + q.getBytes(StandardCharsets.UTF_8).length;
        }
        ByteBuffer b = ByteBuffer.allocate(len);
        b.putInt(n.length).put(n).putInt(queries.length);
        for (String q : queries) {
            byte[] qb = q.getBytes(StandardCharsets.UTF_8);
            b.putInt(qb.length).put(qb);
        }
        return b.array();
    }

    /** Negotiates and enters transmission with NBD_OPT_GO; fails unless the server ACKs. */
    public Export go(String export, boolean structured, boolean baseAllocation) throws IOException {
        if (structured) {
            expectAck(option(NbdOption.STRUCTURED_REPLY, new byte[0]));
        }
        if (baseAllocation) {
            expectAck(option(NbdOption.SET_META_CONTEXT, metaContextRequest(export, NbdProtocol.BASE_ALLOCATION)));
        }
        List<OptionReply> replies = option(NbdOption.GO, exportRequest(export, 3));
        expectAck(replies);
        for (OptionReply r : replies) {
            ByteBuffer d = ByteBuffer.wrap(r.data());
            if (r.is(OptionReplyType.INFO) && d.getShort() == 0) {
                return new Export(d.getLong(), d.getShort() & 0xffff);
            }
        }
        throw new IOException("no NBD_INFO_EXPORT before ACK");
    }

    private static void expectAck(List<OptionReply> replies) throws IOException {
        OptionReply last = replies.getLast();
        if (!last.is(OptionReplyType.ACK)) {
            throw new IOException(String.format("option failed with 0x%08x: %s", last.type(),
                    new String(last.data(), StandardCharsets.UTF_8)));
        }
    }

    public void sendRequest(int flags, int type, long cookie, long offset, long length, byte[] payload)
            throws IOException {
        ByteBuffer b = ByteBuffer.allocate(28 + (payload == null ? 0 : payload.length));
        b.putInt(NbdProtocol.REQUEST_MAGIC).putShort((short) flags).putShort((short) type).putLong(cookie)
                .putLong(offset).putInt((int) length);
        if (payload != null) {
            b.put(payload);
        }
        write(b.flip());
        if (type == 0) {
            simpleReadLengths.put(cookie, (int) length);
        }
    }

    public void sendRaw(byte[] bytes) throws IOException {
        write(ByteBuffer.wrap(bytes));
    }

    /** Reads one simple reply (with data if it answers a READ without error) or one chunk. */
    public Reply readReply() throws IOException {
        ByteBuffer m = read(4);
        int magic = m.getInt();
        if (magic == NbdProtocol.SIMPLE_REPLY_MAGIC) {
            ByteBuffer h = read(12);
            int error = h.getInt();
            long cookie = h.getLong();
            Integer readLength = simpleReadLengths.remove(cookie);
            byte[] data = error == 0 && readLength != null ? read(readLength).array() : new byte[0];
            return new Reply(false, cookie, error, 0, 0, data);
        }
        if (magic == NbdProtocol.STRUCTURED_REPLY_MAGIC) {
            ByteBuffer h = read(16);
            int flags = h.getShort() & 0xffff;
            int type = h.getShort() & 0xffff;
            long cookie = h.getLong();
            int length = h.getInt();
            if ((flags & NbdProtocol.REPLY_FLAG_DONE) != 0) {
                simpleReadLengths.remove(cookie);
            }
            return new Reply(true, cookie, 0, flags, type, read(length).array());
        }
        throw new IOException(String.format("bad reply magic 0x%08x", magic));
    }

    /** Waits until the server closes the connection; false if it is still open at the deadline. */
    public boolean closedByServer(Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        ByteBuffer sink = ByteBuffer.allocate(4096);
        while (System.nanoTime() < deadline) {
            selector.select(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            selector.selectedKeys().clear();
            try {
                if (channel.read(sink.clear()) < 0) {
                    return true;
                }
            } catch (IOException reset) {
                return true;
            }
        }
        return false;
    }

    public ByteBuffer read(int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (b.hasRemaining()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("timed out waiting for " + b.remaining() + " more bytes");
            }
            selector.select(Math.max(1, left / 1_000_000));
            selector.selectedKeys().clear();
            if (channel.read(b) < 0) {
                throw new EOFException("server closed the connection");
            }
        }
        return b.flip();
    }

    private void write(ByteBuffer b) throws IOException {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (b.hasRemaining()) {
            if (channel.write(b) == 0) {
                if (System.nanoTime() > deadline) {
                    throw new IOException("timed out writing");
                }
                Thread.onSpinWait();
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        selector.close();
        channel.close();
    }
}
