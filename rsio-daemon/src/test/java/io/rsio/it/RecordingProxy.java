package io.rsio.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A TCP relay on 127.0.0.1 for tests: every connection it accepts is forwarded byte for byte
 * to {@code target}, from the local address {@code upstreamFrom}, and what the client sent is
 * recorded per connection — the man in the middle who wants to replay or splice a login.
 */
final class RecordingProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final InetAddress upstreamFrom;
    private final List<ByteArrayOutputStream> fromClients = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    RecordingProxy(int targetPort, InetAddress upstreamFrom) throws IOException {
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.target = new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort);
        this.upstreamFrom = upstreamFrom;
        this.acceptor = Thread.ofPlatform().daemon().name("proxy-accept").start(this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** What the client of the {@code index}-th connection sent so far. */
    byte[] clientBytes(int index) {
        return fromClients.get(index).toByteArray();
    }

    int connections() {
        return fromClients.size();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.bind(new InetSocketAddress(upstreamFrom, 0));
                server.connect(target, 5000);
                sockets.add(client);
                sockets.add(server);
                ByteArrayOutputStream record = new ByteArrayOutputStream();
                fromClients.add(record);
                SocketPump.start("proxy-pump", client, server, (buf, n) -> {
                    synchronized (record) {
                        record.write(buf, 0, n);
                    }
                });
                SocketPump.start("proxy-pump", server, client, (buf, n) -> { });
            } catch (IOException e) {
                // closed, or the target refused: the client sees its connection end
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        sockets.forEach(SocketPump::closeQuietly);
    }
}
