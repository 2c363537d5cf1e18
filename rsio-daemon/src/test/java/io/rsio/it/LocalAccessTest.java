package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local access: the control socket and the NBD exports belong to root alone, a non-root user
 * running rsconfig gets a clear refusal (from the socket's mode, and from rsiod's peer check
 * should the mode ever be wrong), and the daemons refuse a config file other users may change
 * and warn about one they may read. Runs as root (CI does); the user {@value #USER} is
 * created when missing.
 */
class LocalAccessTest {
    static final String USER = "rsio-test";

    @TempDir
    Path dir;

    @BeforeAll
    static void needRootAndATestUser() throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "needs root to switch users");
        ProcessResult id = Commands.run(Duration.ofSeconds(10), Map.of(), List.of("id", "-u", USER));
        if (id.exitCode() != 0) {
            ProcessResult add = Commands.run(Duration.ofSeconds(30), Map.of(), List.of("useradd", "--system",
                    "--no-create-home", "--shell", "/usr/sbin/nologin", USER));
            assertEquals(0, add.exitCode(), add::toString);
        }
    }

    /** rsconfig as {@value #USER}: only this project's class directories, which every user can read. */
    private ProcessResult rsconfigAsUser(TestCluster cluster, String... args) throws Exception {
        List<String> classDirs = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (Files.isDirectory(Path.of(entry)) && entry.contains("/target/")) {
                classDirs.add(entry);
            }
        }
        List<String> command = new ArrayList<>(List.of("runuser", "-u", USER, "--", "env",
                "RSIO_RUN_DIR=" + cluster.runDir, Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", String.join(File.pathSeparator, classDirs),
                "io.rsio.cli.RsconfigMain"));
        command.addAll(List.of(args));
        return Commands.run(Duration.ofSeconds(30), Map.of(), command);
    }

    private ProcessResult asUser(String... command) throws Exception {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", USER, "--"));
        full.addAll(List.of(command));
        return Commands.run(Duration.ofSeconds(30), Map.of(), full);
    }

    @Test
    void aNonRootUserCanNeitherControlRsiodNorReachItsExports() throws Exception {
        // Directories others may traverse, so that the sockets' own protection is what is tested.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", 8)
                .writeClientConfig("big-2", "0xbig2")) {
            Files.setPosixFilePermissions(cluster.runDir, PosixFilePermissions.fromString("rwxr-xr-x"));
            cluster.startServer();
            cluster.startClient();
            NbdTestClient.await(cluster.nbdSocket("oracle"), "oracle", Duration.ofSeconds(20)).close();
            Path control = cluster.runDir.resolve("rsiod.sock");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(control)));
            assertEquals("root", Files.getOwner(control).getName());
            assertEquals("rwx------", PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(cluster.runDir.resolve("nbd"))));

            ProcessResult refused = rsconfigAsUser(cluster, "-m", "status");
            assertEquals(1, refused.exitCode(), refused::toString);
            assertEquals("rsconfig: permission denied on " + control + ": rsconfig must run as root\n", refused.stderr());
            assertEquals("", refused.stdout());

            // Should the socket's mode ever be wrong, rsiod's own check of the peer still refuses.
            Files.setPosixFilePermissions(control, PosixFilePermissions.fromString("rw-rw-rw-"));
            try {
                ProcessResult peerChecked = rsconfigAsUser(cluster, "-q");
                assertEquals(1, peerChecked.exitCode(), peerChecked::toString);
                assertEquals("rsconfig: rsiod refused: permission denied: only root may control rsiod\n",
                        peerChecked.stderr());
            } finally {
                Files.setPosixFilePermissions(control, PosixFilePermissions.fromString("rw-------"));
            }
            cluster.await("refusal logged", Duration.ofSeconds(5), () -> {
                try {
                    return cluster.log("rsiod").contains("control socket: refused user " + USER);
                } catch (java.io.IOException e) {
                    return false;
                }
            });

            // The NBD exports give raw access to volumes without a login: not for other users.
            ProcessResult nbd = asUser("nbdinfo", cluster.nbdUri("oracle"));
            assertNotEquals(0, nbd.exitCode(), nbd::toString);
            assertTrue(nbd.stderr().contains("Permission denied"), nbd::toString);
            // Nor can they read the keys.
            Files.setPosixFilePermissions(cluster.clientConfig, PosixFilePermissions.fromString("rw-------"));
            ProcessResult cat = asUser("cat", cluster.clientConfig.toString());
            assertNotEquals(0, cat.exitCode());
            assertFalse(cat.stdout().contains("0xbig2"));
            // And root still can.
            assertEquals(0, cluster.rsconfig("-m", "status").exitCode());
        }
    }

    /** A command as uid/gid 65534 (nobody) without supplementary groups, via setpriv. */
    private static ProcessResult asNobody(TestCluster cluster, List<String> command) throws Exception {
        List<String> full = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "--", "env", "RSIO_RUN_DIR=" + cluster.runDir, "RSIO_DEV_DIR=" + cluster.devDir()));
        full.addAll(command);
        return Commands.run(Duration.ofSeconds(30), Map.of(), full);
    }

    private static List<String> rsconfigCommand(String... args) {
        List<String> classDirs = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (Files.isDirectory(Path.of(entry)) && entry.contains("/target/")) {
                classDirs.add(entry);
            }
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-XX:TieredStopAtLevel=1", "-cp", String.join(File.pathSeparator, classDirs),
                "io.rsio.cli.RsconfigMain"));
        command.addAll(List.of(args));
        return command;
    }

    @Test
    void aNonRootUserCanNeitherAttachNorDetachNorUseTheBlockDevices() throws Exception {
        BlockDevices.requireKernelDevices();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", 8)
                .writeClientConfig("big-2", "0xbig2")) {
            BlockDevices devices = new BlockDevices(cluster);
            try {
                Files.setPosixFilePermissions(cluster.runDir, PosixFilePermissions.fromString("rwxr-xr-x"));
                Files.setPosixFilePermissions(cluster.serverConfig, PosixFilePermissions.fromString("rw-------"));
                Files.setPosixFilePermissions(cluster.clientConfig, PosixFilePermissions.fromString("rw-------"));
                cluster.startServer();
                cluster.startClient();
                cluster.await("connected", Duration.ofSeconds(20), () -> cluster.statusShows("connected tx: ok rx: ok"));
                assertEquals(0, cluster.rsconfig("-a", "oracle").exitCode());
                Path loop = devices.loopOf("oracle");
                Path control = cluster.runDir.resolve("rsiod.sock");
                String refusal = "rsconfig: permission denied on " + control + ": rsconfig must run as root\n";

                for (String[] args : List.of(new String[] {"-a", "S10_oracle"}, new String[] {"-a"},
                        new String[] {"-d", "oracle"}, new String[] {"-d", "-f", "oracle"}, new String[] {"-lvv"},
                        new String[] {"--stop", "-f"})) {
                    ProcessResult r = asNobody(cluster, rsconfigCommand(args));
                    assertEquals(1, r.exitCode(), () -> String.join(" ", args) + ": " + r);
                    assertEquals(refusal, r.stderr(), String.join(" ", args));
                    assertEquals("", r.stdout());
                }
                ProcessResult local = cluster.rsconfig("-l");
                assertEquals("osl:oracle@0", local.stdout().strip(), "still attached, nothing else: " + local);
                assertTrue(cluster.clientAlive());

                // The device nodes: what an administrator expects of a disk.
                assertEquals("root", Files.getOwner(loop).getName());
                String loopMode = PosixFilePermissions.toString(Files.getPosixFilePermissions(loop));
                assertTrue(loopMode.endsWith("---"), "others have no access to " + loop + ": " + loopMode);
                Path fuseFile = devices.charLink("oracle").toRealPath();
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fuseFile)));
                assertEquals("root", Files.getOwner(fuseFile).getName());
                for (Path device : List.of(devices.blockLink("oracle"), loop, devices.charLink("oracle"))) {
                    ProcessResult read = asNobody(cluster, List.of("dd", "if=" + device, "of=/dev/null", "bs=4096",
                            "count=1"));
                    assertNotEquals(0, read.exitCode(), () -> device + ": " + read);
                    assertTrue(read.stderr().contains("Permission denied"), device + ": " + read.stderr());
                    ProcessResult write = asNobody(cluster, List.of("dd", "if=/dev/zero", "of=" + device, "bs=4096",
                            "count=1", "conv=notrunc"));
                    assertNotEquals(0, write.exitCode(), () -> device + ": " + write);
                }
                // Nor the keys.
                for (Path config : List.of(cluster.clientConfig, cluster.serverConfig)) {
                    ProcessResult cat = asNobody(cluster, List.of("cat", config.toString()));
                    assertNotEquals(0, cat.exitCode());
                    assertTrue(cat.stderr().contains("Permission denied"), cat.stderr());
                }
                System.out.printf("[local] non-root: attach, detach, -lvv, --stop refused; %s %s root:%s, FUSE file "
                        + "rw------- root, keys unreadable%n", loop, loopMode, Files.readAttributes(loop,
                        java.nio.file.attribute.PosixFileAttributes.class).group().getName());
                assertEquals(0, cluster.rsconfig("-d", "oracle").exitCode());
            } finally {
                cluster.close();
                devices.cleanUp();
            }
        }
    }

    @Test
    void daemonsRefuseAConfigOthersMayChangeAndWarnAboutOneOthersMayRead() throws Exception {
        try (TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", 8)
                .writeClientConfig("big-2", "0xbig2")) {
            Files.setPosixFilePermissions(cluster.serverConfig, PosixFilePermissions.fromString("rw-rw-rw-"));
            ProcessResult refused = Commands.run(Duration.ofSeconds(30), cluster.env(),
                    Commands.java("io.rsio.server.RssrvMain", "-c", cluster.serverConfig.toString(), "-f"));
            assertEquals(1, refused.exitCode(), refused::toString);
            assertEquals("rssrv: " + cluster.serverConfig + " may be changed by other users (rw-rw-rw-), who could "
                    + "give themselves keys and volumes; refusing to use it (chmod 600 " + cluster.serverConfig + ")\n",
                    refused.stderr());

            Files.setPosixFilePermissions(cluster.serverConfig, PosixFilePermissions.fromString("rw-------"));
            Files.setPosixFilePermissions(cluster.clientConfig, PosixFilePermissions.fromString("rw-r--r--"));
            cluster.startServer();
            cluster.startClient();
            assertTrue(cluster.log("rsiod").contains("WARN (main): " + cluster.clientConfig
                    + " holds node keys and is readable by other users (rw-r--r--); chmod 600 " + cluster.clientConfig),
                    cluster.log("rsiod"));
            assertFalse(cluster.log("rssrv").contains("readable by other users"), cluster.log("rssrv"));
        }
    }
}
