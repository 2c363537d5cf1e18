package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.control.ControlRows.ReloadRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code attach = nbd-export} in [defaults] (docs/CONFIG.md): on a host that could make block
 * devices (root, /dev/fuse, /dev/loop-control), rsiod makes none, says why in the log, in
 * {@code rsconfig -lvv} and when {@code rsconfig -a} is refused, and the NBD export still serves
 * the volumes. A reload that changes the setting says it needs a restart.
 */
class AttachSettingTest {
    @TempDir
    Path dir;

    @Test
    void nbdExportOnlyMakesNoBlockDevicesAndSaysWhy() throws Exception {
        BlockDevices.requireKernelDevices();
        try (TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", 16)
                .writeClientConfig("big-2", "0xbig2")) {
            String auto = Files.readString(cluster.clientConfig);
            Files.writeString(cluster.clientConfig, auto.replace("[defaults]\n", "[defaults]\nattach = nbd-export\n"));
            cluster.startServer();
            cluster.startClient();
            cluster.await("NBD export", TestCluster.START_LIMIT, () -> Files.exists(cluster.nbdSocket("oracle")));

            String reason = "attach method nbd-export (attach = nbd-export in [defaults])";
            assertTrue(cluster.log("rsiod").contains("block devices: " + reason), cluster.log("rsiod"));
            ProcessResult lvv = cluster.rsconfig("-lvv");
            assertEquals(0, lvv.exitCode(), lvv.toString());
            assertTrue(lvv.stdout().startsWith("no devices attached; " + reason), lvv.stdout());

            ProcessResult attach = cluster.rsconfig("-a");
            assertEquals(1, attach.exitCode(), attach.toString());
            assertTrue(attach.stdout().concat(attach.stderr())
                    .contains("no block devices (attach = nbd-export in [defaults]); use the NBD export"), attach.toString());
            assertTrue(cluster.rsconfig("-l").stdout().startsWith("no devices attached"), "nothing attached");

            ProcessResult info = Commands.run(java.time.Duration.ofSeconds(30), java.util.Map.of(),
                    List.of("nbdinfo", "--size", cluster.nbdUri("oracle")));
            assertEquals(0, info.exitCode(), info.toString());
            assertEquals(Long.toString(16L << 20), info.stdout().strip());

            Files.writeString(cluster.clientConfig, auto);
            assertEquals(List.of(new ReloadRow("restart",
                    "[defaults] attach changed from nbd-export to auto: restart rsiod to apply")), cluster.reload());
            assertTrue(cluster.rsconfig("-lvv").stdout().startsWith("no devices attached; " + reason),
                    "the running method is unchanged until a restart");

            Files.writeString(cluster.clientConfig, auto.replace("[defaults]\n",
                    "[defaults]\nattach = nbd-export\nfuse_transport = dev\n"));
            assertEquals(List.of(new ReloadRow("restart",
                    "[defaults] fuse_transport changed from auto to dev: restart rsiod to apply")), cluster.reload());
        }
    }
}
