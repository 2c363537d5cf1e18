package io.rsio.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rsio.nativeio.fuse.FuseTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientConfigTest {

    private static final Path FILE = Path.of("/etc/rscltcfg");

    @Test
    void emptyFileIsAFreshConfig() throws ConfigException {
        ClientConfig c = ClientConfig.parse(FILE, "# written by crsio\n");
        assertEquals(ClientConfig.Defaults.BUILT_IN, c.defaults());
        assertEquals(new ClientConfig.Defaults("tcp", 5000, ClientConfig.MultipathSettings.BUILT_IN), c.defaults());
        assertEquals(List.of(), c.interfaces());
        assertEquals(List.of(), c.namespaces());
        assertEquals(ClientConfig.Attach.AUTO, c.defaults().attach());
    }

    @Test
    void attachMethodIsChosenInDefaults() throws ConfigException {
        for (ClientConfig.Attach a : ClientConfig.Attach.values()) {
            ClientConfig c = ClientConfig.parse(FILE, "[defaults]\nattach = " + a.text().toUpperCase() + "\n");
            assertEquals(a, c.defaults().attach(), a.text());
        }
    }

    @Test
    void fuseTransportIsChosenInDefaults() throws ConfigException {
        assertEquals(FuseTransport.Setting.AUTO, ClientConfig.parse(FILE, "[defaults]\n").defaults().fuseTransport());
        assertEquals(FuseTransport.Setting.URING,
                ClientConfig.parse(FILE, "[defaults]\nfuse_transport = uring\n").defaults().fuseTransport());
        assertEquals(FuseTransport.Setting.DEV,
                ClientConfig.parse(FILE, "[defaults]\nfuse_transport = DEV\n").defaults().fuseTransport());
    }

    @Test
    void settingsInheritDefaultsThenNamespaceThenServer() throws ConfigException {
        ClientConfig c = ClientConfig.parse(FILE, """
                [defaults]
                protocol       = tcp
                port           = 5100
                policy         = roundrobin
                ping_interval  = 500ms
                path_timeout   = 3s
                nopath_timeout = 2m
                chunk_size     = 1M
                reconnect_max  = 30

                [interface if0]
                address = 198.18.45.20
                [interface if1]
                address = 198.18.46.20
                port    = 5101

                [namespace osl]
                namespaceid   = 200
                nodename      = big-2
                nodekey       = 0xbig-2
                port          = 5200
                policy        = adaptive
                chunk_size    = 64K
                [server big-9-1]
                address = 198.18.45.10
                [server big-9-2]
                address = 198.18.46.10
                port    = 5201

                [namespace lab]
                namespaceid   = 300
                nodename      = big-2
                nodekey       = other
                nopath_timeout = 0
                data_digest   = off
                [server rsio-1]
                address = 2001:db8::9
                """);
        ClientConfig.MultipathSettings defaults = new ClientConfig.MultipathSettings("roundrobin",
                Duration.ofMillis(500), Duration.ofSeconds(3), Duration.ofMinutes(2), 1 << 20, Duration.ofSeconds(30), true);
        assertEquals(new ClientConfig.Defaults("tcp", 5100, defaults), c.defaults());
        assertEquals(List.of(
                new ClientConfig.Interface("if0", "198.18.45.20", "tcp", 5100),
                new ClientConfig.Interface("if1", "198.18.46.20", "tcp", 5101)), c.interfaces());

        assertEquals(List.of(
                new ClientConfig.Namespace("osl", 200, "big-2", "0xbig-2",
                        new ClientConfig.MultipathSettings("adaptive", Duration.ofMillis(500), Duration.ofSeconds(3),
                                Duration.ofMinutes(2), 64 << 10, Duration.ofSeconds(30), true),
                        List.of(new ClientConfig.Server("big-9-1", "198.18.45.10", "tcp", 5200),
                                new ClientConfig.Server("big-9-2", "198.18.46.10", "tcp", 5201))),
                new ClientConfig.Namespace("lab", 300, "big-2", "other",
                        new ClientConfig.MultipathSettings("roundrobin", Duration.ofMillis(500), Duration.ofSeconds(3),
                                Duration.ZERO, 1 << 20, Duration.ofSeconds(30), false),
                        List.of(new ClientConfig.Server("rsio-1", "2001:db8::9", "tcp", 5100)))), c.namespaces());
    }

    @Test
    void defaultsApplyWhereverTheSectionStands() throws ConfigException {
        ClientConfig c = ClientConfig.parse(FILE, """
                [namespace osl]
                namespaceid = 200
                nodename = big-2
                nodekey = k
                [server big-9-1]
                address = 198.18.45.10
                [defaults]
                port = 5300
                [server big-9-2]
                address = 198.18.46.10
                """);
        // A [server] belongs to the nearest [namespace] above it, even across a [defaults].
        assertEquals(List.of(
                new ClientConfig.Server("big-9-1", "198.18.45.10", "tcp", 5300),
                new ClientConfig.Server("big-9-2", "198.18.46.10", "tcp", 5300)),
                c.namespace("osl").orElseThrow().servers());
    }

    @Test
    void sameServerNameMayAppearInTwoNamespaces() throws ConfigException {
        ClientConfig c = ClientConfig.parse(FILE, """
                [namespace a]
                namespaceid = 1
                nodename = n
                nodekey = k
                [server s1]
                address = 198.18.0.10
                [namespace b]
                namespaceid = 2
                nodename = n
                nodekey = k
                [server s1]
                address = 198.18.0.10
                """);
        assertEquals(2, c.namespaces().size());
        assertEquals(c.namespaces().get(0).servers(), c.namespaces().get(1).servers());
    }
}
