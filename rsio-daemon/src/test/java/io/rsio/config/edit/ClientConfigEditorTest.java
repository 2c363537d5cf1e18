package io.rsio.config.edit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.config.ConfigException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClientConfigEditorTest {
    private static final Path FILE = Path.of("/etc/rscltcfg");

    /** The seed's lab, step by step from an empty file, gives the seed's file. */
    @Test
    void theLabFromAFreshFileGivesTheSeedsFile() throws Exception {
        ClientConfigEditor e = ClientConfigEditor.of(FILE, ClientConfigEditor.freshText());
        assertFalse(e.dirty());
        e.addInterface(e.nextInterfaceName(), "192.168.45.20");
        e.addInterface(e.nextInterfaceName(), "192.168.46.20");
        e.addNamespace("osl", 200, "big-2", "0xbig-2");
        e.setServers("osl", List.of(new ClientConfigEditor.ServerEntry("big-9-1", "192.168.45.10", 0),
                new ClientConfigEditor.ServerEntry("big-9-2", "192.168.46.10", 0)));
        assertTrue(e.dirty());
        assertEquals("""
                [defaults]
                protocol      = tcp
                port          = 5000

                [interface if0]
                address       = 192.168.45.20

                [interface if1]
                address       = 192.168.46.20

                [namespace osl]
                namespaceid   = 200
                nodename      = big-2
                nodekey       = 0xbig-2

                [server big-9-1]
                address       = 192.168.45.10

                [server big-9-2]
                address       = 192.168.46.10
                """, e.text());
        assertEquals(2, e.config().namespaces().getFirst().servers().size());
    }

    @Test
    void commentsAndOrderSurviveEdits() throws Exception {
        String text = """
                # my site's client config
                ; keep this comment

                [namespace osl]
                # the lab namespace
                namespaceid = 200
                nodename = big-2
                nodekey = 0xbig-2
                # servers of osl follow

                [server big-9-1]
                address = 192.168.45.10   
                # second path
                [server big-9-2]
                address = 192.168.46.10

                [defaults]
                port = 5000
                """;
        ClientConfigEditor e = ClientConfigEditor.of(FILE, text);
        e.setDefault("port", "5001");
        e.setDefault("ping_interval", "2s");
        e.addInterface("if0", "192.168.45.20");
        e.setServers("osl", List.of(new ClientConfigEditor.ServerEntry("big-9-1", "192.168.45.11", 0),
                new ClientConfigEditor.ServerEntry("big-9-3", "192.168.47.10", 0)));
        assertEquals("""
                # my site's client config
                ; keep this comment

                [interface if0]
                address       = 192.168.45.20

                [namespace osl]
                # the lab namespace
                namespaceid = 200
                nodename = big-2
                nodekey = 0xbig-2
                # servers of osl follow

                [server big-9-1]
                address = 192.168.45.11

                [server big-9-3]
                address       = 192.168.47.10

                [defaults]
                port = 5001
                ping_interval = 2s
                """, e.text());
    }

    @Test
    void aChangeTheDaemonWouldRefuseIsRefusedAndNothingChanges() throws Exception {
        ClientConfigEditor e = ClientConfigEditor.of(FILE, ClientConfigEditor.freshText());
        String before = e.text();
        ConfigException bad = assertThrows(ConfigException.class, () -> e.addInterface("if0", "not-an-address"));
        assertTrue(bad.reason().contains("must be an IPv4 address"), bad.reason());
        assertThrows(ConfigException.class, () -> e.setDefault("port", "50x0"));
        e.addInterface("if0", "127.0.0.1");
        assertThrows(ConfigException.class, () -> e.addInterface("if1", "127.0.0.1"), "same address twice");
        assertThrows(ConfigException.class, () -> e.addInterface("if0", "127.0.0.2"), "same name twice");
        assertEquals(before + "\n[interface if0]\naddress       = 127.0.0.1\n", e.text());
    }

    @Test
    void removingSectionsLeavesTidyText() throws Exception {
        ClientConfigEditor e = ClientConfigEditor.of(FILE, ClientConfigEditor.freshText());
        e.addInterface("if0", "127.0.0.1");
        e.addInterface("if1", "127.0.0.2");
        e.addNamespace("osl", 200, "big-2", "k");
        e.setServers("osl", List.of(new ClientConfigEditor.ServerEntry("a-1", "127.0.0.1", 5001)));
        e.addNamespace("abc", 300, "big-2", "k2");
        e.removeInterface("if0");
        e.removeNamespace("osl");
        assertEquals("""
                [defaults]
                protocol      = tcp
                port          = 5000

                [interface if1]
                address       = 127.0.0.2

                [namespace abc]
                namespaceid   = 300
                nodename      = big-2
                nodekey       = k2
                """, e.text());
    }

    @Test
    void renamingAndUpdatingKeepTheSectionInPlace() throws Exception {
        ClientConfigEditor e = ClientConfigEditor.of(FILE, ClientConfigEditor.freshText());
        e.addInterface("if0", "127.0.0.1");
        e.addNamespace("new", 0, "node", "key");
        e.updateNamespace("new", "osl", 200, "big-2", "0xbig-2");
        e.updateInterface("if0", "lan0", "127.0.0.2");
        assertEquals("osl", e.config().namespaces().getFirst().name());
        assertEquals(200, e.config().namespaces().getFirst().id());
        assertEquals("lan0", e.config().interfaces().getFirst().name());
        assertTrue(e.text().contains("[interface lan0]\naddress       = 127.0.0.2\n"), e.text());
    }

    @Test
    void serversOfTwoNamespacesMayShareNames() throws Exception {
        ClientConfigEditor e = ClientConfigEditor.of(FILE, ClientConfigEditor.freshText());
        e.addNamespace("a", 1, "n", "k");
        e.addNamespace("b", 2, "n", "k");
        e.setServers("a", List.of(new ClientConfigEditor.ServerEntry("s-1", "127.0.0.1", 0)));
        e.setServers("b", List.of(new ClientConfigEditor.ServerEntry("s-1", "127.0.0.2", 0)));
        e.setServers("b", List.of(new ClientConfigEditor.ServerEntry("s-1", "127.0.0.3", 0)));
        assertEquals("127.0.0.1", e.config().namespace("a").orElseThrow().servers().getFirst().address());
        assertEquals("127.0.0.3", e.config().namespace("b").orElseThrow().servers().getFirst().address());
        assertEquals(List.of("s-1"), e.serverNames("b"));
    }

    @Test
    void crlfAndByteOrderMarkAreKept() throws Exception {
        String text = "\uFEFF[defaults]\r\nport = 5000\r\n";
        ClientConfigEditor e = ClientConfigEditor.of(FILE, text);
        e.setDefault("port", "5002");
        assertEquals("\uFEFF[defaults]\r\nport = 5002\r\n", e.text());
    }
}
