package io.rsio.client.multipath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.netty.channel.DefaultEventLoop;
import io.rsio.common.Transport;
import io.rsio.config.ClientConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The scheduler's choice among paths (not started: only their queues and measurements count). */
class PathSchedulerTest {
    private final DefaultEventLoop loop = new DefaultEventLoop();
    private final List<RsioPath> paths = new ArrayList<>();

    @AfterEach
    void stop() {
        loop.shutdownGracefully();
    }

    private RsioPath path(int rep) {
        ClientConfig.Interface if0 = new ClientConfig.Interface("if0", "127.0.0.1", "tcp", 0);
        PathSpec spec = new PathSpec("osl", 0, if0, rep, new ClientConfig.Server("s" + rep, "127.0.0.1", "tcp", 5000 + rep));
        NamespaceLogin login = new NamespaceLogin("osl", 200, "big-2", "0xbig2", ClientConfig.MultipathSettings.BUILT_IN);
        RsioPath path = new RsioPath(spec, login, Transport.best(), loop, new PathListener() {
            @Override
            public void pathReady(RsioPath p, java.util.Map<io.rsio.wire.message.VolumeInfo, Integer> opened) {}

            @Override
            public void pathDown(RsioPath p) {}
        });
        paths.add(path);
        return path;
    }

    @Test
    void roundRobinTakesTurns() {
        RsioPath a = path(0);
        RsioPath b = path(1);
        RsioPath c = path(2);
        PathScheduler scheduler = new PathScheduler(PathScheduler.Policy.of("roundrobin"));
        List<RsioPath> picked = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            picked.add(scheduler.pick(paths, 4096));
        }
        assertEquals(List.of(a, b, c, a, b, c), picked);
    }

    @Test
    void adaptiveSendsWhereLessIsQueued() {
        RsioPath busy = path(0);
        RsioPath idle = path(1);
        busy.stats().outstandingBytes.set(8 << 20);
        PathScheduler scheduler = new PathScheduler(PathScheduler.Policy.of("adaptive"));
        for (int i = 0; i < 4; i++) {
            assertSame(idle, scheduler.pick(paths, 256 * 1024), "turn " + i);
        }
        idle.stats().outstandingBytes.set(16 << 20);
        assertSame(busy, scheduler.pick(paths, 256 * 1024));
    }

    @Test
    void noReadyPathNoChoice() {
        assertNull(new PathScheduler(PathScheduler.Policy.of("adaptive")).pick(List.of(), 4096));
        assertNull(PathScheduler.leastLoadedOn(List.of(path(0)), 7), "no path to that server");
    }
}
