package io.rsio.client;

import io.rsio.config.ClientConfig;

/**
 * One planned path: a client interface (by its index in the config) to one server interface
 * (a {@code [server]} section, by its index across the file: the seed's "rep" number).
 */
public record PathSpec(String namespace, int interfaceIndex, ClientConfig.Interface clientInterface,
                       int repIndex, ClientConfig.Server server) {

    public String describe() {
        return clientInterface.name() + " " + clientInterface.address() + " -> rep " + String.format("%03d", repIndex)
                + " " + server.address() + "/" + server.port();
    }
}
