package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.control.ControlRows.ReloadRow;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An administrator typed the wrong namespace id, rsiod started and the server refused it; the
 * id is corrected and rsiod reloaded: the namespace starts again under the right id, without a
 * restart. Changing the id of a namespace whose volume is attached is refused, naming the device.
 */
class NamespaceIdReloadTest {
    @TempDir
    Path dir;

    @Test
    void aCorrectedNamespaceIdIsAppliedByReloadButNotUnderAnAttachedVolume() throws Exception {
        BlockDevices.requireKernelDevices();
        try (TestCluster cluster = new TestCluster(dir).writeServerConfig("big-2 0xbig2", 16)
                .writeClientConfig("big-2", "0xbig2")) {
            BlockDevices devices = new BlockDevices(cluster);
            String right = Files.readString(cluster.clientConfig);
            Files.writeString(cluster.clientConfig, right.replace("namespaceid   = 200", "namespaceid   = 201"));
            cluster.startServer();
            cluster.startClient();
            cluster.await("the server refuses the wrong id", Duration.ofSeconds(20),
                    () -> logContains(cluster, "rssrv", "asked for namespace id 201, this server serves 200"));
            assertFalse(Files.exists(cluster.nbdSocket("oracle")), "no volumes under the wrong id");

            Files.writeString(cluster.clientConfig, right);
            assertEquals(List.of(applied("namespace osl (id 201) removed: id changed to 200"),
                    applied("namespace osl (id 200) added with 1 server interface(s)")), cluster.reload());
            cluster.await("connected under the right id", Duration.ofSeconds(20),
                    () -> cluster.statusShows("connected tx: ok rx: ok") && Files.exists(cluster.nbdSocket("oracle")));
            assertTrue(cluster.rsconfig("-q").stdout().contains("oracle"), "the volumes are listed");

            try {
                assertEquals(0, cluster.rsconfig("-a", "oracle").exitCode());
                Files.writeString(cluster.clientConfig, right.replace("namespaceid   = 200", "namespaceid   = 202"));
                List<ReloadRow> refused = cluster.reload();
                assertEquals(1, refused.size(), refused.toString());
                assertEquals("refused", refused.getFirst().action());
                assertEquals("namespace osl: id not changed from 200 to 202: " + devices.blockLink("oracle")
                        + " attached (detach first: rsconfig -d)", refused.getFirst().change());
                assertTrue(cluster.statusShows("connected tx: ok rx: ok"), "the running namespace is untouched");
            } finally {
                cluster.rsconfig("-d", "-f");
                devices.cleanUp();
            }
            devices.assertNothingLeft();
        }
    }

    private static boolean logContains(TestCluster cluster, String daemon, String text) {
        try {
            return cluster.log(daemon).contains(text);
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static ReloadRow applied(String change) {
        return new ReloadRow("applied", change);
    }
}
