package io.rsio.tls;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.rsio.config.TlsSettings;
import io.rsio.wire.auth.AuthTranscript;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.Optional;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

/**
 * TLS 1.3 for RSIO connections (JDK provider through Netty's SslHandler): contexts built from a
 * namespace's {@link TlsSettings}, and the exporter value that binds the node-key login to the
 * TLS session (docs/PROTOCOL.md §3.3).
 */
public final class TlsContexts {
    static final String PROTOCOL = "TLSv1.3";

    private TlsContexts() {}

    /**
     * The server's context from {@code tls_cert} and {@code tls_key}.
     *
     * @throws IOException naming the files when they cannot be read or do not fit together
     */
    public static SslContext server(TlsSettings tls) throws IOException {
        var cert = tls.certificate().orElseThrow(() -> new IllegalArgumentException("tls_cert missing"));
        var key = tls.privateKey().orElseThrow(() -> new IllegalArgumentException("tls_key missing"));
        try {
            return SslContextBuilder.forServer(cert.toFile(), key.toFile())
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOL)
                    .build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new IOException("cannot use tls_cert " + cert + " with tls_key " + key + ": " + rootMessage(e), e);
        }
    }

    /** A client's context: TLS 1.3, the server certificate checked against the namespace's pins. */
    public static SslContext client(TlsSettings tls) throws IOException {
        try {
            return SslContextBuilder.forClient()
                    .sslProvider(SslProvider.JDK)
                    .protocols(PROTOCOL)
                    .trustManager(new PinningTrustManager(tls.pins()))
                    // Servers are configured by address; pins and the bound login authenticate them.
                    .endpointIdentificationAlgorithm(null)
                    .build();
        } catch (SSLException e) {
            throw new IOException("cannot set up TLS: " + rootMessage(e), e);
        }
    }

    /**
     * The TLS exporter value of {@code channel}'s session ({@link AuthTranscript#TLS_EXPORTER_LABEL},
     * no context, 32 bytes), or empty when the connection does not run over TLS.
     *
     * @throws IllegalStateException when the session cannot export (it then cannot be bound)
     */
    public static Optional<byte[]> exporter(Channel channel) {
        SslHandler ssl = channel.pipeline().get(SslHandler.class);
        if (ssl == null) {
            return Optional.empty();
        }
        SSLSession session = ssl.engine().getSession();
        if (!(session instanceof ExtendedSSLSession extended)) {
            throw new IllegalStateException("the TLS session cannot export keying material");
        }
        try {
            return Optional.of(extended.exportKeyingMaterialData(AuthTranscript.TLS_EXPORTER_LABEL, null,
                    AuthTranscript.TLS_EXPORTER_SIZE));
        } catch (javax.net.ssl.SSLKeyException | UnsupportedOperationException e) {
            throw new IllegalStateException("the TLS session cannot export keying material: " + e.getMessage(), e);
        }
    }

    /** SHA-256 of the certificate's DER encoding, 64 lowercase hex digits (what tls_pin holds). */
    public static String fingerprint(X509Certificate certificate) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint a certificate", e);
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
