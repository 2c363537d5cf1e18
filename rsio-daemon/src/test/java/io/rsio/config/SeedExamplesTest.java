package io.rsio.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The two config files shown in the seed, verbatim, must load with every field as shown. */
class SeedExamplesTest {

    static Path resource(String name) {
        try {
            return Path.of(SeedExamplesTest.class.getResource("/config/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void seedServerConfigLoadsWithEveryField() throws ConfigException {
        Path file = resource("seed-rssrvcfg");
        ServerConfig c = ServerConfig.load(file);

        assertEquals(file, c.file());
        assertEquals(new ServerConfig.Namespace("osl", 200, "tcp", 5000), c.namespace());
        assertEquals(new ServerConfig.Server("big-9", 1, true), c.server());
        assertEquals(List.of(
                new ServerConfig.Interface("if1", "192.168.45.10", "tcp", 5000),
                new ServerConfig.Interface("if2", "192.168.46.10", "tcp", 5000)), c.interfaces());
        assertEquals(List.of(
                new ServerConfig.Client("big-2", "0xbig2"),
                new ServerConfig.Client("venus", "0xvenus"),
                new ServerConfig.Client("big-6", "0xbig6")), c.clients());
        assertEquals(List.of(), c.volumes());

        assertEquals(Optional.of(new ServerConfig.Client("venus", "0xvenus")), c.client("venus"));
        assertEquals(Optional.empty(), c.client("Venus"), "client names are case-sensitive");
        assertEquals(Optional.empty(), c.client("mars"));
    }

    @Test
    void seedClientConfigLoadsWithEveryField() throws ConfigException {
        Path file = resource("seed-rscltcfg");
        ClientConfig c = ClientConfig.load(file);

        assertEquals(file, c.file());
        assertEquals("tcp", c.defaults().protocol());
        assertEquals(5000, c.defaults().port());
        assertEquals(ClientConfig.MultipathSettings.BUILT_IN, c.defaults().multipath());
        assertEquals(List.of(
                new ClientConfig.Interface("if0", "192.168.45.20", "tcp", 5000),
                new ClientConfig.Interface("if1", "192.168.46.20", "tcp", 5000)), c.interfaces());

        assertEquals(1, c.namespaces().size());
        ClientConfig.Namespace ns = c.namespaces().getFirst();
        assertEquals("osl", ns.name());
        assertEquals(200, ns.id());
        assertEquals("big-2", ns.nodeName());
        assertEquals("0xbig-2", ns.nodeKey());
        assertEquals(ClientConfig.MultipathSettings.BUILT_IN, ns.multipath());
        assertEquals(List.of(
                new ClientConfig.Server("big-9-1", "192.168.45.10", "tcp", 5000),
                new ClientConfig.Server("big-9-2", "192.168.46.10", "tcp", 5000)), ns.servers());
        assertEquals(Optional.of(ns), c.namespace("osl"));
    }

    @Test
    void builtInMultipathSettingsAreTheDocumentedOnes() {
        ClientConfig.MultipathSettings m = ClientConfig.MultipathSettings.BUILT_IN;
        assertEquals("adaptive", m.policy());
        assertEquals(java.time.Duration.ofSeconds(1), m.pingInterval());
        assertEquals(java.time.Duration.ofSeconds(5), m.pathTimeout());
        assertEquals(java.time.Duration.ofSeconds(60), m.nopathTimeout());
        assertEquals(256 * 1024, m.chunkSize());
        assertEquals(java.time.Duration.ofSeconds(10), m.reconnectMax());
    }

    @Test
    void seedClientNameMatchesServerClientList() throws ConfigException {
        // The lab's pair of files belong together: the client's node name is a server client.
        ServerConfig server = ServerConfig.load(resource("seed-rssrvcfg"));
        ClientConfig client = ClientConfig.load(resource("seed-rscltcfg"));
        ClientConfig.Namespace ns = client.namespaces().getFirst();
        assertEquals(server.namespace().id(), ns.id());
        assertTrue(server.client(ns.nodeName()).isPresent());
        List<String> serverAddresses = server.interfaces().stream().map(ServerConfig.Interface::address).toList();
        assertEquals(serverAddresses, ns.servers().stream().map(ClientConfig.Server::address).toList());
    }
}
