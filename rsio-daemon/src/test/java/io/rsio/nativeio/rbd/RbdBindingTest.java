package io.rsio.nativeio.rbd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.ceph.CephTestCluster;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The FFM binding of librados/librbd against the real single-host cluster of scripts/ceph-test-cluster. */
class RbdBindingTest {
    static CephTestCluster ceph;
    static RadosCluster cluster;
    static RadosPool pool;
    /** As rssrv connects: no client cache, and a discard of part of an object zeroes it. */
    static Map<String, String> OPTIONS;

    @BeforeAll
    static void connect() throws Exception {
        ceph = CephTestCluster.shared();
        OPTIONS = Map.of("keyring", ceph.keyring().toString(), "rbd_cache", "false", "rbd_skip_partial_discard", "false");
        cluster = RadosCluster.connect(ceph.conf(), ceph.user(), OPTIONS);
        pool = cluster.pool(ceph.pool());
    }

    @AfterAll
    static void disconnect() {
        if (pool != null) {
            pool.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    interface Aio {
        void start(AioCallback done) throws CephException;
    }

    static long aio(Aio call) throws Exception {
        CompletableFuture<Long> result = new CompletableFuture<>();
        call.start(result::complete);
        return result.get(30, TimeUnit.SECONDS);
    }

    @Test
    void asynchronousIoReadsBackWhatWasWritten() throws Exception {
        String name = ceph.newImageName("bind");
        pool.createImage(name, 16 << 20);
        try (RbdImage image = pool.open(name); Arena arena = Arena.ofShared()) {
            assertEquals(16 << 20, image.size());
            byte[] a = new byte[8192];
            byte[] b = new byte[4096];
            new Random(1).nextBytes(a);
            new Random(2).nextBytes(b);
            MemorySegment sa = arena.allocate(a.length).copyFrom(MemorySegment.ofArray(a));
            MemorySegment sb = arena.allocate(b.length).copyFrom(MemorySegment.ofArray(b));
            // two buffers, one request: 12 KiB at 1 MiB - 4 KiB
            assertEquals(0, aio(done -> image.aioWrite((1 << 20) - 4096, List.of(sa, sb), done)));
            assertEquals(0, aio(image::aioFlush));
            MemorySegment back = arena.allocate(12288);
            assertEquals(12288, aio(done -> image.aioRead((1 << 20) - 4096, back, done)));
            assertArrayEquals(a, back.asSlice(0, 8192).toArray(ValueLayout.JAVA_BYTE));
            assertArrayEquals(b, back.asSlice(8192, 4096).toArray(ValueLayout.JAVA_BYTE));

            assertEquals(0, aio(done -> image.aioDiscard((1 << 20) - 4096, 4096, done)));
            assertEquals(0, aio(done -> image.aioWriteZeroes(1 << 20, 4096, false, done)));
            assertEquals(12288, aio(done -> image.aioRead((1 << 20) - 4096, back, done)));
            assertArrayEquals(new byte[8192], back.asSlice(0, 8192).toArray(ValueLayout.JAVA_BYTE));
            assertArrayEquals(b, back.asSlice(8192, 4096).toArray(ValueLayout.JAVA_BYTE));

            // a read past the end is refused by librbd with EINVAL, as a completion result
            long beyond = aio(done -> image.aioRead(16 << 20, back, done));
            assertTrue(beyond < 0, "read past the end: " + beyond);
            assertEquals(0, AioCompletions.pending());
        } finally {
            pool.removeImage(name);
        }
    }

    @Test
    void aResizeThroughOneHandleReachesTheWatchOfAnother() throws Exception {
        String name = ceph.newImageName("watch");
        pool.createImage(name, 8 << 20);
        try (RbdImage watcher = pool.open(name); RbdImage resizer = pool.open(name)) {
            CountDownLatch changed = new CountDownLatch(1);
            watcher.watchUpdates(changed::countDown);
            resizer.resize(24 << 20, false);
            assertTrue(changed.await(30, TimeUnit.SECONDS), "the update watch fired");
            assertEquals(24 << 20, watcher.size());
        } finally {
            pool.removeImage(name);
        }
    }

    @Test
    void aCloneStartsWithTheDataOfItsParentsSnapshot() throws Exception {
        String parent = ceph.newImageName("parent");
        String child = ceph.newImageName("child");
        pool.createImage(parent, 8 << 20);
        try (Arena arena = Arena.ofShared()) {
            MemorySegment data = arena.allocate(4096).fill((byte) 0x5a);
            try (RbdImage image = pool.open(parent)) {
                assertEquals(0, aio(done -> image.aioWrite(0, List.of(data), done)));
                image.createSnapshot("base");
                image.protectSnapshot("base");
                // written after the snapshot: not in the clone
                MemorySegment later = arena.allocate(4096).fill((byte) 1);
                assertEquals(0, aio(done -> image.aioWrite(0, List.of(later), done)));
            }
            pool.cloneImage(parent, "base", child);
            try (RbdImage clone = pool.open(child)) {
                MemorySegment back = arena.allocate(4096);
                assertEquals(4096, aio(done -> clone.aioRead(0, back, done)));
                assertArrayEquals(data.toArray(ValueLayout.JAVA_BYTE), back.toArray(ValueLayout.JAVA_BYTE));
            }
        } finally {
            pool.removeImage(child);
            ceph.rbd("snap", "unprotect", ceph.pool() + "/" + parent + "@base");
            ceph.rbd("snap", "rm", ceph.pool() + "/" + parent + "@base");
            pool.removeImage(parent);
        }
    }

    @Test
    void breakingTheLockFencesTheOldOwner() throws Exception {
        String name = ceph.newImageName("lock");
        pool.createImage(name, 8 << 20);
        try (RadosCluster other = RadosCluster.connect(ceph.conf(), ceph.user(), OPTIONS);
             RadosPool otherPool = other.pool(ceph.pool());
             RbdImage owner = otherPool.open(name);
             RbdImage taker = pool.open(name);
             Arena arena = Arena.ofShared()) {
            owner.acquireExclusiveLock();
            assertTrue(owner.isExclusiveLockOwner());
            List<String> owners = taker.lockOwners();
            assertEquals(1, owners.size(), owners.toString());
            assertEquals(other.address().replaceFirst("^.*?(\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+/\\d+).*$", "$1"),
                    owners.get(0).replaceFirst("^.*?(\\d+\\.\\d+\\.\\d+\\.\\d+:\\d+/\\d+).*$", "$1"));
            // a live owner keeps an explicitly acquired lock
            CephException refused = assertThrows(CephException.class, taker::acquireExclusiveLock);
            assertTrue(refused.errno() == 30 || refused.errno() == 16, refused.getMessage());

            other.blocklist(owners.get(0), 600);
            taker.breakLock(owners.get(0));
            taker.acquireExclusiveLock();
            assertTrue(taker.isExclusiveLockOwner());
            MemorySegment data = arena.allocate(4096).fill((byte) 7);
            assertEquals(0, aio(done -> taker.aioWrite(0, List.of(data), done)));
            // the fenced owner can no longer write: EBLOCKLISTED (= ESHUTDOWN, 108)
            long late = aio(done -> owner.aioWrite(0, List.of(arena.allocate(4096)), done));
            assertTrue(late < 0, "a write of the fenced owner: " + late);
            MemorySegment back = arena.allocate(4096);
            assertEquals(4096, aio(done -> taker.aioRead(0, back, done)));
            assertArrayEquals(data.toArray(ValueLayout.JAVA_BYTE), back.toArray(ValueLayout.JAVA_BYTE));
            CephException fenced = assertThrows(CephException.class, owner::isExclusiveLockOwner);
            assertEquals(108, fenced.errno(), fenced.getMessage());
        } finally {
            pool.removeImage(name);
        }
    }
}
