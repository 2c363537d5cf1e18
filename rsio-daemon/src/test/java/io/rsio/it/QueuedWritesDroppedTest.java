package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.Unpooled;
import io.rsio.nativeio.Posix;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * WRITEs still queued for rssrv's store when their connection dies are dropped, not executed
 * later: by then the client may have sent them again elsewhere and written newer data over the
 * same blocks (docs/reliability.md, "No lost write on path loss"). Deterministic on any machine:
 * the volume is a loop device whose writes a block cgroup limits to {@value #IOPS} per second,
 * with rssrv inside that cgroup, so 384 FUA writes (one fdatasync each) take half a minute and
 * nearly all of them are still queued when the client aborts. Root only.
 */
class QueuedWritesDroppedTest {
    static final int IOPS = 20;
    /** Fewer than rssrv's 512 requests in flight per connection, so none waits in TCP buffers. */
    static final int REGIONS = 384;
    static final int SIZE = 4096;

    @TempDir
    Path dir;

    @Test
    void writesQueuedWhenTheirConnectionDiesAreNotExecutedLater() throws Exception {
        assumeTrue(Posix.geteuid() == 0, "needs root for a loop device and a cgroup");
        assumeTrue(IoThrottle.available(), "needs a cgroup io (v2) or blkio (v1) controller");
        Commands.requireTool("losetup");
        Path backing = dir.resolve("slow.img");
        try (RandomAccessFile f = new RandomAccessFile(backing.toFile(), "rw")) {
            f.setLength((long) REGIONS * SIZE);
        }
        ProcessResult setup = Commands.run(Duration.ofSeconds(30), java.util.Map.of(),
                java.util.List.of("losetup", "--find", "--show", backing.toString()));
        assertEquals(0, setup.exitCode(), setup::toString);
        Path loop = Path.of(setup.stdout().strip());
        try (TestCluster cluster = new TestCluster(dir)) {
            cluster.writeServerConfigWithVolumes("big-2 0xbig2", "[volume oracle]\npath = " + loop + "\n");
            cluster.startServer();
            IoThrottle created;
            try {
                created = IoThrottle.create("rsio-test-" + ProcessHandle.current().pid(), loop, IOPS);
            } catch (java.io.IOException e) {
                // E.g. cgroup v2 inside a container whose own cgroup holds processes: the io
                // controller cannot be enabled below it.
                cluster.killServer();
                assumeTrue(false, "cannot set up a write IOPS limit here: " + e);
                return;
            }
            try (IoThrottle throttle = created) {
                try {
                    throttle.add(cluster.serverPid());
                    RawRsioClient c = RawRsioClient.connect(cluster.port);
                    assertInstanceOf(Reply.AuthAccepted.class, c.login(200, "big-2", "0xbig2"));
                    assertInstanceOf(Reply.Opened.class, c.open("oracle"));
                    long start = System.nanoTime();
                    for (int i = 0; i < REGIONS; i++) {
                        byte[] data = new byte[SIZE];
                        Arrays.fill(data, (byte) (0x40 + i));
                        c.send(new Request.Write(c.tag(), 1, (long) i * SIZE, true, Unpooled.wrappedBuffer(data)));
                    }
                    c.abort();
                    double sending = (System.nanoTime() - start) / 1e9;
                    cluster.await("rssrv dropped the queued writes", Duration.ofSeconds(20), () -> logHas(cluster,
                            "request(s) queued when the connection closed were not executed"));
                    // The store threads finish the writes they had started (a few, at 20 a second),
                    // then nothing more may arrive.
                    int first = landed(loop);
                    Thread.sleep(1500);
                    int landed = landed(loop);
                    assertEquals(first, landed, "writes kept landing after the connection died");
                    assertTrue(landed < REGIONS / 8, landed + " of " + REGIONS + " writes executed after their "
                            + "connection died (sent in " + sending + " s)");
                    System.out.printf("[hardening] %d FUA writes queued on a store throttled to %d IOPS, connection "
                            + "aborted: %d executed, the rest dropped%n", REGIONS, IOPS, landed);
                } finally {
                    cluster.killServer(); // leaves the cgroup empty, so it can be removed
                }
            }
        } finally {
            Commands.run(Duration.ofSeconds(30), java.util.Map.of(), java.util.List.of("losetup", "-d", loop.toString()));
        }
    }

    /** Regions of the device holding their write's bytes, read past any cache with O_DIRECT. */
    private static int landed(Path loop) throws Exception {
        try (DirectBlockDevice device = new DirectBlockDevice(loop, 1, SIZE)) {
            byte[] all = device.read(0, REGIONS * SIZE);
            int landed = 0;
            for (int i = 0; i < REGIONS; i++) {
                boolean match = true;
                for (int b = 0; b < SIZE && match; b++) {
                    match = all[i * SIZE + b] == (byte) (0x40 + i);
                }
                landed += match ? 1 : 0;
            }
            return landed;
        }
    }

    private static boolean logHas(TestCluster cluster, String text) {
        try {
            return cluster.log("rssrv").contains(text);
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
