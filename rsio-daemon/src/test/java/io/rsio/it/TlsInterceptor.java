package io.rsio.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A TLS man in the middle for tests: it ends the client's TLS with its own certificate, opens
 * its own TLS connection to the real server (trusting anything), and passes the plaintext
 * between the two sessions unchanged, counting it.
 */
final class TlsInterceptor implements AutoCloseable {
    private final SSLServerSocket listener;
    private final SSLContext upstream;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    final AtomicLong plaintextBytes = new AtomicLong();

    TlsInterceptor(TestCertificates own, int targetPort) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(own.keyStore())) {
            ks.load(in, own.password());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, own.password());
        SSLContext serverSide = SSLContext.getInstance("TLSv1.3");
        serverSide.init(kmf.getKeyManagers(), null, null);
        this.listener = (SSLServerSocket) serverSide.getServerSocketFactory()
                .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.upstream = SSLContext.getInstance("TLSv1.3");
        this.upstream.init(null, new TrustManager[] {new TrustEverything()}, null);
        this.targetPort = targetPort;
        Thread.ofPlatform().daemon().name("mitm-accept").start(this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                SSLSocket client = (SSLSocket) listener.accept();
                SSLSocket server = (SSLSocket) upstream.getSocketFactory()
                        .createSocket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(server);
                SocketPump.start("mitm-pump", client, server, (buf, n) -> plaintextBytes.addAndGet(n));
                SocketPump.start("mitm-pump", server, client, (buf, n) -> plaintextBytes.addAndGet(n));
            } catch (IOException e) {
                // closed, or the handshake failed: that connection just ends
            }
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        sockets.forEach(SocketPump::closeQuietly);
    }

    private static final class TrustEverything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
