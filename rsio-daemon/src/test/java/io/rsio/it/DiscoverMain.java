package io.rsio.it;

import io.rsio.discovery.DiscoveryClient;
import io.rsio.discovery.FoundServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;

/**
 * crsio's "Find NEW Namespace" as a process of its own, so a test can run it inside a network
 * namespace: {@code DiscoverMain CLIENT_ADDRESS PORT} prints each destination asked
 * ({@code asked ADDRESS}), then each server that answered
 * ({@code found NAMESPACE ID SERVER SERVER_ID from ADDRESS}), then each problem.
 */
public final class DiscoverMain {
    private DiscoverMain() {}

    public static void main(String[] args) throws Exception {
        DiscoveryClient.Targets targets = new DiscoveryClient.Targets(List.of(args[0]), List.of(),
                Integer.parseInt(args[1]));
        for (InetSocketAddress destination : targets.destinations()) {
            System.out.println("asked " + destination.getAddress().getHostAddress());
        }
        DiscoveryClient.Result result = new DiscoveryClient(Duration.ofMillis(1500)).discover(targets,
                OptionalInt.empty());
        for (FoundServer s : result.servers()) {
            System.out.println("found " + s.namespaceName() + " " + s.namespaceId() + " " + s.serverName() + " "
                    + s.serverId() + " from " + s.answeredFrom());
        }
        result.problems().forEach(p -> System.out.println("problem " + p));
    }
}
