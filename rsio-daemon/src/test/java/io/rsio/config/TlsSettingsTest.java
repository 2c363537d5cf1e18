package io.rsio.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TlsSettingsTest {
    private static final Path CLIENT = Path.of("/etc/rscltcfg");
    private static final Path SERVER = Path.of("/etc/dvsc/rssrvcfg");
    private static final String PIN = "3f".repeat(32);

    private static ClientConfig client(String namespaceLines) throws ConfigException {
        return ClientConfig.parse(CLIENT, """
                [namespace osl]
                namespaceid = 200
                nodename    = big-2
                nodekey     = 0xbig2
                %s
                [server big-9-1]
                address = 198.18.45.10
                """.formatted(namespaceLines));
    }

    private static ServerConfig server(String namespaceLines) throws ConfigException {
        return ServerConfig.parse(SERVER, """
                [namespace osl]
                namespaceid = 200
                %s
                [server big-9]
                serverid = 1
                [interface if1]
                address = 198.18.45.10
                """.formatted(namespaceLines));
    }

    @Test
    void withoutTlsKeysTlsIsOff() throws ConfigException {
        assertEquals(TlsSettings.OFF, client("").namespaces().getFirst().tls());
        assertEquals(TlsSettings.OFF, server("").namespace().tls());
    }

    @Test
    void clientPinsAcceptOpensslFingerprintsAndSeveralCertificates() throws ConfigException {
        String colons = String.join(":", java.util.Collections.nCopies(32, "AB"));
        TlsSettings tls = client("tls = yes\ntls_pin = " + colons + ", sha256/" + PIN).namespaces().getFirst().tls();
        assertEquals(TlsSettings.Mode.ON, tls.mode());
        assertEquals(List.of("ab".repeat(32), PIN), tls.pins());
        assertEquals(List.of(), client("tls = on").namespaces().getFirst().tls().pins());
        assertEquals(TlsSettings.OFF, client("tls = no").namespaces().getFirst().tls());
    }

    @Test
    void clientMistakesNameTheLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> client("tls_pin = " + PIN));
        assertEquals("/etc/rscltcfg:5: tls_pin needs tls = yes in the same section", e.getMessage());
        e = assertThrows(ConfigException.class, () -> client("tls = yes\ntls_pin = 12:34"));
        assertEquals("/etc/rscltcfg:6: tls_pin must be SHA-256 certificate fingerprints (64 hex digits each, e.g. "
                + "from openssl x509 -noout -fingerprint -sha256), found \"12:34\"", e.getMessage());
        e = assertThrows(ConfigException.class, () -> client("tls = maybe"));
        assertEquals("/etc/rscltcfg:5: tls must be yes or no, found \"maybe\"", e.getMessage());
        e = assertThrows(ConfigException.class, () -> client("tls_cert = x.pem"));
        assertEquals(true, e.getMessage().startsWith("/etc/rscltcfg:5: unknown key \"tls_cert\""), e.getMessage());
    }

    @Test
    void serverModesAndRelativePemFiles() throws ConfigException {
        TlsSettings tls = server("tls = required\ntls_cert = tls/cert.pem\ntls_key = /srv/key.pem").namespace().tls();
        assertEquals(new TlsSettings(TlsSettings.Mode.REQUIRED, Optional.of(Path.of("/etc/dvsc/tls/cert.pem")),
                Optional.of(Path.of("/srv/key.pem")), List.of()), tls);
        assertEquals(TlsSettings.Mode.ON, server("tls = yes\ntls_cert = c\ntls_key = k").namespace().tls().mode());
        assertEquals(TlsSettings.OFF, server("tls = no").namespace().tls());
    }

    @Test
    void serverMistakesNameTheLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> server("tls = required\ntls_cert = c.pem"));
        assertEquals("/etc/dvsc/rssrvcfg:3: tls = required needs tls_key (a PEM file) in the same section",
                e.getMessage());
        e = assertThrows(ConfigException.class, () -> server("tls_key = k.pem"));
        assertEquals("/etc/dvsc/rssrvcfg:3: tls_key needs tls = yes or tls = required in the same section",
                e.getMessage());
        e = assertThrows(ConfigException.class, () -> server("tls = always"));
        assertEquals("/etc/dvsc/rssrvcfg:3: tls must be no, yes or required, found \"always\"", e.getMessage());
        e = assertThrows(ConfigException.class, () -> server("tls = yes\ntls_pin = " + PIN));
        assertEquals(true, e.getMessage().startsWith("/etc/dvsc/rssrvcfg:4: unknown key \"tls_pin\""), e.getMessage());
    }
}
