package io.rsio.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The shipped samples in etc/ must stay loadable, and must use only the benchmark range 198.18.0.0/15. */
class SampleFilesTest {

    /** Surefire runs in the module directory; the samples live at the project root. */
    private static Path etc(String name) {
        Path p = Path.of("").toAbsolutePath().getParent().resolve("etc").resolve(name);
        assertTrue(Files.isRegularFile(p), () -> "missing sample " + p);
        return p;
    }

    @Test
    void serverSampleLoads() throws ConfigException {
        ServerConfig c = ServerConfig.load(etc("rssrvcfg.sample"));
        assertEquals("osl", c.namespace().name());
        assertFalse(c.interfaces().isEmpty());
        assertFalse(c.clients().isEmpty());
        assertEquals(1, c.volumes().size());
        ServerConfig.Volume v = c.volumes().getFirst();
        assertEquals(OptionalLong.of(10L << 30), v.size());
        c.interfaces().forEach(i -> assertBenchmarkRange(i.address()));
    }

    @Test
    void clientSampleLoadsAndMatchesTheServerSample() throws ConfigException {
        ServerConfig server = ServerConfig.load(etc("rssrvcfg.sample"));
        ClientConfig client = ClientConfig.load(etc("rscltcfg.sample"));
        ClientConfig.Namespace ns = client.namespace("osl").orElseThrow();
        assertEquals(server.namespace().id(), ns.id());
        assertEquals(server.client(ns.nodeName()).orElseThrow().key(), ns.nodeKey(), "the samples belong together");
        assertEquals(server.interfaces().stream().map(ServerConfig.Interface::address).toList(),
                ns.servers().stream().map(ClientConfig.Server::address).toList());
        Stream.concat(client.interfaces().stream().map(ClientConfig.Interface::address),
                ns.servers().stream().map(ClientConfig.Server::address)).forEach(SampleFilesTest::assertBenchmarkRange);
    }

    private static void assertBenchmarkRange(String address) {
        assertTrue(address.startsWith("198.18.") || address.startsWith("198.19."), address);
    }
}
