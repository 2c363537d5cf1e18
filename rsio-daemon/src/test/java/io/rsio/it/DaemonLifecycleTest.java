package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up errors name file and line; SIGTERM ends sessions cleanly and removes runtime files. */
class DaemonLifecycleTest {
    @TempDir
    Path dir;

    @Test
    void brokenServerConfigStopsStartUpWithFileAndLine() throws Exception {
        TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", 16);
        Files.writeString(cluster.serverConfig, Files.readString(cluster.serverConfig).replace("serverid = 1",
                "serverid = one"));
        ProcessResult result = Commands.run(Duration.ofSeconds(30), cluster.env(),
                Commands.java("io.rsio.server.RssrvMain", "-c", cluster.serverConfig.toString(), "-f"));
        assertEquals(1, result.exitCode(), result::toString);
        assertTrue(result.stderr().startsWith("rssrv: " + cluster.serverConfig + ":7: "), result.stderr());
        assertFalse(Files.exists(cluster.runDir.resolve("rssrv.pid")));
    }

    @Test
    void bothDaemonsAnswerHelpAndRefuseUnknownOptionsAndConfigsOthersMayWrite() throws Exception {
        TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", 16);
        for (String main : new String[] {"io.rsio.server.RssrvMain", "io.rsio.client.daemon.RsiodMain"}) {
            String program = main.contains("Rssrv") ? "rssrv" : "rsiod";
            ProcessResult help = Commands.run(Duration.ofSeconds(30), cluster.env(), Commands.java(main, "--help"));
            assertEquals(0, help.exitCode(), help::toString);
            assertTrue(help.stdout().startsWith("usage: " + program + " [-c FILE] [-f]"), help.stdout());
            ProcessResult wrong = Commands.run(Duration.ofSeconds(30), cluster.env(), Commands.java(main, "-x"));
            assertEquals(2, wrong.exitCode(), wrong::toString);
            assertTrue(wrong.stderr().startsWith(program + ": unknown option -x\nusage: " + program), wrong.stderr());
            ProcessResult noValue = Commands.run(Duration.ofSeconds(30), cluster.env(), Commands.java(main, "-c"));
            assertEquals(2, noValue.exitCode(), noValue::toString);
            assertTrue(noValue.stderr().startsWith(program + ": -c needs a value"), noValue.stderr());
        }
        Files.setPosixFilePermissions(cluster.serverConfig, java.nio.file.attribute.PosixFilePermissions.fromString(
                "rw-rw-rw-"));
        ProcessResult open = Commands.run(Duration.ofSeconds(30), cluster.env(),
                Commands.java("io.rsio.server.RssrvMain", "-c", cluster.serverConfig.toString(), "-f"));
        assertEquals(1, open.exitCode(), open::toString);
        assertTrue(open.stderr().startsWith("rssrv: " + cluster.serverConfig), open.stderr());
        assertFalse(Files.exists(cluster.runDir.resolve("rssrv.pid")), "not started half-configured");
    }

    @Test
    void brokenClientConfigStopsStartUpWithFileAndLine() throws Exception {
        TestCluster cluster = new TestCluster(dir).writeClientConfig("big-2", "0xbig2");
        Files.writeString(cluster.clientConfig, Files.readString(cluster.clientConfig) + "\n[server stray]\nadress = 1.2.3.4\n");
        ProcessResult result = Commands.run(Duration.ofSeconds(30), cluster.env(),
                Commands.java("io.rsio.client.daemon.RsiodMain", "-c", cluster.clientConfig.toString(), "-f"));
        assertEquals(1, result.exitCode(), result::toString);
        assertTrue(result.stderr().matches("rsiod: " + java.util.regex.Pattern.quote(cluster.clientConfig.toString())
                + ":2[0-9]: .*adress.*\\n"), result.stderr());
    }

    @Test
    void sigtermClosesSessionsAndRemovesRuntimeFiles() throws Exception {
        try (TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", 16)
                .writeClientConfig("big-2", "0xbig2")) {
            cluster.startServer();
            cluster.startClient();
            cluster.await("connected", Duration.ofSeconds(20), () -> cluster.statusShows("connected tx: ok"));
            cluster.stopServerGracefully();
            assertTrue(cluster.log("rssrv").contains("rssrv stopped"), cluster.log("rssrv"));
            assertFalse(Files.exists(cluster.runDir.resolve("rssrv.pid")));
            cluster.await("path down after the server closed it", Duration.ofSeconds(10),
                    () -> cluster.statusShows("down tx: - rx: -"));
            cluster.stopClientGracefully();
            assertTrue(cluster.log("rsiod").contains("rsiod stopped"), cluster.log("rsiod"));
            assertFalse(Files.exists(cluster.runDir.resolve("rsiod.sock")), "control socket removed");
            assertFalse(Files.exists(cluster.runDir.resolve("rsiod.pid")), "pid file removed");
        }
    }
}
