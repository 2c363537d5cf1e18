package io.rsio.discovery;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import io.rsio.wire.WireConstants;
import io.rsio.wire.auth.AuthTranscript;
import io.rsio.wire.auth.NodeKeyAuth;
import io.rsio.wire.codec.RsioFrameCodec;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import io.rsio.wire.message.VolumeInfo;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A one-shot test of one transmission path, as the seed's auto-explorer does ("tests the
 * parameters on each transmission path"): connect from a client interface address to a server
 * interface, log in with the entered node name and key (the real HELLO and mutual AUTH of
 * docs/PROTOCOL.md, through the real frame codec), measure the round-trip time with PINGs, list
 * the volumes, and read a few MiB of the first one to estimate throughput. Everything is bounded
 * by the timeout and the read budget; blocking, so run it off the GUI thread.
 *
 * <p>The key is used only to compute the proofs; it is never logged or put in a result.
 */
public final class PathProbe {
    private static final String SOFTWARE = "crsio/" + PathProbe.class.getPackage().getImplementationVersion();
    private static final int PINGS = 3;
    private static final int READ_WINDOW = 4;

    /** What to test. {@code clientAddress} null lets the system choose the source address. */
    public record Target(String clientAddress, String serverAddress, int port, int namespaceId, String nodeName,
                         String nodeKey) {
        public Target {
            Objects.requireNonNull(serverAddress, "serverAddress");
            Objects.requireNonNull(nodeName, "nodeName");
            Objects.requireNonNull(nodeKey, "nodeKey");
        }

        @Override
        public String toString() {
            return "Target[" + clientAddress + " -> " + serverAddress + "/" + port + " ns " + namespaceId + " node "
                    + nodeName + "]";
        }
    }

    /** How a path test ended. */
    public enum Outcome {
        /** Nothing answers at the address and port (refused, timed out, no route). */
        UNREACHABLE("unreachable"),
        /** The server answered but refused the log-in: wrong node name, key or namespace. */
        REFUSED("login refused"),
        /** Logged in; RTT and, with a volume, throughput measured. */
        ACCEPTED("login ok"),
        /** Something else went wrong (protocol error, server proof wrong). */
        FAILED("failed");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /**
     * @param outcome     how it ended
     * @param detail      a sentence for the administrator (never holds the key)
     * @param serverName  as the server named itself at login ("" before)
     * @param serverId    -1 before login
     * @param connectMicros time to establish TCP, -1 when not connected
     * @param rttMicros   smallest PING round trip, -1 when not measured
     * @param volumes     volume names listed after login
     * @param readBytes   bytes read by the throughput probe
     * @param readMBps    MB/s (10^6 bytes) of the probe, 0 when not measured
     */
    public record Result(Target target, Outcome outcome, String detail, String serverName, int serverId,
                         long connectMicros, long rttMicros, List<String> volumes, long readBytes, double readMBps) {
        public Result {
            volumes = List.copyOf(volumes);
        }
    }

    private final Duration timeout;
    private final long readBudget;

    /**
     * @param timeout    for connecting and for every answer
     * @param readBudget bytes to read for the throughput probe (0: no probe); also bounded by time
     */
    public PathProbe(Duration timeout, long readBudget) {
        this.timeout = timeout;
        this.readBudget = readBudget;
    }

    public Result probe(Target target) {
        Session s = new Session(target);
        try {
            return s.run();
        } finally {
            s.close();
        }
    }

    /** One connection's state; not thread-safe, used by one caller at a time. */
    private final class Session {
        private final Target target;
        private final EmbeddedChannel codecChannel;
        private final RsioFrameCodec codec = new RsioFrameCodec(false);
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private long nextTag = 1;
        private String serverName = "";
        private int serverId = -1;
        private long connectMicros = -1;
        private long rttMicros = -1;
        private List<String> volumes = List.of();

        Session(Target target) {
            this.target = target;
            this.codecChannel = new EmbeddedChannel(codec);
        }

        Result run() {
            try {
                connect();
            } catch (IOException e) {
                return result(Outcome.UNREACHABLE, "no connection to " + target.serverAddress() + "/" + target.port()
                        + ": " + reason(e), 0, 0);
            }
            try {
                return login();
            } catch (SocketTimeoutException e) {
                return result(Outcome.FAILED, "no answer within " + timeout.toMillis() + " ms", 0, 0);
            } catch (IOException | RuntimeException e) {
                return result(Outcome.FAILED, reason(e), 0, 0);
            }
        }

        private void connect() throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            if (target.clientAddress() != null) {
                socket.bind(new InetSocketAddress(target.clientAddress(), 0));
            }
            long start = System.nanoTime();
            socket.connect(new InetSocketAddress(target.serverAddress(), target.port()), (int) timeout.toMillis());
            connectMicros = (System.nanoTime() - start) / 1000;
            socket.setSoTimeout((int) timeout.toMillis());
            in = socket.getInputStream();
            out = socket.getOutputStream();
        }

        private Result login() throws IOException {
            send(new Request.Hello(nextTag++, WireConstants.VERSION, WireConstants.VERSION,
                    WireConstants.DEFAULT_MAX_PAYLOAD, WireConstants.DEFAULT_FEATURES, SOFTWARE));
            Reply reply = receive();
            if (!(reply instanceof Reply.HelloReply hello)) {
                return refusedOrOdd(reply, "HELLO");
            }
            codec.negotiated(hello.maxPayload(), hello.features());
            byte[] clientNonce = NodeKeyAuth.newNonce();
            send(new Request.AuthStart(nextTag++, target.namespaceId(), target.nodeName(), clientNonce));
            reply = receive();
            if (!(reply instanceof Reply.AuthChallenge challenge)) {
                return refusedOrOdd(reply, "AUTH_START");
            }
            serverName = challenge.serverName();
            serverId = challenge.serverId();
            byte[] key = NodeKeyAuth.deriveKey(target.nodeKey(), target.namespaceId(), target.nodeName());
            try {
                AuthTranscript transcript = new AuthTranscript(WireConstants.VERSION, target.namespaceId(),
                        target.nodeName(), challenge.serverId(), challenge.serverName(), clientNonce,
                        challenge.serverNonce(), NodeKeyAuth.addressText(socket.getLocalAddress()),
                        NodeKeyAuth.addressText(socket.getInetAddress()), hello.features());
                send(new Request.AuthProof(nextTag++, transcript.clientProof(key)));
                reply = receive();
                if (!(reply instanceof Reply.AuthAccepted accepted)) {
                    return refusedOrOdd(reply, "AUTH_PROOF");
                }
                if (!NodeKeyAuth.proofMatches(transcript.serverProof(key), accepted.proof())) {
                    return result(Outcome.FAILED, "the server could not prove it knows this node's key (impostor?)",
                            0, 0);
                }
            } finally {
                Arrays.fill(key, (byte) 0);
            }
            measureRtt();
            send(new Request.ListVolumes(nextTag++));
            reply = receive();
            if (!(reply instanceof Reply.VolumeList list)) {
                return refusedOrOdd(reply, "LIST");
            }
            volumes = list.volumes().stream().map(VolumeInfo::name).toList();
            long[] read = list.volumes().isEmpty() || readBudget <= 0 ? new long[] {0, 0}
                    : readProbe(list.volumes().getFirst(), hello.maxPayload());
            send(new Request.Goodbye(nextTag++));
            double mbps = read[1] > 0 ? read[0] / (read[1] / 1e9) / 1e6 : 0;
            String detail = "logged in to server " + serverName + " (id " + serverId + "), " + volumes.size()
                    + " volume(s)" + (rttMicros >= 0 ? ", RTT " + rttMicros + " µs" : "")
                    + (read[0] > 0 ? String.format(", read %.1f MB/s", mbps) : "");
            return result(Outcome.ACCEPTED, detail, read[0], mbps);
        }

        private void measureRtt() throws IOException {
            long best = Long.MAX_VALUE;
            for (int i = 0; i < PINGS; i++) {
                long sent = System.nanoTime();
                send(new Request.Ping(nextTag++, sent));
                Reply reply = receive();
                if (reply instanceof Reply.Pong) {
                    best = Math.min(best, System.nanoTime() - sent);
                }
            }
            rttMicros = best == Long.MAX_VALUE ? -1 : best / 1000;
        }

        /** Reads up to the budget from the start of the volume, a few requests in flight; bytes and nanos. */
        private long[] readProbe(VolumeInfo volume, int maxPayload) throws IOException {
            send(new Request.Open(nextTag++, volume.name(), true));
            Reply reply = receive();
            if (!(reply instanceof Reply.Opened opened)) {
                release(reply);
                return new long[] {0, 0};
            }
            int chunk = (int) Math.min(Math.min(maxPayload, 1 << 20), Math.max(volume.blockSize(),
                    volume.size() - volume.size() % volume.blockSize()));
            long span = Math.max(chunk, Math.min(readBudget, volume.size()) / chunk * chunk);
            long budget = Math.min(readBudget, Math.max(span, chunk));
            long deadline = System.nanoTime() + timeout.toNanos();
            long start = System.nanoTime();
            long issued = 0;
            long received = 0;
            int inFlight = 0;
            long offset = 0;
            while (received < budget && System.nanoTime() < deadline) {
                while (inFlight < READ_WINDOW && issued < budget) {
                    send(new Request.Read(nextTag++, opened.handle(), offset, chunk));
                    offset = (offset + chunk) % span;
                    issued += chunk;
                    inFlight++;
                }
                Reply r = receive();
                inFlight--;
                if (r instanceof Reply.ReadData data) {
                    received += data.data().readableBytes();
                    data.data().release();
                } else {
                    release(r);
                    break;
                }
            }
            long nanos = System.nanoTime() - start;
            while (inFlight-- > 0) {
                release(receive());
            }
            send(new Request.Close(nextTag++, opened.handle()));
            release(receive());
            return new long[] {received, nanos};
        }

        private Result refusedOrOdd(Reply reply, String step) {
            if (reply instanceof Reply.Failure f) {
                if (step.startsWith("AUTH")) {
                    return result(Outcome.REFUSED, "login refused: " + f.reason(), 0, 0);
                }
                return result(Outcome.FAILED, step + " refused: " + f.reason(), 0, 0);
            }
            release(reply);
            return result(Outcome.FAILED, "unexpected " + reply.opcode() + " reply to " + step, 0, 0);
        }

        private Result result(Outcome outcome, String detail, long readBytes, double mbps) {
            return new Result(target, outcome, detail, serverName, serverId, connectMicros, rttMicros, volumes,
                    readBytes, mbps);
        }

        private void send(Request request) throws IOException {
            codecChannel.writeOutbound(request);
            for (Object o = codecChannel.readOutbound(); o != null; o = codecChannel.readOutbound()) {
                ByteBuf buf = (ByteBuf) o;
                try {
                    byte[] bytes = new byte[buf.readableBytes()];
                    buf.readBytes(bytes);
                    out.write(bytes);
                } finally {
                    buf.release();
                }
            }
            out.flush();
        }

        private Reply receive() throws IOException {
            byte[] buffer = new byte[64 * 1024];
            while (true) {
                Object message = codecChannel.readInbound();
                if (message != null) {
                    return (Reply) message;
                }
                int n = in.read(buffer);
                if (n < 0) {
                    throw new IOException("connection closed by the server");
                }
                codecChannel.writeInbound(Unpooled.copiedBuffer(buffer, 0, n));
            }
        }

        void close() {
            for (Object o = codecChannel.readInbound(); o != null; o = codecChannel.readInbound()) {
                ReferenceCountUtil.release(o instanceof Reply.ReadData d ? d.data() : o);
            }
            codecChannel.finishAndReleaseAll();
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // closing a socket we are done with
                }
            }
        }
    }

    private static void release(Reply reply) {
        if (reply instanceof Reply.ReadData d) {
            d.data().release();
        }
    }

    private static String reason(Throwable e) {
        if (e instanceof ConnectException) {
            return "connection refused (no rssrv listening there?)";
        }
        if (e instanceof SocketTimeoutException) {
            return "timed out";
        }
        if (e instanceof NoRouteToHostException) {
            return "no route to host";
        }
        String m = e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
