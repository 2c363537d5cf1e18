package io.rsio.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * Self-signed server certificates for TLS tests, made with the JDK's keytool (EC P-256) and
 * written as the PEM files rssrv reads (tls_cert, tls_key), plus the PKCS#12 store for test
 * code that speaks TLS itself.
 */
record TestCertificates(Path certificate, Path privateKey, Path keyStore, char[] password, String fingerprint) {
    static TestCertificates create(Path dir, String commonName) throws Exception {
        Files.createDirectories(dir);
        Path store = dir.resolve(commonName + ".p12");
        char[] password = "test-only".toCharArray();
        ProcessResult keytool = Commands.run(Duration.ofSeconds(60), Map.of(), List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "rsio", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + commonName,
                "-validity", "3650", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", new String(password), "-keypass", new String(password)));
        if (keytool.exitCode() != 0) {
            throw new AssertionError("keytool failed: " + keytool);
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            ks.load(in, password);
        }
        X509Certificate cert = (X509Certificate) ks.getCertificate("rsio");
        PrivateKey key = (PrivateKey) ks.getKey("rsio", password);
        Path certFile = dir.resolve(commonName + "-cert.pem");
        Path keyFile = dir.resolve(commonName + "-key.pem");
        Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
        return new TestCertificates(certFile, keyFile, store, password, io.rsio.tls.TlsContexts.fingerprint(cert));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
