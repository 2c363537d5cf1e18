package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS 1.3 per namespace: a passive capture of a TLS session on loopback holds none of the data
 * written (while one of a plain session does); a pinned client refuses another certificate; a
 * server that requires TLS refuses plain clients; and a man in the middle with his own
 * certificate, facing a client without a pin, still cannot log in, because the node-key proofs
 * are bound to the TLS session.
 */
class TlsTest {
    static final String DEFAULTS = "ping_interval = 200ms\npath_timeout = 2s\nreconnect_max = 500ms";
    static final byte[] MARKER = "RSIO-PLAINTEXT-MARKER-".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;
    @TempDir
    static Path certDir;
    static TestCertificates certs;
    static TestCertificates other;

    @org.junit.jupiter.api.BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCertificates.create(certDir.resolve("server"), "big-9");
        other = TestCertificates.create(certDir.resolve("other"), "big-9");
    }

    private static void serverTls(TestCluster cluster, String mode, TestCertificates certs) throws IOException {
        String text = Files.readString(cluster.serverConfig);
        Files.writeString(cluster.serverConfig, text.replaceFirst("namespaceid = 200\n", "namespaceid = 200\ntls = "
                + mode + "\ntls_cert = " + certs.certificate() + "\ntls_key = " + certs.privateKey() + "\n"));
    }

    private static void clientConfig(TestCluster cluster, int port, String tlsLines) throws IOException {
        cluster.writeClientConfig("big-2", "0xbig2", DEFAULTS, List.of(port));
        String text = Files.readString(cluster.clientConfig);
        Files.writeString(cluster.clientConfig, text.replaceFirst("nodekey     = 0xbig2\n",
                "nodekey     = 0xbig2\n" + tlsLines));
    }

    /** Writes 2 MiB of marked blocks through the export, flushes, reads them back. */
    private static void writeMarkedData(TestCluster cluster) throws Exception {
        byte[] data = new byte[2 << 20];
        for (int at = 0; at + 64 <= data.length; at += 64) {
            System.arraycopy(MARKER, 0, data, at, MARKER.length);
        }
        try (NbdTestClient nbd = NbdTestClient.await(cluster.nbdSocket("oracle"), "oracle", Duration.ofSeconds(20))) {
            nbd.write(0, data, false).get(30, TimeUnit.SECONDS);
            nbd.flush().get(30, TimeUnit.SECONDS);
            assertArrayEquals(data, nbd.read(0, data.length).get(30, TimeUnit.SECONDS));
        }
    }

    @Test
    void aCaptureOfATlsSessionHoldsNoneOfTheDataWhileAPlainOneDoes() throws Exception {
        Commands.requireTool("tcpdump");
        try (TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", 8)) {
            serverTls(cluster, "yes", certs); // both: plain clients and TLS clients
            cluster.startServer();

            clientConfig(cluster, cluster.port, "");
            byte[] plain;
            try (PacketCapture capture = PacketCapture.start(cluster.port, dir.resolve("plain.pcap"))) {
                cluster.startClient();
                cluster.await("plain login", Duration.ofSeconds(20), () -> cluster.statusShows("connected tx: ok"));
                writeMarkedData(cluster);
                plain = capture.stop();
            }
            cluster.stopClientGracefully();
            assertTrue(indexOf(plain, MARKER) >= 0, "the control experiment failed: the plain capture holds no data");

            clientConfig(cluster, cluster.port, "tls = yes\ntls_pin = " + certs.fingerprint() + "\n");
            byte[] tls;
            try (PacketCapture capture = PacketCapture.start(cluster.port, dir.resolve("tls.pcap"))) {
                cluster.startClient();
                cluster.await("TLS login", Duration.ofSeconds(20), () -> cluster.statusShows("connected tx: ok"));
                writeMarkedData(cluster);
                tls = capture.stop();
            }
            assertTrue(tls.length > 2 << 20, "only " + tls.length + " bytes captured: the TLS session was not seen");
            assertEquals(-1, indexOf(tls, MARKER), "written data appears in the capture of a TLS session");
            assertEquals(-1, indexOf(tls, "big-2".getBytes(StandardCharsets.US_ASCII)),
                    "the node name appears in the capture of a TLS session");
            assertTrue(cluster.log("rssrv").contains("client big-2 logged in from 127.0.0.1/"), cluster.log("rssrv"));
            assertTrue(cluster.log("rssrv").matches("(?s).*client big-2 logged in from 127\\.0\\.0\\.1/\\d+ over TLS.*"));
            System.out.printf("[tls] captures on loopback: plain session %,d bytes with the data in clear; TLS session "
                    + "%,d bytes, no trace of data or node name%n", plain.length, tls.length);
        }
    }

    @Test
    void requiredTlsRefusesPlainClientsAndPinsRefuseOtherCertificates() throws Exception {
        try (TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", 8)) {
            serverTls(cluster, "required", certs);
            cluster.startServer();

            clientConfig(cluster, cluster.port, "");
            cluster.startClient();
            cluster.await("plain client refused", Duration.ofSeconds(20),
                    () -> logOf(cluster, "rssrv").contains("not an SSL/TLS record"));
            assertFalse(cluster.statusShows("connected tx: ok"));
            cluster.stopClientGracefully();

            clientConfig(cluster, cluster.port, "tls = yes\ntls_pin = " + other.fingerprint() + "\n");
            cluster.startClient();
            cluster.await("certificate not pinned", Duration.ofSeconds(20), () -> logOf(cluster, "rsiod")
                    .contains("server certificate sha256 " + certs.fingerprint() + " is not one of the 1 pinned"));
            assertFalse(cluster.statusShows("connected tx: ok"));
            cluster.stopClientGracefully();

            clientConfig(cluster, cluster.port, "tls = yes\ntls_pin = " + other.fingerprint() + ", "
                    + colons(certs.fingerprint()) + "\n");
            cluster.startClient();
            cluster.await("pinned TLS login", Duration.ofSeconds(20), () -> cluster.statusShows("connected tx: ok"));
            writeMarkedData(cluster);
        }
    }

    @Test
    void aTlsManInTheMiddleCannotLogInEvenWithoutAPin() throws Exception {
        TestCertificates mallory = other; // same name, its own key: what an attacker can make
        try (TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", 8)) {
            serverTls(cluster, "required", certs);
            cluster.startServer();
            try (TlsInterceptor mitm = new TlsInterceptor(mallory, cluster.port)) {
                clientConfig(cluster, mitm.port(), "tls = yes\n");
                cluster.startClient();
                cluster.await("relayed login refused", Duration.ofSeconds(20), () -> logOf(cluster, "rssrv")
                        .contains("wrong key for client big-2 from 127.0.0.1 (or a login relayed from another TLS session)"));
                cluster.await("rsiod reports it", Duration.ofSeconds(10),
                        () -> cluster.statusShows("login refused: authentication failed"));
                assertTrue(mitm.plaintextBytes.get() > 0, "the interceptor saw nothing");
                assertFalse(logOf(cluster, "rssrv").contains("logged in"), logOf(cluster, "rssrv"));
                assertFalse(Files.exists(cluster.nbdSocket("oracle")));
            }
        }
    }

    private static String colons(String hex) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 2) {
            b.append(i == 0 ? "" : ":").append(hex, i, i + 2);
        }
        return b.toString().toUpperCase(java.util.Locale.ROOT);
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String logOf(TestCluster cluster, String daemon) {
        try {
            return cluster.log(daemon);
        } catch (IOException e) {
            return "";
        }
    }
}
