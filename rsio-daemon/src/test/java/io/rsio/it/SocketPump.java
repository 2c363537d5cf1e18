package io.rsio.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** Copies one direction of a relayed connection on a daemon thread; the test proxies' shared part. */
final class SocketPump {
    /** Sees each chunk on its way through (to record or count it). */
    interface Tap {
        void saw(byte[] buf, int length);
    }

    private SocketPump() {}

    /** Copies {@code from} to {@code to} until either side ends, then closes both. */
    static void start(String name, Socket from, Socket to, Tap tap) {
        Thread.ofPlatform().daemon().name(name).start(() -> {
            byte[] buf = new byte[65536];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                    tap.saw(buf, n);
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        });
    }

    static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
