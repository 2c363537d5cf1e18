package io.rsio.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class PathProbeTest {
    @TempDir
    static Path dir;
    static int port;
    static LocalServer server;

    @BeforeAll
    static void start() throws Exception {
        port = LocalServer.freePort();
        server = new LocalServer(dir, "osl", 200, "big-9", "127.0.0.1", port, "big-2 0x00112233445566778899aabbccddeeff",
                true);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static PathProbe.Result probe(String key, int namespaceId, int toPort) {
        return new PathProbe(Duration.ofSeconds(3), 4 << 20).probe(new PathProbe.Target("127.0.0.1", "127.0.0.1",
                toPort, namespaceId, "big-2", key));
    }

    @Test
    void theRightKeyLogsInAndMeasuresThePath() {
        PathProbe.Result r = probe("0x00112233445566778899aabbccddeeff", 200, port);
        assertEquals(PathProbe.Outcome.ACCEPTED, r.outcome(), r.detail());
        assertEquals("big-9", r.serverName());
        assertEquals(1, r.serverId());
        assertEquals(List.of("oracle"), r.volumes());
        assertTrue(r.rttMicros() >= 0 && r.connectMicros() >= 0);
        assertEquals(4 << 20, r.readBytes(), "read the whole budget from the 8 MiB volume");
        assertTrue(r.readMBps() > 0);
        assertTrue(r.detail().startsWith("logged in to server big-9 (id 1), 1 volume(s), RTT "), r.detail());
    }

    @Test
    void aWrongKeyIsRefusedAndTheKeyIsNotInTheResult() {
        PathProbe.Result r = probe("0xwrong-key-123", 200, port);
        assertEquals(PathProbe.Outcome.REFUSED, r.outcome(), r.detail());
        assertEquals("login refused: authentication failed: unknown node name or wrong node key", r.detail());
        assertTrue(!r.toString().contains("wrong-key-123"), r.toString());
    }

    @Test
    void aWrongNamespaceIsRefused() {
        assertEquals(PathProbe.Outcome.REFUSED, probe("0x00112233445566778899aabbccddeeff", 999, port).outcome());
    }

    @Test
    void nobodyListeningIsUnreachable() throws Exception {
        PathProbe.Result r = probe("0xk", 200, LocalServer.freePort());
        assertEquals(PathProbe.Outcome.UNREACHABLE, r.outcome());
        assertTrue(r.detail().contains("connection refused"), r.detail());
    }
}
