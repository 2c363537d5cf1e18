package io.rsio.client.multipath;

import io.rsio.config.ClientConfig;

/**
 * One planned path: a client interface (by its index in the config) to one server interface
 * (a {@code [server]} section, by its index across the file: the seed's "rep" number).
 */
public record PathSpec(String namespace, int interfaceIndex, ClientConfig.Interface clientInterface,
                       int repIndex, ClientConfig.Server server) {

    /** The same connection: from the same client interface to the same server interface (numbers may differ). */
    public boolean sameEnds(PathSpec other) {
        return clientInterface.equals(other.clientInterface) && server.equals(other.server);
    }

    /** The paths of {@code plan} that belong to {@code namespace}, in plan order. */
    public static java.util.List<PathSpec> of(java.util.List<PathSpec> plan, String namespace) {
        return plan.stream().filter(p -> p.namespace.equals(namespace)).toList();
    }

    public String describe() {
        return clientInterface.name() + " " + clientInterface.address() + " -> rep " + String.format("%03d", repIndex)
                + " " + server.address() + "/" + server.port();
    }
}
