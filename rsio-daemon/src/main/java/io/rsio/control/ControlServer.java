package io.rsio.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.function.Function;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * rsiod's control socket: a unix stream socket, mode 0600, that also checks each peer's
 * credentials, so only the daemon's own user (root) can query or command it. One request line,
 * one answer (docs/CONTROL.md); a virtual thread per connection.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(ControlServer.class);
    private static final int MAX_LINE = 4096;
    /** A connection that has not sent its whole request line by then is closed. */
    static final long REQUEST_TIMEOUT_MILLIS = 10_000;
    private static final java.util.concurrent.ScheduledExecutorService DEADLINES =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "rsiod-control-deadline");
                t.setDaemon(true);
                return t;
            });

    private final Path socket;
    private final ServerSocketChannel listener;
    private final Function<List<String>, ControlResponse> handler;
    private final Thread acceptor;

    private ControlServer(Path socket, ServerSocketChannel listener, Function<List<String>, ControlResponse> handler) {
        this.socket = socket;
        this.listener = listener;
        this.handler = handler;
        this.acceptor = Thread.ofVirtual().name("rsiod-control").start(this::acceptLoop);
    }

    public static ControlServer start(Path socket, Function<List<String>, ControlResponse> handler) throws IOException {
        Files.createDirectories(socket.getParent());
        if (Files.exists(socket) && ControlClient.isAlive(socket)) {
            throw new IOException("another rsiod is already running (control socket " + socket + " answers)");
        }
        Files.deleteIfExists(socket);
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(socket));
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        return new ControlServer(socket, listener, handler);
    }

    private void acceptLoop() {
        while (listener.isOpen()) {
            try {
                SocketChannel connection = listener.accept();
                Thread.ofVirtual().name("rsiod-control-conn").start(() -> serve(connection));
            } catch (IOException e) {
                if (listener.isOpen()) {
                    LOG.warn("control socket accept failed: {}", e.getMessage());
                }
            }
        }
    }

    private void serve(SocketChannel connection) {
        try (connection;
             BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(connection),
                     StandardCharsets.UTF_8));
             Writer out = new OutputStreamWriter(Channels.newOutputStream(connection), StandardCharsets.UTF_8)) {
            UnixDomainPrincipal peer = connection.getOption(ExtendedSocketOptions.SO_PEERCRED);
            String self = System.getProperty("user.name");
            boolean allowed = peer.user().getName().equals(self) || peer.user().getName().equals("root");
            // The request line is read even from a refused peer (bounded, with the deadline):
            // closing on it unread would turn the refusal into a "broken pipe" at the client.
            // A blocking read has no timeout of its own: closing the channel ends it.
            var deadline = DEADLINES.schedule(() -> {
                LOG.warn("control socket: request not complete within {} ms, closing", REQUEST_TIMEOUT_MILLIS);
                closeQuietly(connection);
            }, REQUEST_TIMEOUT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
            String line;
            try {
                line = readBoundedLine(in);
            } finally {
                deadline.cancel(false);
            }
            if (!allowed) {
                LOG.warn("control socket: refused user {}", peer.user().getName());
                out.write(ControlResponse.error("permission denied: only " + self + " may control rsiod").render());
                out.flush();
                return;
            }
            if (line == null) {
                return;
            }
            List<String> words = List.of(line.trim().split("\\s+"));
            ControlResponse response;
            try {
                response = handler.apply(words);
            } catch (RuntimeException e) {
                LOG.error("control request '{}' failed", words.getFirst(), e);
                response = ControlResponse.error("internal error: " + e.getMessage());
            }
            out.write(response.render());
            out.flush();
        } catch (OverlongRequest e) {
            LOG.warn("control socket: {}, closing", e.getMessage());
        } catch (IOException e) {
            LOG.debug("control connection ended: {}", e.getMessage());
        }
    }

    /** The peer sent more than a request line may hold. */
    private static final class OverlongRequest extends IOException {
        private static final long serialVersionUID = 1L;

        OverlongRequest() {
            super("control request longer than " + MAX_LINE + " characters");
        }
    }

    private static void closeQuietly(SocketChannel connection) {
        try {
            connection.close();
        } catch (IOException ignored) {
            // closing is all that was asked
        }
    }

    private static String readBoundedLine(BufferedReader in) throws IOException {
        StringBuilder line = new StringBuilder();
        int ch;
        while ((ch = in.read()) != -1 && ch != '\n') {
            if (line.length() >= MAX_LINE) {
                throw new OverlongRequest();
            }
            line.append((char) ch);
        }
        return ch == -1 && line.isEmpty() ? null : line.toString();
    }

    @Override
    public void close() {
        try {
            listener.close();
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("closing control socket {}: {}", socket, e.getMessage());
        }
        acceptor.interrupt();
    }
}
