package io.rsio.discovery;

import io.rsio.wire.discovery.DiscoveryCodec;
import io.rsio.wire.discovery.DiscoveryFormatException;
import io.rsio.wire.discovery.DiscoveryMessage;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The client side of discovery (docs/PROTOCOL.md §6), as crsio's "Find NEW Namespace" and
 * "Find NEW Namespace Servers" use it: send one DISCOVER to the broadcast address of each client
 * interface and to any unicast addresses given (for routed networks), then collect ANNOUNCEs for
 * a bounded time. Blocking; run it off the GUI thread. Answers with another nonce, malformed
 * answers and duplicates are dropped; at most {@link #MAX_ANSWERS} are read.
 */
public final class DiscoveryClient {
    static final int MAX_ANSWERS = 1024;
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Where to ask.
     *
     * @param clientAddresses the addresses of the client interfaces: each interface's broadcast
     *                        address is asked (a loopback address is asked directly when it has none)
     * @param unicast         further addresses to ask directly
     * @param port            the UDP port (the RSIO port, default 5000)
     */
    public record Targets(List<String> clientAddresses, List<String> unicast, int port) {
        public Targets {
            clientAddresses = List.copyOf(clientAddresses);
            unicast = List.copyOf(unicast);
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " outside 1..65535");
            }
        }

        /** The datagram destinations: broadcast addresses of the interfaces, then the unicast ones. */
        public List<InetSocketAddress> destinations() {
            Set<String> hosts = new LinkedHashSet<>();
            for (String address : clientAddresses) {
                LocalInterfaces.byAddress(address).ifPresentOrElse(
                        itf -> hosts.add(itf.broadcast().orElse(itf.address())),
                        () -> hosts.add(address)); // not (or no longer) on this host: ask it directly
            }
            hosts.addAll(unicast);
            List<InetSocketAddress> out = new ArrayList<>();
            for (String host : hosts) {
                out.add(new InetSocketAddress(InetAddress.ofLiteral(stripZone(host)), port));
            }
            return out;
        }
    }

    /**
     * The outcome: every server that answered, sorted by namespace and server, and the
     * destinations that could not be asked (with the reason).
     */
    public record Result(List<FoundServer> servers, List<String> problems) {
        public Result {
            servers = List.copyOf(servers);
            problems = List.copyOf(problems);
        }

        /** One entry per namespace (the first server found of each), for "Find NEW Namespace". */
        public List<FoundServer> namespaces() {
            Map<Integer, FoundServer> first = new LinkedHashMap<>();
            servers.forEach(s -> first.putIfAbsent(s.namespaceId(), s));
            return List.copyOf(first.values());
        }
    }

    private final Duration wait;

    /** @param wait how long to collect answers after sending (servers jitter answers by up to 20 ms) */
    public DiscoveryClient(Duration wait) {
        this.wait = Objects.requireNonNull(wait, "wait");
    }

    /**
     * Asks every destination once and collects answers for the configured wait.
     *
     * @param namespaceId when present, only servers of this namespace are asked to answer
     */
    public Result discover(Targets targets, OptionalInt namespaceId) throws IOException {
        long nonce = RANDOM.nextLong();
        byte[] request = DiscoveryCodec.encodeDiscover(DiscoveryMessage.Discover.of(nonce, namespaceId));
        List<String> problems = new ArrayList<>();
        Map<String, FoundServer> found = new LinkedHashMap<>();
        try (DatagramSocket socket = new DatagramSocket(null)) {
            socket.setBroadcast(true);
            socket.bind(null);
            long start = System.nanoTime();
            int sent = 0;
            for (InetSocketAddress destination : targets.destinations()) {
                try {
                    socket.send(new DatagramPacket(request, request.length, destination));
                    sent++;
                } catch (IOException e) {
                    problems.add("cannot send to " + destination.getAddress().getHostAddress() + ": " + e.getMessage());
                }
            }
            if (sent == 0) {
                return new Result(List.of(), problems);
            }
            long deadline = start + wait.toNanos();
            byte[] buffer = new byte[DiscoveryCodec.MAX_DATAGRAM_SIZE + 1];
            for (int answers = 0; answers < MAX_ANSWERS; answers++) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(packet);
                } catch (SocketTimeoutException e) {
                    break;
                } catch (IOException e) {
                    // ICMP port unreachable from a host without rssrv surfaces here on Linux: keep listening.
                    continue;
                }
                long rttMillis = (System.nanoTime() - start) / 1_000_000;
                try {
                    if (DiscoveryCodec.decode(packet.getData(), packet.getLength())
                            instanceof DiscoveryMessage.Announce a && a.nonce() == nonce
                            && (namespaceId.isEmpty() || a.namespaceId() == namespaceId.getAsInt())) {
                        found.putIfAbsent(a.namespaceId() + "/" + a.serverId(), new FoundServer(a.namespaceName(),
                                a.namespaceId(), a.serverName(), a.serverId(), a.interfaces(),
                                packet.getAddress().getHostAddress(), rttMillis));
                    }
                } catch (DiscoveryFormatException e) {
                    // not an answer of ours: ignore it
                }
            }
        }
        List<FoundServer> servers = new ArrayList<>(found.values());
        servers.sort(Comparator.comparing(FoundServer::namespaceName).thenComparingInt(FoundServer::namespaceId)
                .thenComparingInt(FoundServer::serverId));
        return new Result(servers, problems);
    }

    private static String stripZone(String host) {
        int percent = host.indexOf('%');
        return percent >= 0 && host.contains(":") ? host.substring(0, percent) : host;
    }
}
