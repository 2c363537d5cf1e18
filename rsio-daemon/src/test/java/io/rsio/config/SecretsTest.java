package io.rsio.config;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Keys must never reach a log line, a screen or an error message. */
class SecretsTest {

    private static final String KEY = "Zq7Secret9Key";
    private static final Path SERVER_FILE = Path.of("/etc/dvsc/rssrvcfg");
    private static final Path CLIENT_FILE = Path.of("/etc/rscltcfg");
    private static final String SERVER_HEAD =
            "[namespace osl]\nnamespaceid = 200\n[server big-9]\nserverid = 1\n[interface if1]\naddress = 198.18.0.10\n";
    private static final String CLIENT_HEAD =
            "[namespace osl]\nnamespaceid = 200\nnodename = big-2\n";

    @Test
    void toStringHidesKeys() throws ConfigException {
        ServerConfig server = ServerConfig.parse(SERVER_FILE, SERVER_HEAD + "[clients]\nbig-2 " + KEY + "\n");
        ClientConfig client = ClientConfig.parse(CLIENT_FILE,
                CLIENT_HEAD + "nodekey = " + KEY + "\n[server s]\naddress = 198.18.0.10\n");
        assertTrue(server.client("big-2").orElseThrow().key().equals(KEY), "the key itself is kept");
        assertTrue(client.namespaces().getFirst().nodeKey().equals(KEY), "the key itself is kept");
        for (Object o : List.of(server, server.clients(), server.clients().getFirst(),
                client, client.namespaces(), client.namespaces().getFirst())) {
            assertFalse(o.toString().contains(KEY), () -> "key in " + o);
            assertTrue(o.toString().contains("hidden") || o instanceof ServerConfig || o instanceof ClientConfig
                    || o instanceof List<?>, o::toString);
        }
        assertTrue(server.clients().getFirst().toString().contains("big-2"));
        assertTrue(client.namespaces().getFirst().toString().contains("big-2"));
    }

    static Stream<String[]> brokenFilesHoldingAKey() {
        return Stream.of(
                new String[] {"server", SERVER_HEAD + "[clients]\nbig-2 " + KEY + " extra\n"},
                new String[] {"server", SERVER_HEAD + "[clients]\nbig-2 " + KEY + "\nbig-2 " + KEY + "\n"},
                new String[] {"server", SERVER_HEAD + "[clients]\nbig/2 " + KEY + "\n"},
                new String[] {"server", SERVER_HEAD + "[clients]\nbig-2 " + KEY + "x".repeat(1100) + "\n"},
                new String[] {"server", SERVER_HEAD + "[clients]\n= " + KEY + "\n"},
                new String[] {"server", SERVER_HEAD + "[clients]\n: " + KEY + "\n"},
                new String[] {"server", "big-2 " + KEY + "\n" + SERVER_HEAD},
                new String[] {"server", SERVER_HEAD + "[clients]\nbig-2 " + KEY + "\n[clients]\n"},
                new String[] {"server", SERVER_HEAD + "[clients]\nbig-2 " + KEY + "\n[volume v]\npath = /x\naccess = mars\n"},
                new String[] {"client", CLIENT_HEAD + "nodekey = " + KEY + " " + KEY + "\n"},
                new String[] {"client", CLIENT_HEAD + "nodekey " + KEY + "\n"},
                new String[] {"client", CLIENT_HEAD + "nodekey = " + KEY + "\nnodekey = " + KEY + "\n"},
                new String[] {"client", CLIENT_HEAD + "nodkey = " + KEY + "\n"},
                new String[] {"client", CLIENT_HEAD + "nodekey = " + KEY + "\n" + "x".repeat(2000) + "\n"},
                new String[] {"client", "nodekey = " + KEY + "\n" + CLIENT_HEAD},
                new String[] {"client", CLIENT_HEAD + "= " + KEY + "\n"},
                new String[] {"client", CLIENT_HEAD + "nodekey = " + KEY + "x".repeat(1100) + "\n"},
                new String[] {"client", CLIENT_HEAD + "nodekey = " + KEY + "\n[server s]\naddress = 198.18.0.300\n"});
    }

    @ParameterizedTest
    @MethodSource("brokenFilesHoldingAKey")
    void errorMessagesNeverShowAKey(String kind, String text) {
        ConfigException e = assertThrows(ConfigException.class, () -> {
            if (kind.equals("server")) {
                ServerConfig.parse(SERVER_FILE, text);
            } else {
                ClientConfig.parse(CLIENT_FILE, text);
            }
        });
        for (Throwable t = e; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage());
            assertFalse(message.contains(KEY), () -> "key in: " + message);
            assertFalse(String.valueOf(t).contains(KEY));
        }
        assertTrue(e.line() > 0, e::getMessage);
    }
}
