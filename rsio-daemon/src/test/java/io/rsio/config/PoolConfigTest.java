package io.rsio.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.config.ServerConfig.PoolRight;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** rssrvcfg's [pool NAME] sections (docs/CONFIG.md): keys, defaults, rights given by name only. */
class PoolConfigTest {
    private static final Path FILE = Path.of("/etc/dvsc/rssrvcfg");
    /** 9 lines: cases append from line 10. */
    private static final String HEAD = BrokenConfigTest.SERVER_HEAD + "[clients]\nbig-2 k2\n";

    @Test
    void aPoolWithEveryKey() throws ConfigException {
        ServerConfig c = ServerConfig.parse(FILE, HEAD + """
                [pool fast]
                path      = pools/fast
                type      = file
                quota     = 2T
                create    = big-2
                grow      = big-2
                snapshot  = big-2
                delete    = big-2
                throttle  = big-2
                pause     = big-2
                copy      = big-2
                access    = big-2
                device    = av1
                blocksize = 4096
                """);
        ServerConfig.Pool p = c.pools().getFirst();
        assertEquals("fast", p.name());
        assertEquals(Path.of("/etc/dvsc/pools/fast"), p.directory());
        assertEquals(OptionalLong.of(2L << 40), p.quota());
        assertEquals("av1", p.device());
        assertEquals(4096, p.blockSize());
        for (PoolRight right : PoolRight.values()) {
            assertTrue(p.grants("big-2", right), right.key());
            assertFalse(p.grants("venus", right), right.key());
        }
    }

    @Test
    void anRbdPool() throws ConfigException {
        ServerConfig.Pool p = ServerConfig.parse(FILE, HEAD + """
                [pool ceph]
                type         = rbd
                rbd_pool     = rsio
                ceph_conf    = ceph/ceph.conf
                ceph_user    = client.rsio
                ceph_keyring = /etc/ceph/rsio.keyring
                ceph_op_timeout = 3s
                create       = big-2
                """).pools().getFirst();
        assertEquals(null, p.directory());
        ServerConfig.CephPool ceph = p.rbd().orElseThrow();
        assertEquals("rsio", ceph.pool());
        assertEquals(Path.of("/etc/dvsc/ceph/ceph.conf"), ceph.cephConf());
        assertEquals("client.rsio", ceph.user());
        assertEquals(Path.of("/etc/ceph/rsio.keyring"), ceph.keyring().orElseThrow());
        assertEquals(new ServerConfig.RbdImage("rsio", "db", ceph.cephConf(), "client.rsio", ceph.keyring(),
                java.time.Duration.ofSeconds(3)), ceph.image("db"));
        ServerConfig.Pool defaults = ServerConfig.parse(FILE, HEAD + "[pool c]\ntype = rbd\nrbd_pool = rbd\n")
                .pools().getFirst();
        assertEquals(Path.of("/etc/ceph/ceph.conf"), defaults.rbd().orElseThrow().cephConf());
        assertEquals("client.admin", defaults.rbd().orElseThrow().user());
        assertEquals(java.time.Duration.ofSeconds(5), defaults.rbd().orElseThrow().opTimeout());
    }

    @Test
    void rightsAreHeldByNobodyUnlessGiven() throws ConfigException {
        ServerConfig.Pool p = ServerConfig.parse(FILE, HEAD + "[pool slow]\npath = /srv/slow\ncreate = big-2\n")
                .pools().getFirst();
        assertTrue(p.grants("big-2", PoolRight.CREATE));
        assertFalse(p.grants("big-2", PoolRight.DELETE));
        assertFalse(p.grants("big-2", PoolRight.GROW));
        assertTrue(p.quota().isEmpty());
        assertTrue(p.allows("big-2"), "every client may use its volumes by default");
        assertEquals(List.of(), ServerConfig.parse(FILE, HEAD).pools(), "no [pool]: nothing to manage");
    }

    @Test
    void mistakesNameFileLineAndWhatWasExpected() {
        assertError(HEAD + "[pool fast]\npath = /p\ndelete = big-3\n", 12,
                "delete names \"big-3\", which is not a client in [clients] (clients: big-2)");
        assertError(HEAD + "[pool fast]\ncreate = big-2\n", 10, "[pool fast] has no \"path\" (required)");
        assertError(HEAD + "[pool fast]\npath = /p\ntype = nfs\n", 12,
                "type must be file (a volume is a file in the pool's directory) or rbd (a volume is an RBD image in"
                        + " rbd_pool), found \"nfs\"");
        assertError(HEAD + "[pool fast]\npath = /p\ntype = rbd\nrbd_pool = rbd\n", 11,
                "a pool of type rbd keeps its volumes in rbd_pool, not in a path");
        assertError(HEAD + "[pool fast]\ntype = rbd\n", 10, "[pool fast] has no \"rbd_pool\" (required)");
        assertError(HEAD + "[pool fast]\ntype = rbd\nrbd_pool = a/b\n", 12,
                "rbd_pool must be a Ceph pool name (letters, digits, . _ - +), found \"a/b\"");
        assertError(HEAD + "[pool c]\ntype = rbd\nrbd_pool = r\nceph_op_timeout = 1500ms\n", 13,
                "ceph_op_timeout must be whole seconds (librados counts in seconds), found \"1500ms\"");
        assertError(HEAD + "[pool fast]\npath = /p\nceph_user = client.x\n", 12,
                "ceph_user applies to pools of type rbd only; this pool has type file");
        assertError(HEAD + "[pool fast]\npath = /p\nquota = 0\n", 12,
                "quota must be a positive size (leave it out for no quota), found \"0\"");
        assertError(HEAD + "[pool a]\npath = /p\n[pool b]\npath = /p\n", 13,
                "path /p is already the directory of [pool a] on line 10");
        assertError(HEAD + "[pool a]\npath = /p\n[pool a]\npath = /q\n", 12, "duplicate [pool] \"a\" (first on line 10)");
        assertError(HEAD + "[pool]\npath = /p\n", 10, "[pool] needs a name, e.g. \"[pool fast]\"");
    }

    private static void assertError(String text, int line, String reason) {
        ConfigException e = assertThrows(ConfigException.class, () -> ServerConfig.parse(FILE, text));
        assertEquals(reason, e.reason(), e.getMessage());
        assertEquals(line, e.line(), e.getMessage());
    }
}
