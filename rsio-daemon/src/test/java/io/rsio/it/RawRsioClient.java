package io.rsio.it;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.rsio.wire.WireConstants;
import io.rsio.wire.auth.AuthTranscript;
import io.rsio.wire.auth.NodeKeyAuth;
import io.rsio.wire.codec.RsioFrameCodec;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/**
 * An RSIO client for tests that speaks frame by frame over a plain blocking socket: the
 * project's codec (in an EmbeddedChannel) encodes requests and decodes replies, and raw bytes
 * can be sent as they are. Every read has a time limit. Optionally records every byte it
 * sends, to be replayed later.
 */
final class RawRsioClient implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final EmbeddedChannel codec = new EmbeddedChannel(new RsioFrameCodec(false));
    private ByteArrayOutputStream sent;
    private long nextTag = 1;
    private int features;

    private RawRsioClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        socket.setTcpNoDelay(true);
    }

    static RawRsioClient connect(int port) throws IOException {
        return connect(null, port);
    }

    /** Connects from {@code local} (any loopback address, or null for the default) to 127.0.0.1:port. */
    static RawRsioClient connect(InetAddress local, int port) throws IOException {
        Socket s = new Socket();
        if (local != null) {
            s.bind(new InetSocketAddress(local, 0));
        }
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
        return new RawRsioClient(s);
    }

    /** Connects to a server listening on {@code server} (a loopback address of a test's own). */
    static RawRsioClient connectTo(InetAddress server, int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(server, port), 5000);
        return new RawRsioClient(s);
    }

    long tag() {
        return nextTag++;
    }

    /** Encodes and sends one request. Write data is released by the encoder. */
    void send(Request request) throws IOException {
        codec.writeOutbound(request);
        for (ByteBuf part = codec.readOutbound(); part != null; part = codec.readOutbound()) {
            try {
                byte[] bytes = new byte[part.readableBytes()];
                part.readBytes(bytes);
                sendRaw(bytes);
            } finally {
                part.release();
            }
        }
    }

    void sendRaw(byte[] bytes) throws IOException {
        if (sent != null) {
            sent.writeBytes(bytes);
        }
        out.write(bytes);
        out.flush();
    }

    /** Keeps a copy of every byte sent from now on (see {@link #sentBytes}). */
    RawRsioClient recording() {
        sent = new ByteArrayOutputStream();
        return this;
    }

    /** Everything sent since {@link #recording}, in order. */
    byte[] sentBytes() {
        return sent.toByteArray();
    }

    /**
     * The next reply, waiting at most {@code limit}; an AssertionError when none comes. Frames
     * go into the codec one at a time, and a HELLO reply switches the codec to what it agreed
     * before the next frame is decoded, so any byte stream of replies decodes correctly.
     */
    Reply receive(Duration limit) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        byte[] chunk = new byte[65536];
        while (true) {
            Reply next = nextFrame();
            if (next != null) {
                return next;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no reply within " + limit);
            }
            socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
            int n;
            try {
                n = in.read(chunk);
            } catch (SocketTimeoutException e) {
                continue;
            }
            if (n < 0) {
                if (pending.length > 0) {
                    throw new java.io.EOFException("connection closed inside a frame (" + pending.length + " bytes)");
                }
                throw new java.io.EOFException("connection closed by the server");
            }
            byte[] grown = java.util.Arrays.copyOf(pending, pending.length + n);
            System.arraycopy(chunk, 0, grown, pending.length, n);
            pending = grown;
        }
    }

    private byte[] pending = new byte[0];

    /** Decodes one whole frame from {@code pending}, or returns null when none is complete. */
    private Reply nextFrame() {
        if (pending.length < 44) {
            return null;
        }
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(pending);
        int payload = b.getInt(36);
        boolean digest = helloDone && (features & WireConstants.FEATURE_DATA_DIGEST) != 0 && payload != 0;
        long total = 44L + Integer.toUnsignedLong(payload) + (digest ? 4 : 0);
        if (pending.length < total) {
            return null;
        }
        codec.writeInbound(Unpooled.wrappedBuffer(java.util.Arrays.copyOf(pending, (int) total)));
        pending = java.util.Arrays.copyOfRange(pending, (int) total, pending.length);
        Reply reply = (Reply) codec.readInbound();
        if (reply instanceof Reply.HelloReply h && !helloDone) {
            negotiate(h);
        }
        return reply;
    }

    private boolean helloDone;

    /** True when the server closes the connection within {@code limit} (replies on the way are dropped). */
    boolean closedByServer(Duration limit) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        byte[] chunk = new byte[65536];
        while (System.nanoTime() < deadline) {
            socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            try {
                if (in.read(chunk) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (IOException e) {
                return true; // reset
            }
        }
        return false;
    }

    Reply.HelloReply hello() throws IOException {
        return hello(WireConstants.DEFAULT_FEATURES);
    }

    Reply.HelloReply hello(int wantedFeatures) throws IOException {
        send(new Request.Hello(tag(), 1, 1, WireConstants.DEFAULT_MAX_PAYLOAD, wantedFeatures, "raw-test/1"));
        Reply reply = receive(Duration.ofSeconds(5));
        if (!(reply instanceof Reply.HelloReply h)) {
            throw new AssertionError("HELLO refused: " + reply);
        }
        return h;
    }

    /** Applies what a HELLO reply agreed to this client's codec (for raw byte streams sent with {@link #sendRaw}). */
    void negotiate(Reply.HelloReply h) {
        helloDone = true;
        features = h.features();
        ((RsioFrameCodec) codec.pipeline().first()).negotiated(h.maxPayload(), h.features());
    }

    /** HELLO and the full mutual login; returns the server's AUTH_PROOF answer (accepted or a failure). */
    Reply login(int namespaceId, String node, String key) throws IOException {
        hello();
        byte[] nonce = NodeKeyAuth.newNonce();
        send(new Request.AuthStart(tag(), namespaceId, node, nonce));
        Reply challenge = receive(Duration.ofSeconds(5));
        if (!(challenge instanceof Reply.AuthChallenge c)) {
            return challenge;
        }
        AuthTranscript t = new AuthTranscript(WireConstants.VERSION, namespaceId, node, c.serverId(), c.serverName(),
                nonce, c.serverNonce(), NodeKeyAuth.addressText(socket.getLocalAddress()),
                NodeKeyAuth.addressText(socket.getInetAddress()), features);
        byte[] k = NodeKeyAuth.deriveKey(key, namespaceId, node);
        send(new Request.AuthProof(tag(), t.clientProof(k)));
        Reply answer = receive(Duration.ofSeconds(5));
        if (answer instanceof Reply.AuthAccepted a && !NodeKeyAuth.proofMatches(t.serverProof(k), a.proof())) {
            throw new AssertionError("the server's proof does not match");
        }
        return answer;
    }

    /** Opens {@code volume}; the reply (Opened or a failure). */
    Reply open(String volume) throws IOException {
        send(new Request.Open(tag(), volume, false));
        return receive(Duration.ofSeconds(5));
    }

    /** A request and its reply, with data of a READ copied out and released. */
    Reply call(Request request) throws IOException {
        send(request);
        return receive(Duration.ofSeconds(10));
    }

    static byte[] bytesOf(Reply.ReadData data) {
        try {
            byte[] bytes = new byte[data.data().readableBytes()];
            data.data().readBytes(bytes);
            return bytes;
        } finally {
            data.data().release();
        }
    }

    /**
     * Reads and drops everything the server sends from now on, on a daemon thread that ends
     * when the server closes the connection (EOF or reset); returns that thread.
     */
    Thread drainInBackground(java.util.concurrent.atomic.AtomicLong bytes) throws IOException {
        socket.setSoTimeout(0);
        return Thread.ofPlatform().daemon().name("rsio-drain").start(() -> {
            byte[] chunk = new byte[65536];
            try {
                for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                    bytes.addAndGet(n);
                }
            } catch (IOException e) {
                // reset by the server: closed all the same
            }
        });
    }

    /** Closes with a reset (SO_LINGER 0): the server sees the connection die at once. */
    void abort() throws IOException {
        socket.setSoLinger(true, 0);
        close();
    }

    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void close() throws IOException {
        try {
            socket.close();
        } finally {
            for (Object o = codec.readInbound(); o != null; o = codec.readInbound()) {
                if (o instanceof Reply.ReadData rd) {
                    rd.data().release();
                }
            }
            codec.finishAndReleaseAll();
        }
    }
}
