package io.rsio.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Broken config files, one mistake each: the message must name the file and the line an
 * administrator has to fix, and say what was expected.
 */
class BrokenConfigTest {

    static final Path SERVER_FILE = Path.of("/etc/dvsc/rssrvcfg");
    static final Path CLIENT_FILE = Path.of("/etc/rscltcfg");

    /** A valid server file of 7 lines; cases append from line 8. */
    static final String SERVER_HEAD = """
            [namespace osl]
            namespaceid = 200
            port = 5000
            [server big-9]
            serverid = 1
            [interface if1]
            address = 198.18.0.10
            """;

    /** A valid client file of 9 lines; cases append from line 10. */
    static final String CLIENT_HEAD = """
            [defaults]
            port = 5000
            [interface if0]
            address = 198.18.0.20
            [namespace osl]
            namespaceid = 200
            nodename = big-2
            nodekey = 0xbig-2
            [server big-9-1]
            """;
    static final String CLIENT_SERVER_ADDRESS = "address = 198.18.0.10\n"; // line 10

    record Case(String title, boolean server, String text, int line, String phrase) {
        @Override
        public String toString() {
            return title;
        }
    }

    static Case server(String title, String text, int line, String phrase) {
        return new Case(title, true, text, line, phrase);
    }

    static Case client(String title, String text, int line, String phrase) {
        return new Case(title, false, text, line, phrase);
    }

    static Stream<Case> cases() {
        List<Case> c = new ArrayList<>();
        // --- rssrvcfg ---
        c.add(server("namespace port not a number", SERVER_HEAD.replace("port = 5000", "port = 50x0"), 3, "port must be a number from 1 to 65535, found \"50x0\""));
        c.add(server("interface port out of range", SERVER_HEAD + "port = 70000\n",
                8, "port must be a number from 1 to 65535, found \"70000\""));
        c.add(server("typo in a key", SERVER_HEAD.replace("address =", "adress ="),
                7, "unknown key \"adress\" in [interface if1] (expected: address, port, protocol)"));
        c.add(server("clients line without key", SERVER_HEAD + "[clients]\nbig-2 0xbig2\nvenus\n",
                10, "[clients] line must be \"name key\", found \"venus\""));
        c.add(server("clients line with name and equals only", SERVER_HEAD + "[clients]\nbig-2 =\n",
                9, "[clients] line must be \"name key\""));
        c.add(server("duplicate client", SERVER_HEAD + "[clients]\nbig-2 k1\nbig-2 k2\n",
                10, "duplicate client \"big-2\" (first on line 9)"));
        c.add(server("client name with a bad character", SERVER_HEAD + "[clients]\nbig/2 k1\n",
                9, "client name may use only letters, digits"));
        c.add(server("client key in two words", SERVER_HEAD + "[clients]\nbig-2 0x big2\n",
                9, "key of client \"big-2\" must be one word"));
        c.add(server("clients section with a name", SERVER_HEAD + "[clients all]\n",
                8, "[clients] takes no name"));
        c.add(server("second clients section", SERVER_HEAD + "[clients]\nbig-2 k\n[clients]\nvenus k\n",
                10, "second [clients] section (the first is on line 8)"));
        c.add(server("duplicate interface name", SERVER_HEAD + "[interface if1]\naddress = 198.18.1.10\n",
                8, "duplicate [interface] \"if1\" (first on line 6)"));
        c.add(server("two interfaces on one address and port", SERVER_HEAD + "[interface if2]\naddress = 198.18.0.10\n",
                9, "address 198.18.0.10 port 5000 is already used by [interface if1] on line 6"));
        c.add(server("unknown section kind", SERVER_HEAD + "[volumes data]\n",
                8, "unknown section \"[volumes data]\" (expected in rssrvcfg: namespace, server, interface, clients, volume, pool)"));
        c.add(server("missing namespaceid", """
                [namespace osl]
                port = 5000
                [server big-9]
                serverid = 1
                [interface if1]
                address = 198.18.0.10
                """, 1, "[namespace osl] has no \"namespaceid\" (required)"));
        c.add(server("missing serverid", """
                [namespace osl]
                namespaceid = 200
                [server big-9]
                discovery = no
                [interface if1]
                address = 198.18.0.10
                """, 3, "[server big-9] has no \"serverid\" (required)"));
        c.add(server("no interface section", """
                [namespace osl]
                namespaceid = 200
                [server big-9]
                serverid = 1
                """, 0, "no [interface NAME] section"));
        c.add(server("empty file", "", 0, "no [namespace NAME] section; rssrvcfg needs exactly one"));
        c.add(server("no server section", "[namespace osl]\nnamespaceid = 1\n", 0, "no [server NAME] section"));
        c.add(server("second namespace", SERVER_HEAD + "[namespace other]\nnamespaceid = 201\n",
                8, "second [namespace] section \"[namespace other]\"; rssrvcfg holds exactly one ([namespace osl] is on line 1)"));
        c.add(server("second server", SERVER_HEAD + "[server big-10]\nserverid = 2\n",
                8, "second [server] section"));
        c.add(server("unsupported protocol", SERVER_HEAD + "protocol = udp\n",
                8, "protocol must be one of: tcp, found \"udp\""));
        c.add(server("address out of range", SERVER_HEAD.replace("198.18.0.10", "198.18.0.300"),
                7, "address must be an IPv4 address like 198.18.0.1 or an IPv6 address like 2001:db8::1, found \"198.18.0.300\""));
        c.add(server("host name instead of address", SERVER_HEAD.replace("198.18.0.10", "big-9.example"),
                7, "address must be an IPv4 address"));
        c.add(server("wildcard address", SERVER_HEAD.replace("198.18.0.10", "0.0.0.0"),
                7, "address must be the address of one interface, not the wildcard \"0.0.0.0\""));
        c.add(server("missing address", SERVER_HEAD + "[interface if2]\nport = 5001\n",
                8, "[interface if2] has no \"address\" (required)"));
        c.add(server("interface without a name", SERVER_HEAD + "[interface]\naddress = 198.18.1.10\n",
                8, "[interface] needs a name, e.g. \"[interface if0]\""));
        c.add(server("interface name with a space", SERVER_HEAD + "[interface if 2]\naddress = 198.18.1.10\n",
                8, "interface name may use only letters, digits, \"_\", \".\" and \"-\""));
        c.add(server("key = value without =", SERVER_HEAD + "port 5001\n",
                8, "line must be \"key = value\", found \"port\" without \"=\" in [interface if1]"));
        c.add(server("key set twice", SERVER_HEAD + "address = 198.18.0.11\n",
                8, "duplicate key \"address\" in [interface if1] (first set on line 7)"));
        c.add(server("section header not closed", SERVER_HEAD + "[interface if2\n",
                8, "section header must end with \"]\", found \"[interface if2\""));
        c.add(server("comment after a section header", SERVER_HEAD.replace("[server big-9]", "[server big-9] # main"),
                4, "section header must end with \"]\" (comments go on a line of their own)"));
        c.add(server("comment after a value", SERVER_HEAD + "port = 5000 # default\n",
                8, "port must be a number from 1 to 65535, found \"5000 # default\" (comments go on a line of their own)"));
        c.add(server("empty section header", SERVER_HEAD + "[]\n",
                8, "section header \"[]\" is empty"));
        c.add(server("key before any section", "namespaceid = 200\n[namespace osl]\n",
                1, "\"namespaceid\" is outside any section; put it below a [section] header"));
        c.add(server("line starting with =", SERVER_HEAD + "= 198.18.0.11\n",
                8, "line has no key before \"=\""));
        c.add(server("discovery not yes or no", SERVER_HEAD.replace("serverid = 1", "serverid = 1\ndiscovery = maybe"),
                6, "discovery must be yes or no, found \"maybe\""));
        c.add(server("busy_poll beyond 10ms", SERVER_HEAD.replace("serverid = 1", "serverid = 1\nbusy_poll = 50ms"),
                6, "busy_poll must be from 0 (off) to 10ms, found \"50ms\""));
        c.add(server("busy_poll not a duration", SERVER_HEAD.replace("serverid = 1", "serverid = 1\nbusy_poll = fast"),
                6, "busy_poll must be a duration like 500ms, 5s, 2m or 1h (a bare number means seconds), found \"fast\""));
        c.add(server("negative serverid", SERVER_HEAD.replace("serverid = 1", "serverid = -1"),
                5, "serverid must be a number from 0 to 2147483647, found \"-1\""));
        c.add(server("nine interfaces", SERVER_HEAD + nineInterfaces(),
                22, "too many [interface] sections: a server uses at most 8 interfaces"));
        c.add(server("volume without path", SERVER_HEAD + "[volume data]\nsize = 1G\n",
                8, "[volume data] has no \"path\" (required)"));
        c.add(server("volume size with unknown unit", SERVER_HEAD + "[volume data]\npath = /srv/data.img\nsize = 10X\n",
                10, "size must be a size like 4096, 512K, 10G or 1T (K, M, G, T = powers of 1024), found \"10X\""));
        c.add(server("volume size not a block multiple", SERVER_HEAD
                        + "[volume data]\npath = /srv/data.img\nblocksize = 4096\nsize = 6000\n",
                11, "size must be a positive multiple of the block size 4096, found \"6000\""));
        c.add(server("volume block size 1024", SERVER_HEAD + "[volume data]\npath = /srv/data.img\nblocksize = 1024\n",
                10, "blocksize must be 512 or 4096, found \"1024\""));
        c.add(server("volume access names a stranger", SERVER_HEAD
                        + "[clients]\nbig-2 k\nvenus k\n[volume data]\npath = /srv/d.img\naccess = big-2, mars\n",
                13, "access names \"mars\", which is not a client in [clients] (clients: big-2, venus)"));
        c.add(server("volume access before clients are listed", SERVER_HEAD
                        + "[volume data]\npath = /srv/d.img\naccess = big-3\n[clients]\nbig-2 k\n",
                10, "access names \"big-3\", which is not a client in [clients] (clients: big-2)"));
        c.add(server("volume access empty", SERVER_HEAD + "[volume data]\npath = /srv/d.img\naccess =\n",
                10, "access must list at least one client name"));
        c.add(server("volume readonly maybe", SERVER_HEAD + "[volume data]\npath = /srv/d.img\nreadonly = maybe\n",
                10, "readonly must be yes or no, found \"maybe\""));
        c.add(server("volume id not a UUID", SERVER_HEAD + "[volume data]\npath = /srv/d.img\nid = 1-2-3-4-5\n",
                10, "id must be a UUID like 123e4567-e89b-12d3-a456-426614174000, found \"1-2-3-4-5\""));
        c.add(server("volume device with a slash", SERVER_HEAD + "[volume data]\npath = /srv/d.img\ndevice = av0/x\n",
                10, "device must be a directory name such as av0"));
        c.add(server("two volumes on one path", SERVER_HEAD
                        + "[volume a]\npath = /srv/d.img\n[volume b]\npath = /srv/../srv/d.img\n",
                11, "path /srv/d.img is already served by [volume a] on line 8"));
        c.add(server("two volumes with one id", SERVER_HEAD
                        + "[volume a]\npath = /srv/a.img\nid = 123e4567-e89b-12d3-a456-426614174000\n"
                        + "[volume b]\npath = /srv/b.img\nid = 123E4567-E89B-12D3-A456-426614174000\n",
                13, "id 123e4567-e89b-12d3-a456-426614174000 is already used by [volume a] on line 8"));
        c.add(server("duplicate volume name", SERVER_HEAD + "[volume a]\npath = /srv/a.img\n[volume a]\npath = /srv/b.img\n",
                10, "duplicate [volume] \"a\" (first on line 8)"));

        // --- rscltcfg ---
        c.add(client("port not a number", """
                [defaults]
                protocol = tcp
                port = 5000

                [interface if0]
                address = 198.18.0.20
                port = 50x0
                """, 7, "port must be a number from 1 to 65535, found \"50x0\""));
        c.add(client("attach = nbd (kernel NBD, not in this version)", """
                [defaults]
                attach = nbd
                """, 2, "attach must be auto, fuse+loop or nbd-export (kernel NBD is not in this version of rsiod)"));
        c.add(client("attach unknown", """
                [defaults]
                attach = iscsi
                """, 2, "attach must be auto, fuse+loop or nbd-export, found \"iscsi\""));
        c.add(client("fuse_transport unknown", """
                [defaults]
                attach = fuse+loop
                fuse_transport = ublk
                """, 3, "fuse_transport must be auto, uring or dev, found \"ublk\""));
        c.add(client("data_digest neither yes nor no", """
                [defaults]
                data_digest = crc32
                """, 2, "data_digest must be yes or no, found \"crc32\""));
        c.add(client("typo in an interface key", """
                [interface if0]

                adress = 198.18.0.20
                """, 3, "unknown key \"adress\" in [interface if0] (expected: address, port, protocol)"));
        c.add(client("server before any namespace", """
                [defaults]
                port = 5000
                [server big-9-1]
                address = 198.18.0.10
                [namespace osl]
                """, 3, "[server big-9-1] is not inside a namespace"));
        c.add(client("namespace without nodekey", CLIENT_HEAD.replace("nodekey = 0xbig-2\n", "\n") + CLIENT_SERVER_ADDRESS,
                5, "[namespace osl] has no \"nodekey\" (required)"));
        c.add(client("namespace without nodename", CLIENT_HEAD.replace("nodename = big-2\n", "\n") + CLIENT_SERVER_ADDRESS,
                5, "[namespace osl] has no \"nodename\" (required)"));
        c.add(client("namespace without namespaceid", CLIENT_HEAD.replace("namespaceid = 200\n", "") + CLIENT_SERVER_ADDRESS,
                5, "[namespace osl] has no \"namespaceid\" (required)"));
        c.add(client("server without address", CLIENT_HEAD + "port = 5001\n",
                9, "[server big-9-1] has no \"address\" (required)"));
        c.add(client("unknown policy", CLIENT_HEAD.replace("[server", "policy = fastest\n[server") + CLIENT_SERVER_ADDRESS,
                9, "policy must be one of: adaptive, roundrobin, found \"fastest\""));
        c.add(client("duration with a word unit", CLIENT_HEAD.replace("port = 5000", "ping_interval = 5 sec") + CLIENT_SERVER_ADDRESS,
                2, "ping_interval must be a duration like 500ms, 5s, 2m or 1h (a bare number means seconds), found \"5 sec\""));
        c.add(client("path timeout not longer than ping interval",
                CLIENT_HEAD.replace("port = 5000", "path_timeout = 500ms") + CLIENT_SERVER_ADDRESS,
                2, "path_timeout (500ms) must be longer than ping_interval (1s)"));
        c.add(client("namespace ping interval above the default path timeout",
                CLIENT_HEAD.replace("[server", "ping_interval = 5s\n[server") + CLIENT_SERVER_ADDRESS,
                9, "path_timeout (5s) must be longer than ping_interval (5s)"));
        c.add(client("chunk size not a 4K multiple", CLIENT_HEAD.replace("port = 5000", "chunk_size = 1000") + CLIENT_SERVER_ADDRESS,
                2, "chunk_size must be a size from 4K to 16M in steps of 4K, found \"1000\""));
        c.add(client("nopath timeout too long", CLIENT_HEAD.replace("port = 5000", "nopath_timeout = 48h") + CLIENT_SERVER_ADDRESS,
                2, "nopath_timeout must be from 0s to 24h, found \"48h\""));
        c.add(client("reconnect max zero", CLIENT_HEAD.replace("port = 5000", "reconnect_max = 0") + CLIENT_SERVER_ADDRESS,
                2, "reconnect_max must be from 100ms to 1h, found \"0\""));
        c.add(client("duplicate server in a namespace", CLIENT_HEAD + CLIENT_SERVER_ADDRESS
                        + "[server big-9-1]\naddress = 198.18.1.10\n",
                11, "duplicate [server] in [namespace osl]: \"big-9-1\" (first on line 9)"));
        c.add(client("one server interface twice", CLIENT_HEAD + CLIENT_SERVER_ADDRESS
                        + "[server big-9-2]\naddress = 198.18.0.10\n",
                12, "address 198.18.0.10 port 5000 is already used by [server big-9-1] on line 9"));
        c.add(client("duplicate namespace id", CLIENT_HEAD + CLIENT_SERVER_ADDRESS
                        + "[namespace other]\nnamespaceid = 200\nnodename = big-2\nnodekey = k\n",
                12, "namespaceid 200 is already used by [namespace osl] on line 5"));
        c.add(client("duplicate namespace name", CLIENT_HEAD + CLIENT_SERVER_ADDRESS + "[namespace osl]\n",
                11, "duplicate [namespace] \"osl\" (first on line 5)"));
        c.add(client("second defaults section", CLIENT_HEAD + CLIENT_SERVER_ADDRESS + "[defaults]\n",
                11, "second [defaults] section (the first is on line 1)"));
        c.add(client("defaults with a name", "[defaults osl]\n", 1, "[defaults] takes no name"));
        c.add(client("unknown section kind", CLIENT_HEAD + CLIENT_SERVER_ADDRESS + "[client big-2]\n",
                11, "unknown section \"[client big-2]\" (expected in rscltcfg: defaults, interface, namespace, server)"));
        c.add(client("node name with a space", CLIENT_HEAD.replace("nodename = big-2", "nodename = big 2") + CLIENT_SERVER_ADDRESS,
                7, "nodename may use only letters, digits"));
        c.add(client("node key in two words", CLIENT_HEAD.replace("nodekey = 0xbig-2", "nodekey = 0x big-2") + CLIENT_SERVER_ADDRESS,
                8, "nodekey must be one word"));
        c.add(client("empty node key", CLIENT_HEAD.replace("nodekey = 0xbig-2", "nodekey =") + CLIENT_SERVER_ADDRESS,
                8, "nodekey must not be empty"));
        c.add(client("node key without =", CLIENT_HEAD.replace("nodekey = 0xbig-2", "nodekey 0xbig-2") + CLIENT_SERVER_ADDRESS,
                8, "line must be \"key = value\", found \"nodekey\" without \"=\" in [namespace osl]"));
        c.add(client("two interfaces with one address", CLIENT_HEAD.replace("[namespace", "[interface if1]\naddress = 198.18.0.20\n[namespace")
                        + CLIENT_SERVER_ADDRESS,
                6, "address 198.18.0.20 is already used by [interface if0] on line 3"));
        c.add(client("multicast server address", CLIENT_HEAD + "address = 224.0.0.1\n",
                10, "address must be a unicast address, found the multicast address \"224.0.0.1\""));
        c.add(client("IPv6 address in brackets", CLIENT_HEAD + "address = [2001:db8::1]\n",
                10, "address must be written without brackets"));
        c.add(client("key of the server file in the client file", CLIENT_HEAD + CLIENT_SERVER_ADDRESS + "serverid = 1\n",
                11, "unknown key \"serverid\" in [server big-9-1] (expected: address, port, protocol)"));
        return c.stream();
    }

    private static String nineInterfaces() {
        StringBuilder b = new StringBuilder();
        for (int i = 2; i <= 9; i++) {
            b.append("[interface if").append(i).append("]\naddress = 198.18.").append(i).append(".10\n");
        }
        return b.toString(); // if1 is in SERVER_HEAD, so if9 is the 9th, on line 8 + 2 * 7 = 22
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void namesFileLineAndWhatWasExpected(Case c) {
        Path file = c.server() ? SERVER_FILE : CLIENT_FILE;
        ConfigException e = assertThrows(ConfigException.class,
                () -> {
                    if (c.server()) {
                        ServerConfig.parse(file, c.text());
                    } else {
                        ClientConfig.parse(file, c.text());
                    }
                });
        String prefix = c.line() > 0 ? file + ":" + c.line() + ": " : file + ": ";
        assertEquals(file, e.file());
        assertEquals(c.line(), e.line(), e.getMessage());
        assertTrue(e.getMessage().startsWith(prefix), () -> "expected prefix " + prefix + " in: " + e.getMessage());
        assertTrue(e.reason().contains(c.phrase()), () -> "expected \"" + c.phrase() + "\" in: " + e.getMessage());
        assertEquals(prefix + e.reason(), e.getMessage());
    }

    @org.junit.jupiter.api.Test
    void thereAreManyCasesForEachFile() {
        assertTrue(cases().filter(Case::server).count() >= 25);
        assertTrue(cases().filter(c -> !c.server()).count() >= 25);
    }
}
