package io.rsio.server.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.rsio.block.Errno;
import io.rsio.ceph.CephTestCluster;
import io.rsio.config.ServerConfig;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The VolumeStore contract on a real RBD image (scripts/ceph-test-cluster), and what only a
 * gateway store does: taking an image over from another gateway and fencing it, and seeing a
 * resize made by another client.
 */
class RbdVolumeStoreTest extends VolumeStoreContract {
    static final CephTestCluster CEPH = CephTestCluster.shared();

    static ServerConfig.RbdImage source(String image) {
        return new ServerConfig.RbdImage(CEPH.pool(), image, CEPH.conf(), CEPH.user(), Optional.of(CEPH.keyring()));
    }

    @Override
    VolumeStore create(String name, boolean readOnly) throws Exception {
        String image = CEPH.newImageName(name);
        if (readOnly) {
            CEPH.rbd("create", "--size", (SIZE >> 20) + "M", CEPH.pool() + "/" + image);
        }
        // a writable one is created by the store from the configured size, as rssrv does
        return RbdVolumeStore.open(name, source(image), OptionalLong.of(SIZE), BLOCK, readOnly);
    }

    /** Nothing of an RBD image is in the gateway's memory: every read goes to the cluster. */
    @Test
    @Override
    void readIfCachedServesDataJustWrittenAndChecksRanges() throws Exception {
        VolumeStore s = store();
        write(s, 4096, new byte[8192], false);
        ByteBuf buf = ALLOC.directBuffer(8192);
        try {
            assertFalse(s.readIfCached(4096, buf, 8192));
            assertEquals(0, buf.readableBytes());
        } finally {
            buf.release();
        }
    }

    @Test
    void aSecondGatewayTakesTheImageOverAndFencesTheFirst() throws Exception {
        String image = CEPH.newImageName("takeover");
        try (RbdVolumeStore a = RbdVolumeStore.open("shared", source(image), OptionalLong.of(SIZE), BLOCK, false);
             RbdVolumeStore b = RbdVolumeStore.open("shared", source(image), OptionalLong.empty(), BLOCK, false)) {
            byte[] first = random(new Random(1), 65536);
            write(a, 0, first, false);
            assertTrue(a.owner());
            assertFalse(b.owner());
            assertEquals(1, a.takeovers()); // the first lock, from nobody
            assertEquals(0, b.takeovers());
            // reads need no ownership, and see what a acknowledged
            assertArrayEquals(first, read(b, 0, first.length));

            byte[] second = random(new Random(2), 65536);
            write(b, 0, second, false); // b takes over: a is fenced first
            assertTrue(b.owner());
            expectErrno(Errno.ESHUTDOWN, () -> write(a, 65536, new byte[4096], false), "a write of the fenced gateway");
            assertFalse(a.owner());
            assertEquals(1, b.takeovers());
            assertEquals(1, a.fencings());
            assertEquals(0, b.fencings());
            assertArrayEquals(second, read(b, 0, second.length));
            assertArrayEquals(new byte[4096], read(b, 65536, 4096), "nothing of the fenced gateway landed");
            String blocklist = CEPH.ceph("osd", "blocklist", "ls");
            assertTrue(blocklist.contains("127.0.0.1"), blocklist);

            // a reconnects as a new client (a standby again) and can take the image back, fencing b
            byte[] third = random(new Random(3), 4096);
            writeOnceReconnected(a, 65536, third);
            assertTrue(a.owner());
            expectErrno(Errno.ESHUTDOWN, () -> write(b, 0, new byte[4096], false), "a write of the fenced b");
            assertArrayEquals(second, read(a, 0, second.length));
            assertArrayEquals(third, read(a, 65536, third.length));
            assertEquals(2, a.takeovers());
            assertEquals(1, b.fencings());
        }
    }

    /** Writes, retrying while the store answers ESHUTDOWN (fenced, reconnecting), at most 30 s. */
    private static void writeOnceReconnected(VolumeStore s, long offset, byte[] data) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            try {
                write(s, offset, data, false);
                return;
            } catch (io.rsio.block.BlockException e) {
                if (e.errno() != Errno.ESHUTDOWN || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    @Test
    void aResizeByAnotherClientReachesTheStore() throws Exception {
        VolumeStore s = store();
        String image = ((RbdVolumeStore) s).imageName();
        CEPH.rbd("resize", "--size", (2 * SIZE >> 20) + "M", image);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (s.size() != 2 * SIZE && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(2 * SIZE, s.size());
        write(s, 2 * SIZE - 4096, new byte[] {1, 2, 3}, false);
        assertArrayEquals(new byte[] {1, 2, 3}, read(s, 2 * SIZE - 4096, 3));
    }
}
