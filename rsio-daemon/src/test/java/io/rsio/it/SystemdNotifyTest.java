package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemons under systemd's Type=notify, with this test in systemd's place (systemd is not
 * PID 1 here): READY, STATUS and STOPPING arrive as datagrams on the socket $NOTIFY_SOCKET
 * names; reload goes through rsconfig --reload as ExecReload runs it; with $JOURNAL_STREAM on
 * stderr the lines carry journald priorities and no time stamp, the log file keeps the seed's.
 */
class SystemdNotifyTest {
    @TempDir
    Path dir;

    private static String abstractName() {
        return "@rsio-notify-test-" + UUID.randomUUID();
    }

    @Test
    void rsiodIsReadyOncePathsAreLoggedInAndTellsItsPathsThenStopping() throws Exception {
        try (NotifyListener systemd = new NotifyListener(abstractName());
             TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", 16)
                     .writeClientConfig("big-2", "0xbig2")) {
            cluster.startServer();
            cluster.withEnvironment("NOTIFY_SOCKET", systemd.address()).startClient();
            String ready = systemd.await(m -> m.contains("READY=1"), Duration.ofSeconds(30));
            assertTrue(ready.contains("STATUS=1 of 1 paths connected, 0 connecting, 0 down; 2 volumes"), ready);
            assertTrue(cluster.statusShows("connected tx: ok"), "READY only once the path is logged in");

            ProcessResult reload = cluster.rsconfig("--reload");
            assertEquals(0, reload.exitCode(), reload::toString);

            cluster.stopServerGracefully();
            String down = systemd.await(m -> m.startsWith("STATUS=0 of 1"), Duration.ofSeconds(20));
            assertTrue(down.contains("1 down") || down.contains("1 connecting"), down);

            cluster.stopClientGracefully();
            systemd.await(m -> m.contains("STOPPING=1"), Duration.ofSeconds(20));
        }
    }

    @Test
    void rsiodWithItsServerDownIsReadyAfterNopathTimeout() throws Exception {
        try (NotifyListener systemd = new NotifyListener(abstractName());
             TestCluster cluster = new TestCluster(dir).writeClientConfig("big-2", "0xbig2")) {
            Files.writeString(cluster.clientConfig, Files.readString(cluster.clientConfig)
                    .replace("reconnect_max = 500ms", "reconnect_max = 500ms\nnopath_timeout = 2s"));
            cluster.withEnvironment("NOTIFY_SOCKET", systemd.address()).startClient();
            String ready = systemd.await(m -> m.contains("READY=1"), Duration.ofSeconds(30));
            assertTrue(ready.contains("STATUS=0 of 1 paths connected"), ready);
        }
    }

    @Test
    void rssrvIsReadyOnAPathSocketAndLogsForTheJournal() throws Exception {
        Path socket = dir.resolve("notify");
        try (NotifyListener systemd = new NotifyListener(socket.toString());
             TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", 16)) {
            // stderr of the daemon is rssrv.out (TestCluster appends to it): name it as journald would.
            Path out = cluster.logDir.resolve("rssrv.out");
            Files.createFile(out);
            cluster.withEnvironment("NOTIFY_SOCKET", socket.toString())
                    .withEnvironment("JOURNAL_STREAM", Files.getAttribute(out, "unix:dev") + ":"
                            + Files.getAttribute(out, "unix:ino"))
                    .startServer();
            String ready = systemd.await(m -> m.contains("READY=1"), Duration.ofSeconds(30));
            assertTrue(ready.contains("STATUS=serving 2 volume(s) of namespace osl on 1 interface(s)"), ready);
            cluster.stopServerGracefully();
            systemd.await(m -> m.contains("STOPPING=1"), Duration.ofSeconds(20));

            String journal = Files.readString(out);
            assertTrue(journal.lines().allMatch(l -> l.matches("<[2-7]>big-9@rsio [A-Z]+ \\(.*")), journal);
            assertTrue(journal.contains("<6>big-9@rsio INFO (main): rssrv started"), journal);
            assertTrue(journal.contains("<4>big-9@rsio WARN (main): "), "a warning's priority: " + journal);
            assertFalse(journal.contains("(GMT)"), "journald stamps the time itself: " + journal);
            String log = cluster.log("rssrv");
            assertTrue(log.matches("(?s)big-9@rsio \\d{4}_\\d\\d_\\d\\d-\\d\\d:\\d\\d:\\d\\d \\(GMT\\) [A-Z]+ .*"), log);
            assertEquals("rw-r-----", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(cluster.logDir.resolve("rssrv.log"))), "log files are 0640");
        }
    }
}
