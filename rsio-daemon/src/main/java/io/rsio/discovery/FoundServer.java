package io.rsio.discovery;

import io.rsio.wire.discovery.DiscoveryMessage;
import java.util.List;
import java.util.Objects;

/**
 * A server that answered a DISCOVER.
 *
 * @param namespaceName its [namespace] name
 * @param namespaceId   its namespaceid
 * @param serverName    its [server] name
 * @param serverId      its serverid
 * @param interfaces    every interface it listens on, as it announced them
 * @param answeredFrom  the address the answer came from
 * @param rttMillis     time from sending the DISCOVER to this answer (includes the server's jitter)
 */
public record FoundServer(String namespaceName, int namespaceId, String serverName, int serverId,
                          List<DiscoveryMessage.ServerInterface> interfaces, String answeredFrom, long rttMillis) {
    public FoundServer {
        Objects.requireNonNull(namespaceName, "namespaceName");
        Objects.requireNonNull(serverName, "serverName");
        interfaces = List.copyOf(interfaces);
        Objects.requireNonNull(answeredFrom, "answeredFrom");
    }

    /** "osl (id 200)". */
    public String namespaceLabel() {
        return namespaceName + " (id " + namespaceId + ")";
    }
}
