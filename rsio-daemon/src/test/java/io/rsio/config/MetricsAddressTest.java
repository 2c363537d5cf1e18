package io.rsio.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The {@code metrics} key of both files: off by default, loopback for a bare port. */
class MetricsAddressTest {

    @Test
    void aBarePortIsLoopbackAndAnAddressIsTakenAsWritten() {
        assertEquals(Optional.of(new MetricsAddress("127.0.0.1", 9551)), MetricsAddress.parse(" 9551 "));
        assertEquals(Optional.of(new MetricsAddress("::1", 9551)), MetricsAddress.parse("[::1]:9551"));
        MetricsAddress other = MetricsAddress.parse("198.18.45.10:9551").orElseThrow();
        assertFalse(other.loopback());
        assertEquals("198.18.45.10:9551", other.text());
        assertTrue(MetricsAddress.parse("127.0.0.2:1").orElseThrow().loopback());
        assertEquals("[::1]:9551", MetricsAddress.parse("[::1]:9551").orElseThrow().text());
        assertEquals(Optional.empty(), MetricsAddress.parse("no"));
        assertEquals(Optional.empty(), MetricsAddress.parse("OFF"));
    }

    @Test
    void theWildcardHostNamesAndBadPortsAreRefused() {
        assertEquals("must name one interface, not the wildcard, found \"0.0.0.0:9551\"",
                assertThrows(IllegalArgumentException.class, () -> MetricsAddress.parse("0.0.0.0:9551")).getMessage());
        for (String bad : new String[] {"localhost:9551", "::1:9551", "yes", "", "127.0.0.1", "[::1]9551"}) {
            assertTrue(assertThrows(IllegalArgumentException.class, () -> MetricsAddress.parse(bad)).getMessage()
                    .startsWith("must be a port (loopback), ADDRESS:PORT"), bad);
        }
        assertEquals("port must be from 1 to 65535, found \"127.0.0.1:70000\"", assertThrows(
                IllegalArgumentException.class, () -> MetricsAddress.parse("127.0.0.1:70000")).getMessage());
    }

    @Test
    void offByDefaultInBothFilesAndReadFromTheirSections() throws ConfigException {
        Path server = BrokenConfigTest.SERVER_FILE;
        Path client = BrokenConfigTest.CLIENT_FILE;
        String serverText = BrokenConfigTest.SERVER_HEAD;
        String clientText = BrokenConfigTest.CLIENT_HEAD + BrokenConfigTest.CLIENT_SERVER_ADDRESS;
        assertEquals(Optional.empty(), ServerConfig.parse(server, serverText).server().metrics());
        assertEquals(Optional.empty(), ClientConfig.parse(client, clientText).defaults().metrics());
        assertEquals(Optional.of(new MetricsAddress("127.0.0.1", 9551)), ServerConfig.parse(server,
                serverText.replace("serverid = 1", "serverid = 1\nmetrics = 9551")).server().metrics());
        assertEquals(Optional.of(new MetricsAddress("127.0.0.1", 9552)), ClientConfig.parse(client,
                clientText.replace("port = 5000", "port = 5000\nmetrics = 127.0.0.1:9552")).defaults().metrics());
        ConfigException e = assertThrows(ConfigException.class, () -> ClientConfig.parse(client,
                clientText.replace("port = 5000", "port = 5000\nmetrics = 0.0.0.0:9552")));
        assertEquals(client + ":3: metrics must name one interface, not the wildcard, found \"0.0.0.0:9552\"",
                e.getMessage());
    }
}
