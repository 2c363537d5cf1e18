package io.rsio.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code [volume]} sections with {@code rbd = POOL/IMAGE} (docs/CONFIG.md). */
class RbdVolumeConfigTest {
    static final Path FILE = Path.of("/etc/rsio/rssrvcfg");
    /** 7 lines; the volume starts at line 8. */
    static final String HEAD = """
            [namespace osl]
            namespaceid = 200
            port = 5000
            [server gw-1]
            serverid = 1
            [interface if1]
            address = 127.0.0.21
            """;

    static ServerConfig parse(String volume) throws ConfigException {
        return ServerConfig.parse(FILE, HEAD + volume);
    }

    static void expectError(String volume, int line, String phrase) {
        ConfigException e = assertThrows(ConfigException.class, () -> parse(volume));
        assertTrue(e.getMessage().contains(FILE + ":" + line), e.getMessage());
        assertTrue(e.getMessage().contains(phrase), e.getMessage());
    }

    @Test
    void anRbdVolumeWithItsCephSettings() throws Exception {
        ServerConfig.Volume v = parse("""
                [volume db]
                rbd = rbd/db-1
                ceph_conf = ceph/ceph.conf
                ceph_user = client.rsio
                ceph_keyring = /etc/ceph/ceph.client.rsio.keyring
                size = 256M
                """).volumes().getFirst();
        assertEquals(null, v.path());
        assertEquals(new ServerConfig.RbdImage("rbd", "db-1", Path.of("/etc/rsio/ceph/ceph.conf"), "client.rsio",
                Optional.of(Path.of("/etc/ceph/ceph.client.rsio.keyring"))), v.rbd().orElseThrow());
        assertEquals("rbd:rbd/db-1", v.source());
        assertEquals(256L << 20, v.size().getAsLong());
    }

    @Test
    void cephDefaultsAreThoseOfCephsTools() throws Exception {
        ServerConfig.RbdImage r = parse("[volume db]\nrbd = pool1/img\n").volumes().getFirst().rbd().orElseThrow();
        assertEquals(Path.of("/etc/ceph/ceph.conf"), r.cephConf());
        assertEquals("client.admin", r.user());
        assertEquals(Optional.empty(), r.keyring());
    }

    @Test
    void mistakesNameTheLine() {
        expectError("[volume db]\nrbd = just-an-image\n", 9, "rbd must be POOL/IMAGE");
        expectError("[volume db]\nrbd = rbd/img@snap\n", 9, "rbd must be POOL/IMAGE");
        expectError("[volume db]\npath = /srv/db.img\nrbd = rbd/img\n", 10, "either path");
        expectError("[volume db]\npath = /srv/db.img\nceph_user = client.rsio\n", 10, "RBD volumes only");
        expectError("[volume db]\nrbd = rbd/img\nceph_user = admin\n", 10, "like client.rsio");
        expectError("[volume a]\nrbd = rbd/img\n[volume b]\nrbd = rbd/img\n", 11, "already served by");
    }
}
