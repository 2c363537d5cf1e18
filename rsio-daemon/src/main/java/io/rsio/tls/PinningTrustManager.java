package io.rsio.tls;

import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a server certificate by its SHA-256 fingerprint (tls_pin), or any certificate when no
 * pin is configured. No certificate authority, no host name and no dates are involved: RSIO
 * servers are configured by address, and what authenticates them is the pin and, always, the
 * node-key proof bound to this TLS session (docs/security.md).
 */
final class PinningTrustManager extends X509ExtendedTrustManager {
    private final List<String> pins;

    PinningTrustManager(List<String> pins) {
        this.pins = List.copyOf(pins);
    }

    private void check(X509Certificate[] chain) throws CertificateException {
        if (chain == null || chain.length == 0) {
            throw new CertificateException("the server presented no certificate");
        }
        if (pins.isEmpty()) {
            return;
        }
        String fingerprint = TlsContexts.fingerprint(chain[0]);
        if (!pins.contains(fingerprint)) {
            throw new CertificateException("server certificate sha256 " + fingerprint + " is not one of the "
                    + pins.size() + " pinned in tls_pin");
        }
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        check(chain);
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        check(chain);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
            throws CertificateException {
        throw new CertificateException("RSIO clients authenticate with their node key, not a certificate");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
            throws CertificateException {
        throw new CertificateException("RSIO clients authenticate with their node key, not a certificate");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("RSIO clients authenticate with their node key, not a certificate");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
    }
}
