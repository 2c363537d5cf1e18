package io.rsio.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

    private static final Path FILE = Path.of("/etc/dvsc/rssrvcfg");

    @Test
    void busyPollIsOffUnlessSet() throws ConfigException {
        String head = BrokenConfigTest.SERVER_HEAD;
        assertEquals(java.time.Duration.ZERO, ServerConfig.parse(FILE, head).server().busyPoll());
        assertEquals(java.time.Duration.ofMillis(1), ServerConfig.parse(FILE,
                head.replace("serverid = 1", "serverid = 1\nbusy_poll = 1ms")).server().busyPoll());
        assertEquals(java.time.Duration.ZERO, ServerConfig.parse(FILE,
                head.replace("serverid = 1", "serverid = 1\nbusy_poll = 0")).server().busyPoll());
    }

    @Test
    void volumesWithEveryKeyAndWithDefaults() throws ConfigException {
        ServerConfig c = ServerConfig.parse(FILE, """
                [namespace osl]
                namespaceid = 200
                [server big-9]
                serverid = 1
                [interface if1]
                address = 198.18.45.10
                [clients]
                big-2 k2
                venus k3
                [volume oracle]
                path      = /var/lib/rsio/oracle.img
                size      = 10G
                device    = av1
                access    = big-2,venus
                blocksize = 4096
                readonly  = yes
                id        = 123E4567-E89B-12D3-A456-426614174000
                [volume scratch]
                path = images/scratch.img
                [volume disk]
                path = /dev/sdb
                access = venus
                """);
        assertEquals(List.of(
                new ServerConfig.Volume("oracle", Path.of("/var/lib/rsio/oracle.img"), OptionalLong.of(10L << 30), "av1",
                        List.of("big-2", "venus"), 4096, true,
                        Optional.of(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"))),
                new ServerConfig.Volume("scratch", Path.of("/etc/dvsc/images/scratch.img"), OptionalLong.empty(), "av0",
                        List.of(), 512, false, Optional.empty()),
                new ServerConfig.Volume("disk", Path.of("/dev/sdb"), OptionalLong.empty(), "av0",
                        List.of("venus"), 512, false, Optional.empty())), c.volumes());

        ServerConfig.Volume scratch = c.volume("scratch").orElseThrow();
        assertTrue(scratch.allows("big-2"), "no access list: every client");
        ServerConfig.Volume disk = c.volume("disk").orElseThrow();
        assertTrue(disk.allows("venus"));
        assertFalse(disk.allows("big-2"));
        assertEquals(Optional.empty(), c.volume("Disk"));
    }

    @Test
    void relativeVolumePathsFollowTheConfigFile() throws ConfigException {
        String text = """
                [namespace osl]
                namespaceid = 1
                [server s]
                serverid = 1
                [interface if0]
                address = 127.0.0.1
                [volume v]
                path = ../data/v.img
                """;
        assertEquals(Path.of("/srv/rsio/data/v.img"),
                ServerConfig.parse(Path.of("/srv/rsio/etc/rssrvcfg"), text).volumes().getFirst().path());
        Path relativeFile = Path.of("test-etc/rssrvcfg");
        assertEquals(relativeFile.toAbsolutePath().getParent().getParent().resolve("data/v.img"),
                ServerConfig.parse(relativeFile, text).volumes().getFirst().path());
    }

    @Test
    void interfacesInheritFromTheNamespaceUnlessTheyOverride() throws ConfigException {
        ServerConfig c = ServerConfig.parse(FILE, """
                [namespace osl]
                namespaceid = 200
                port = 6000
                [server big-9]
                serverid = 7
                discovery = no
                [interface if1]
                address = 198.18.45.10
                [interface if2]
                address = 198.18.46.10
                port = 6001
                protocol = tcp
                [interface v6]
                address = 2001:db8::10
                """);
        assertEquals(new ServerConfig.Namespace("osl", 200, "tcp", 6000), c.namespace());
        assertEquals(new ServerConfig.Server("big-9", 7, false), c.server());
        assertEquals(List.of(
                new ServerConfig.Interface("if1", "198.18.45.10", "tcp", 6000),
                new ServerConfig.Interface("if2", "198.18.46.10", "tcp", 6001),
                new ServerConfig.Interface("v6", "2001:db8::10", "tcp", 6000)), c.interfaces());
        assertEquals(List.of(), c.clients(), "no [clients]: nobody may log in");
    }

    @Test
    void namespaceDefaultsToTcpOnPort5000() throws ConfigException {
        ServerConfig c = ServerConfig.parse(FILE, "[namespace osl]\nnamespaceid = 0\n[server s]\nserverid = 0\n"
                + "[interface if0]\naddress = 127.0.0.1\n");
        assertEquals(new ServerConfig.Namespace("osl", 0, "tcp", 5000), c.namespace());
        assertTrue(c.server().discovery());
    }

    @Test
    void kindsAndKeysIgnoreCaseNamesDoNot() throws ConfigException {
        ServerConfig c = ServerConfig.parse(FILE, """
                ; written by hand
                [NAMESPACE Osl]
                  NamespaceID = 200
                [Server Big-9]
                SERVERID=1
                # two interfaces whose names differ only in case are two interfaces
                [Interface if1]
                Address:198.18.45.10
                [INTERFACE IF1]
                ADDRESS = 198.18.46.10
                [CLIENTS]
                Big-2    0xkey
                big-2 = 0xother
                """);
        assertEquals("Osl", c.namespace().name());
        assertEquals("Big-9", c.server().name());
        assertEquals(List.of("if1", "IF1"), c.interfaces().stream().map(ServerConfig.Interface::name).toList());
        assertEquals("0xkey", c.client("Big-2").orElseThrow().key());
        assertEquals("0xother", c.client("big-2").orElseThrow().key());
    }

    @Test
    void clientKeysKeepEveryCharacter() throws ConfigException {
        ServerConfig c = ServerConfig.parse(FILE, """
                [namespace osl]
                namespaceid = 200
                [server big-9]
                serverid = 1
                [interface if1]
                address = 198.18.45.10
                [clients]
                a k#ey;with=signs:and\\slash
                b c2VjcmV0Cg==
                c = k:colon
                """);
        assertEquals("k#ey;with=signs:and\\slash", c.client("a").orElseThrow().key());
        assertEquals("c2VjcmV0Cg==", c.client("b").orElseThrow().key());
        assertEquals("k:colon", c.client("c").orElseThrow().key());
    }
}
