package io.rsio.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The client side of rsiod's control socket, for rsconfig and crsio. */
public final class ControlClient {
    /** rsiod is not running, refused, or answered something unreadable; the message says which. */
    public static final class ControlException extends Exception {
        private static final long serialVersionUID = 1L;

        public ControlException(String message) {
            super(message);
        }
    }

    private final Path socket;

    public ControlClient(Path socket) {
        this.socket = socket;
    }

    public ControlResponse call(String... words) throws ControlException {
        if (!Files.exists(socket)) {
            throw new ControlException("rsiod is not running (no control socket " + socket + ")");
        }
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.write(ByteBuffer.wrap((String.join(" ", words) + "\n").getBytes(StandardCharsets.UTF_8)));
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(channel),
                    StandardCharsets.UTF_8));
            String first = in.readLine();
            if (first == null) {
                throw new ControlException("rsiod closed the control connection without an answer");
            }
            if (first.startsWith("ERR ")) {
                return ControlResponse.error(first.substring(4));
            }
            if (!first.equals("OK")) {
                throw new ControlException("unexpected answer from rsiod: " + first);
            }
            List<Record> rows = new ArrayList<>();
            for (String line = in.readLine(); line != null && !line.equals("."); line = in.readLine()) {
                rows.add(RowCodec.decode(line));
            }
            return ControlResponse.ok(rows);
        } catch (AccessDeniedException e) {
            throw new ControlException("permission denied on " + socket + ": rsconfig must run as root");
        } catch (java.net.SocketException e) {
            String msg = String.valueOf(e.getMessage());
            if (msg.contains("Permission denied")) {
                throw new ControlException("permission denied on " + socket + ": rsconfig must run as root");
            }
            throw new ControlException("rsiod is not running (" + socket + ": " + msg + ")");
        } catch (IOException | IllegalArgumentException e) {
            throw new ControlException("control socket " + socket + ": " + e.getMessage());
        }
    }

    /** True when something answers on the socket (used to refuse starting a second rsiod). */
    static boolean isAlive(Path socket) {
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
