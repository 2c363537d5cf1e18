package io.rsio.client.multipath;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.config.ClientConfig;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PathPlannerTest {
    @Test
    void prefixComparisonCountsBitsNotBytes() throws Exception {
        InetAddress a = InetAddress.getByName("198.18.1.20");
        assertTrue(PathPlanner.samePrefix(a, InetAddress.getByName("198.18.1.9"), 24));
        assertFalse(PathPlanner.samePrefix(a, InetAddress.getByName("198.18.2.9"), 24));
        assertTrue(PathPlanner.samePrefix(a, InetAddress.getByName("198.19.200.1"), 15));
        assertFalse(PathPlanner.samePrefix(a, InetAddress.getByName("198.20.0.1"), 15));
        assertFalse(PathPlanner.samePrefix(a, InetAddress.getByName("::1"), 8));
    }

    @Test
    void loopbackServerIsReachedFromTheLoopbackInterfaceWithRepNumbersAcrossTheFile() throws Exception {
        ClientConfig config = ClientConfig.parse(Path.of("rscltcfg"), """
                [interface if0]
                address = 127.0.0.1
                [namespace a]
                namespaceid = 1
                nodename = n
                nodekey = 0xk
                [server s1]
                address = 127.0.0.1
                [namespace b]
                namespaceid = 2
                nodename = n
                nodekey = 0xk
                [server s2]
                address = 127.0.0.2
                """);
        List<PathSpec> plan = new PathPlanner(config.interfaces()).plan(config);
        assertEquals(2, plan.size());
        assertEquals("a", plan.get(0).namespace());
        assertEquals(0, plan.get(0).repIndex());
        assertEquals("b", plan.get(1).namespace());
        assertEquals(1, plan.get(1).repIndex());
        assertEquals("if0 127.0.0.1 -> rep 001 127.0.0.2/5000", plan.get(1).describe());
    }
}
