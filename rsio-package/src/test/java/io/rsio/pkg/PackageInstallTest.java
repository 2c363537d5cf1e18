package io.rsio.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.security.SecureRandom;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The package as an admin meets it, on this machine (as root; CI is root on a throwaway
 * machine): dpkg -i, rssrv and rsiod from /usr/sbin against each other on loopback, a volume
 * read and written through rsiod's NBD export and as a block device (rsconfig -a, as
 * rsio-attach.service at boot), bash completion naming the volumes, the units
 * verified, a non-root rsconfig without JVM noise, logs 0640 root:adm; then dpkg --purge leaves
 * nothing of the package and keeps what the admin made.
 */
class PackageInstallTest {
    private static final Duration LIMIT = Duration.ofMinutes(2);

    @TempDir
    Path dir;

    @Test
    void installRunPurge() throws Exception {
        assumeTrue(System.getProperty("user.name").equals("root"), "dpkg -i needs root");
        Run already = Run.of(LIMIT, "dpkg-query", "-W", "-f=${Status}", "rsio");
        assumeTrue(!already.stdout().contains("installed"), "rsio is installed on this machine already: not ours to purge");
        BuiltPackage pkg = BuiltPackage.get();
        Path logDir = Path.of("/var/log/rsio");
        Path adminFile = logDir.resolve("admin-notes.txt");
        boolean logDirExisted = Files.exists(logDir);

        Run install = Run.of(Duration.ofMinutes(5), "dpkg", "-i", pkg.deb.toString());
        assertEquals(0, install.exitCode(), install::toString);
        Path runDir = dir.resolve("run");
        Path configs = dir.resolve("etc");
        Files.createDirectories(configs);
        List<Long> daemons = new ArrayList<>();
        try {
            Run files = Run.of(LIMIT, "dpkg", "-L", "rsio");
            assertMode(logDir, "rwxr-s---", "root", "adm");
            assertMode(Path.of("/run/rsio"), "rwxr-x---", "root", "root");
            Files.writeString(adminFile, "made by the admin, not by the package\n");

            int port = freePort();
            writeConfigs(configs, port);
            // Run files in a directory of their own; logs where the package puts them.
            Path devDir = Files.createDirectories(dir.resolve("dev"));
            Map<String, String> env = Map.of("RSIO_RUN_DIR", runDir.toString(), "RSIO_DEV_DIR", devDir.toString(),
                    "PATH", "/usr/sbin:/usr/bin:/bin");
            Run rssrv = Run.of(LIMIT, env, "/usr/sbin/rssrv", "-c", configs.resolve("rssrvcfg").toString());
            assertEquals(0, rssrv.exitCode(), rssrv::toString);
            daemons.add(pid(runDir, "rssrv"));
            Run rsiod = Run.of(LIMIT, env, "/usr/sbin/rsiod", "-c", configs.resolve("rscltcfg").toString());
            assertEquals(0, rsiod.exitCode(), rsiod::toString);
            daemons.add(pid(runDir, "rsiod"));
            String runtime = Files.readString(Path.of("/proc/" + daemons.getLast() + "/cmdline")).replace('\0', ' ');
            assertTrue(runtime.startsWith("/usr/lib/rsio/runtime/bin/java "), "rsiod runs on the package's runtime: " + runtime);

            awaitConnected(env);
            Run query = Run.of(LIMIT, env, "/usr/sbin/rsconfig", "-q");
            assertTrue(query.stdout().contains("0 oracle"), query::toString);

            // Data through the NBD export: 4 MiB out and back, and on the server's file.
            Path sock = runDir.resolve("nbd/oracle.sock");
            String uri = "nbd+unix:///oracle?socket=" + sock;
            Run info = Run.of(LIMIT, "nbdinfo", "--size", uri);
            assertEquals(0, info.exitCode(), info::toString);
            assertEquals(String.valueOf(16L << 20), info.stdout().strip());
            byte[] data = new byte[4 << 20];
            new Random(16).nextBytes(data);
            Path in = Files.write(dir.resolve("in.bin"), data);
            Path back = dir.resolve("back.bin");
            Run write = Run.of(LIMIT, "nbdcopy", in.toString(), uri);
            assertEquals(0, write.exitCode(), write::toString);
            Run read = Run.of(LIMIT, "nbdcopy", uri, back.toString());
            assertEquals(0, read.exitCode(), read::toString);
            assertTrue(Arrays.equals(data, Arrays.copyOf(Files.readAllBytes(back), data.length)),
                    "read back what was written");
            assertTrue(Arrays.equals(data, Arrays.copyOf(Files.readAllBytes(dir.resolve("oracle.img")),
                    data.length)), "the server's file holds it");

            // A block device, as rsio-attach.service makes them at boot (rsconfig -a): FUSE and loop
            // through FFM on the package's runtime. 1 MiB with O_DIRECT onto it reaches the server.
            Run attach = Run.of(LIMIT, env, "/usr/sbin/rsconfig", "-a", "oracle");
            assertEquals(0, attach.exitCode(), attach::toString);
            byte[] block = new byte[1 << 20];
            new Random(17).nextBytes(block);
            Path blockIn = Files.write(dir.resolve("block.bin"), block);
            Run dd = Run.of(LIMIT, "dd", "if=" + blockIn, "of=" + devDir.resolve("av0/oracle"), "bs=64k", "oflag=direct",
                    "status=none");
            assertEquals(0, dd.exitCode(), dd::toString);
            assertTrue(Arrays.equals(block, Arrays.copyOf(Files.readAllBytes(dir.resolve("oracle.img")),
                    block.length)), "written through /dev/av0/oracle, on the server's file");
            Run detach = Run.of(LIMIT, env, "/usr/sbin/rsconfig", "-d", "oracle");
            assertEquals(0, detach.exitCode(), detach::toString);

            // Bash completion asks the running rsiod (through rsconfig) for the volume names.
            Run complete = Run.of(LIMIT, env, "bash", "-c", ". /usr/share/bash-completion/completions/rsconfig;"
                    + " COMP_WORDS=(rsconfig -a ''); COMP_CWORD=2; _rsconfig; echo \"${COMPREPLY[*]}\"");
            assertTrue(complete.stdout().contains("oracle") && complete.stdout().contains("osl:S10_oracle"), complete::toString);
            Run options = Run.of(LIMIT, env, "bash", "-c", ". /usr/share/bash-completion/completions/rsconfig;"
                    + " COMP_WORDS=(rsconfig --re); COMP_CWORD=1; _rsconfig; echo \"${COMPREPLY[*]}\"");
            assertEquals("--reload", options.stdout().strip(), options::toString);

            // A non-root user gets rsconfig's own message, never the JVM's (issue 16, probe 1).
            Run nobody = Run.of(LIMIT, env, "su", "nobody", "-s", "/bin/sh", "-c", "/usr/sbin/rsconfig -q");
            assertEquals(1, nobody.exitCode(), nobody::toString);
            assertTrue(nobody.stderr().startsWith("rsconfig: ") && nobody.stderr().lines().count() == 1, nobody::toString);

            // Logs 0640 root:adm (probe 6).
            assertMode(logDir.resolve("rsiod.log"), "rw-r-----", "root", "adm");
            assertMode(logDir.resolve("rssrv.log"), "rw-r-----", "root", "adm");

            // The units, against the installed programs and man pages.
            Run verify = Run.of(LIMIT, "systemd-analyze", "verify", "/lib/systemd/system/rssrv.service",
                    "/lib/systemd/system/rsiod.service", "/lib/systemd/system/rsio-attach.service");
            assertEquals(0, verify.exitCode(), verify::toString);
            assertEquals("", verify.stderr() + verify.stdout(), verify::toString);

            Run stop = Run.of(LIMIT, env, "/usr/sbin/rsconfig", "--stop");
            assertEquals(0, stop.exitCode(), stop::toString);
            awaitGone(daemons.getLast());
            ProcessHandle.of(daemons.getFirst()).ifPresent(ProcessHandle::destroy);
            awaitGone(daemons.getFirst());

            Run purge = Run.of(Duration.ofMinutes(5), "dpkg", "--purge", "rsio");
            assertEquals(0, purge.exitCode(), purge::toString);
            for (String line : files.stdout().lines().toList()) {
                Path p = Path.of(line);
                if (line.startsWith("/") && !Files.isDirectory(p)) {
                    assertFalse(Files.exists(p, LinkOption.NOFOLLOW_LINKS), line + " left behind");
                }
            }
            assertFalse(Files.exists(Path.of("/usr/lib/rsio")), "/usr/lib/rsio left behind");
            assertFalse(Files.exists(Path.of("/run/rsio")), "/run/rsio left behind");
            assertFalse(Files.exists(logDir.resolve("rsiod.log")) || Files.exists(logDir.resolve("rssrv.log")),
                    "logs of the package's daemons left behind");
            assertTrue(Files.exists(adminFile), "purge keeps what the admin made");
        } finally {
            for (long pid : daemons) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            Run.of(Duration.ofMinutes(5), "dpkg", "--purge", "rsio");
            Files.deleteIfExists(adminFile);
            if (!logDirExisted && Files.isDirectory(logDir)) {
                try (var left = Files.list(logDir)) {
                    if (left.findAny().isEmpty()) {
                        Files.delete(logDir);
                    }
                }
            }
        }
    }

    private static void writeConfigs(Path configs, int port) throws IOException {
        Path parent = configs.getParent();
        String key = "0x" + HexFormat.of().formatHex(SecureRandom.getSeed(16));
        Path server = Files.writeString(configs.resolve("rssrvcfg"), """
                [namespace osl]
                namespaceid = 200
                port        = %d

                [server big-9]
                serverid  = 1
                discovery = no

                [interface if1]
                address = 127.0.0.1

                [clients]
                pkgtest %s

                [volume oracle]
                path = %s
                size = 16M

                [volume S10_oracle]
                path = %s
                size = 16M
                """.formatted(port, key, parent.resolve("oracle.img"), parent.resolve("s10.img")));
        Path client = Files.writeString(configs.resolve("rscltcfg"), """
                [defaults]
                port   = %d

                [interface if0]
                address = 127.0.0.1

                [namespace osl]
                namespaceid = 200
                nodename    = pkgtest
                nodekey     = %s

                [server big-9-1]
                address = 127.0.0.1
                """.formatted(port, key));
        for (Path p : List.of(server, client)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-------"));
        }
    }

    private static void awaitConnected(Map<String, String> env) throws Exception {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (true) {
            Run status = Run.of(LIMIT, env, "/usr/sbin/rsconfig", "-m", "status");
            if (status.stdout().contains("connected tx: ok")) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("rsiod did not connect: " + status + Files.readString(Path.of("/var/log/rsio/rsiod.log")));
            }
            Thread.sleep(200);
        }
    }

    private static void awaitGone(long pid) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("pid " + pid + " did not end");
            }
            Thread.sleep(100);
        }
    }

    private static long pid(Path runDir, String daemon) throws IOException {
        return Long.parseLong(Files.readString(runDir.resolve(daemon + ".pid")).strip());
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** {@code mode} as ls shows it, setgid included ({@code rwxr-s---}). */
    private static void assertMode(Path path, String mode, String owner, String group) throws IOException {
        PosixFileAttributes a = Files.readAttributes(path, PosixFileAttributes.class);
        char[] shown = PosixFilePermissions.toString(a.permissions()).toCharArray();
        if ((((int) Files.getAttribute(path, "unix:mode")) & 02000) != 0) {
            shown[5] = shown[5] == 'x' ? 's' : 'S';
        }
        assertEquals(mode, new String(shown), path + " mode");
        assertEquals(owner, a.owner().getName(), path + " owner");
        assertEquals(group, a.group().getName(), path + " group");
    }
}
