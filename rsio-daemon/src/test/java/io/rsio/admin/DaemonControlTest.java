package io.rsio.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.common.RsioEnvironment;
import io.rsio.config.edit.ClientConfigEditor;
import io.rsio.config.edit.ConfigFileStore;
import io.rsio.control.ControlClient;
import io.rsio.control.ControlRows.PathRow;
import io.rsio.control.ControlRows.ReloadRow;
import io.rsio.discovery.LocalServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A real rsiod started, reloaded and stopped the way crsio's Daemon screen does it. */
@Timeout(120)
class DaemonControlTest {
    @TempDir
    Path dir;

    @Test
    void startReloadWithANewNamespaceThenStop() throws Exception {
        int port = LocalServer.freePort();
        try (LocalServer server = new LocalServer(dir, "osl", 200, "big-9", "127.0.0.1", port, "big-2 0xk2", true)) {
            RsioEnvironment env = RsioEnvironment.from(Map.of("RSIO_RUN_DIR", dir.resolve("run").toString(),
                    "RSIO_LOG_DIR", dir.resolve("log").toString(), "RSIO_DEV_DIR", dir.resolve("dev").toString()));
            DaemonControl control = new DaemonControl(env, DaemonControl.thisJava());
            try {
                lifecycle(control, env, port);
            } finally {
                if (control.state().running()) {
                    control.stop(true);
                }
            }
        }
    }

    private void lifecycle(DaemonControl control, RsioEnvironment env, int port) throws Exception {
        Path config = dir.resolve("rscltcfg");
        ConfigFileStore store = new ConfigFileStore(config);
        ConfigFileStore.Loaded loaded = store.load();
        ClientConfigEditor editor = ClientConfigEditor.of(config, loaded.text());
        editor.setDefault("port", Integer.toString(port));
        editor.addInterface("if0", "127.0.0.1");
        ConfigFileStore.Snapshot saved = store.save(editor.text(), loaded.snapshot());

        assertEquals("not running", control.state().label());
        DaemonState started = control.start(config);
        assertTrue(started.running() && started.answering(), started.toString());
        assertEquals(config.toAbsolutePath().toString(), started.config());
        assertEquals(Long.parseLong(Files.readString(env.pidFile("rsiod")).strip()), started.pid());
        assertThrows(DaemonControl.DaemonException.class, () -> control.start(config), "already running");

        assertEquals(List.of(new ReloadRow("none", "no changes in " + config.toAbsolutePath())), control.reload());

        editor.addNamespace("osl", 200, "big-2", "0xk2");
        editor.setServers("osl", List.of(new ClientConfigEditor.ServerEntry("big-9-1", "127.0.0.1", 0)));
        saved = store.save(editor.text(), saved);
        assertEquals(List.of(new ReloadRow("applied", "namespace osl (id 200) added with 1 server interface(s)")),
                control.reload());
        ControlClient client = new ControlClient(env.controlSocket());
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (client.call("status").rows(PathRow.class).stream().noneMatch(p -> p.state().equals("connected"))) {
            assertTrue(System.nanoTime() < deadline, "path of the reloaded namespace not connected");
            Thread.sleep(100);
        }

        editor.setDefault("ping_interval", "2s");
        store.save(editor.text(), saved);
        // The namespace inherits the new default, so it changed too: its path logs in again.
        List<ReloadRow> rows = control.reload();
        assertEquals(List.of(new ReloadRow("applied", "[defaults] changed: the namespaces that inherit them follow")),
                rows.subList(0, 1));
        assertEquals(2, rows.size(), rows.toString());
        assertTrue(rows.get(1).change().startsWith("namespace osl: logged in again on 1 of 1 path(s); multipath"
                + " settings now policy adaptive"), rows.toString());

        control.stop(false);
        assertFalse(control.state().running());
        assertFalse(Files.exists(env.pidFile("rsiod")), "rsiod removes its pid file on SIGTERM");
        assertThrows(DaemonControl.DaemonException.class, () -> control.stop(false));
    }

    @Test
    void aBrokenConfigDoesNotStartAndSaysWhy() throws Exception {
        RsioEnvironment env = RsioEnvironment.from(Map.of("RSIO_RUN_DIR", dir.resolve("run").toString(),
                "RSIO_LOG_DIR", dir.resolve("log").toString()));
        Path config = dir.resolve("rscltcfg");
        Files.writeString(config, "[defaults]\nport = 50x0\n");
        DaemonControl.DaemonException e = assertThrows(DaemonControl.DaemonException.class,
                () -> new DaemonControl(env, DaemonControl.thisJava()).start(config));
        assertEquals("rsiod did not start: rsiod: " + config + ":2: port must be a number from 1 to 65535, found \"50x0\"",
                e.getMessage());
    }

    @Test
    void mountsOnRsioDevicesAreFound() throws Exception {
        Path mounts = dir.resolve("mounts");
        Files.writeString(mounts, """
                /dev/sda1 / ext4 rw 0 0
                /dev/av0/oracle /mnt/my\\040data xfs rw 0 0
                /dev/avx /mnt/x ext4 rw 0 0
                /dev/nbd0 /mnt/n ext4 rw 0 0
                """);
        assertEquals(List.of("/dev/av0/oracle on /mnt/my data", "/dev/avx on /mnt/x"),
                MountCheck.rsioMounts(Path.of("/dev"), mounts));
        assertEquals(List.of(), MountCheck.rsioMounts(Path.of("/tmp/devs"), mounts));
    }
}
