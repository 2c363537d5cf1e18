package io.rsio.client;

import io.rsio.config.ClientConfig;

/** What a path needs to log in to a namespace; the node key stays here and in no log line. */
record NamespaceLogin(String namespace, int namespaceId, String nodeName, String nodeKey,
                      ClientConfig.MultipathSettings settings) {
    @Override
    public String toString() {
        return "NamespaceLogin[" + namespace + " id " + namespaceId + " node " + nodeName + "]";
    }

    static NamespaceLogin of(ClientConfig.Namespace ns) {
        return new NamespaceLogin(ns.name(), ns.id(), ns.nodeName(), ns.nodeKey(), ns.multipath());
    }
}
