package io.rsio.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rsio.nativeio.Posix;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Discovery as on a real LAN: three test hosts in network namespaces on one Ethernet segment
 * (a bridge in the client host, a veth pair to each server host, 198.18.200.0/24 with broadcast
 * addresses), a real rssrv of namespace osl on one server host and of namespace abc on the other,
 * and the discovery client in the client host asking the broadcast address of its interface
 * (198.18.200.255, not 127.255.255.255): both answer. Every namespace made is removed, even on
 * failure.
 */
@Timeout(90)
class BroadcastDiscoveryTest {
    static final Duration LIMIT = Duration.ofSeconds(30);
    @TempDir
    Path dir;

    @Test
    void twoServersInTwoNamespacesAnswerTheBroadcastOfTheClientInterface() throws Exception {
        assumeTrue(Posix.geteuid() == 0, "network namespaces need root");
        assumeTrue(ip("netns", "list").exitCode() == 0, "ip netns is not available");
        String prefix = "rsbd" + ProcessHandle.current().pid() % 100000;
        String client = prefix + "-c";
        List<String> made = new ArrayList<>();
        List<Process> servers = new ArrayList<>();
        try {
            netns(client, made);
            must("-n", client, "link", "add", "br0", "type", "bridge");
            must("-n", client, "addr", "add", "198.18.200.20/24", "brd", "+", "dev", "br0");
            must("-n", client, "link", "set", "br0", "up");
            String[][] hosts = {{"osl", "200", "big-9", "198.18.200.10"}, {"abc", "300", "venus", "198.18.200.11"}};
            for (int i = 0; i < hosts.length; i++) {
                String ns = prefix + "-s" + i;
                netns(ns, made);
                must("link", "add", prefix + "c" + i, "netns", client, "type", "veth", "peer", "name", prefix + "s" + i,
                        "netns", ns);
                must("-n", client, "link", "set", prefix + "c" + i, "master", "br0", "up");
                must("-n", ns, "addr", "add", hosts[i][3] + "/24", "brd", "+", "dev", prefix + "s" + i);
                must("-n", ns, "link", "set", prefix + "s" + i, "up");
                servers.add(startServer(ns, hosts[i]));
            }

            ProcessResult found = Commands.run(LIMIT, Map.of(), inNetns(client,
                    Commands.java("io.rsio.it.DiscoverMain", "198.18.200.20", "5000")));
            assertEquals(0, found.exitCode(), found::toString);
            assertEquals("""
                    asked 198.18.200.255
                    found abc 300 venus 1 from 198.18.200.11
                    found osl 200 big-9 1 from 198.18.200.10
                    """, found.stdout(), found::toString);
        } finally {
            for (Process p : servers) {
                p.destroy();
                if (!p.waitFor(10, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            for (String ns : made.reversed()) {
                ProcessResult r = ip("netns", "del", ns);
                if (r.exitCode() != 0) {
                    System.err.println("could not remove netns " + ns + ": " + r);
                }
            }
        }
    }

    private Process startServer(String netns, String[] host) throws Exception {
        Path config = dir.resolve("rssrvcfg-" + host[0]);
        Files.writeString(config, """
                [namespace %s]
                namespaceid = %s
                port        = 5000

                [server %s]
                serverid = 1

                [interface if1]
                address = %s

                [clients]
                big-2 0x%s

                [volume vol]
                path = %s
                size = 1M
                """.formatted(host[0], host[1], host[2], host[3], host[1], dir.resolve(host[0] + ".img")));
        Path run = dir.resolve("run-" + host[0]);
        ProcessBuilder builder = new ProcessBuilder(inNetns(netns, Commands.java("io.rsio.server.RssrvMain", "-c",
                config.toString(), "-f"))).redirectErrorStream(true)
                .redirectOutput(dir.resolve("rssrv-" + host[0] + ".out").toFile());
        builder.environment().putAll(Map.of("RSIO_RUN_DIR", run.toString(), "RSIO_LOG_DIR",
                dir.resolve("log-" + host[0]).toString()));
        Process p = builder.start();
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!Files.exists(run.resolve("rssrv.pid"))) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                throw new AssertionError("rssrv " + host[0] + " did not start:\n"
                        + Files.readString(dir.resolve("rssrv-" + host[0] + ".out")));
            }
            Thread.sleep(50);
        }
        return p;
    }

    private static List<String> inNetns(String netns, List<String> command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        c.addAll(command);
        return c;
    }

    private static void netns(String name, List<String> made) throws Exception {
        ip("netns", "del", name); // a leftover of an earlier, killed run
        must("netns", "add", name);
        made.add(name);
        must("-n", name, "link", "set", "lo", "up");
    }

    private static void must(String... args) throws Exception {
        ProcessResult r = ip(args);
        assertEquals(0, r.exitCode(), () -> "ip " + String.join(" ", args) + "\n" + r);
    }

    private static ProcessResult ip(String... args) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of("ip"));
        c.addAll(List.of(args));
        try {
            return Commands.run(Duration.ofSeconds(20), Map.of(), c);
        } catch (IOException e) {
            return new ProcessResult(127, "", e.getMessage()); // no ip command at all
        }
    }
}
