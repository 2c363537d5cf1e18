package io.rsio.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalInterfacesTest {
    @TempDir
    Path sys;

    @Test
    void linkFactsComeFromSysClassNetAndUnknownsStayUnknown() throws Exception {
        Path eth = Files.createDirectories(sys.resolve("eth0"));
        Files.writeString(eth.resolve("mtu"), "9000\n");
        Files.writeString(eth.resolve("speed"), "10000\n");
        Files.writeString(eth.resolve("operstate"), "up\n");
        Files.writeString(eth.resolve("address"), "02:00:00:00:00:01\n");
        assertEquals(new LinkFacts(9000, 10000, "up", "02:00:00:00:00:01"), LinkFacts.read(sys, "eth0"));
        assertEquals("10 Gbit/s", LinkFacts.read(sys, "eth0").speedText());

        Path down = Files.createDirectories(sys.resolve("eth1"));
        Files.writeString(down.resolve("speed"), "-1\n"); // a link that is down
        Files.writeString(down.resolve("mtu"), "1500\n");
        LinkFacts facts = LinkFacts.read(sys, "eth1");
        assertEquals(0, facts.speedMbps());
        assertEquals("-", facts.speedText());
        assertEquals("unknown", facts.state());
        assertEquals(LinkFacts.UNKNOWN, LinkFacts.read(sys, "../etc"), "no path tricks");
        assertEquals(LinkFacts.UNKNOWN, LinkFacts.read(sys, "missing"));
    }

    @Test
    void broadcastAddressesFollowThePrefix() throws Exception {
        assertEquals(Optional.of("198.18.45.255"), LocalInterface.broadcastOf(InetAddress.ofLiteral("198.18.45.20"), 24));
        assertEquals(Optional.of("127.255.255.255"), LocalInterface.broadcastOf(InetAddress.ofLiteral("127.0.0.1"), 8));
        assertEquals(Optional.of("198.19.255.255"), LocalInterface.broadcastOf(InetAddress.ofLiteral("198.18.0.1"), 15));
        assertEquals(Optional.empty(), LocalInterface.broadcastOf(InetAddress.ofLiteral("198.18.0.1"), 31));
        assertEquals(Optional.empty(), LocalInterface.broadcastOf(InetAddress.ofLiteral("2001:db8::1"), 64));
    }

    @Test
    void thisHostsLoopbackIsListedWithItsBroadcast() {
        List<LocalInterface> all = LocalInterfaces.list();
        LocalInterface lo = all.stream().filter(i -> i.address().equals("127.0.0.1")).findFirst().orElseThrow();
        assertTrue(lo.loopback());
        assertEquals(Optional.of("127.255.255.255"), lo.broadcast());
        assertEquals("127.0.0.1/8", lo.cidr());
        // every 127.x address is this host's, through lo
        assertEquals("127.0.0.9", LocalInterfaces.byAddress("127.0.0.9").orElseThrow().address());
        assertEquals(Optional.empty(), LocalInterfaces.byAddress("198.18.99.99"));
    }
}
