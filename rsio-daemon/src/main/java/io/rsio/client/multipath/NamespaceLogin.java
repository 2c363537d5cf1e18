package io.rsio.client.multipath;

import io.netty.handler.ssl.SslContext;
import io.rsio.config.ClientConfig;
import io.rsio.tls.TlsContexts;
import java.io.IOException;

/**
 * What a path needs to log in to a namespace; the node key stays here and in no log line.
 * {@code tls} is the namespace's TLS context, or null when its paths run without TLS.
 */
public record NamespaceLogin(String namespace, int namespaceId, String nodeName, String nodeKey,
                      ClientConfig.MultipathSettings settings, SslContext tls) {
    NamespaceLogin(String namespace, int namespaceId, String nodeName, String nodeKey,
                   ClientConfig.MultipathSettings settings) {
        this(namespace, namespaceId, nodeName, nodeKey, settings, null);
    }

    @Override
    public String toString() {
        return "NamespaceLogin[" + namespace + " id " + namespaceId + " node " + nodeName
                + (tls != null ? " tls" : "") + "]";
    }

    /** @throws IOException when the namespace's TLS settings cannot be put to use */
    public static NamespaceLogin of(ClientConfig.Namespace ns) throws IOException {
        return new NamespaceLogin(ns.name(), ns.id(), ns.nodeName(), ns.nodeKey(), ns.multipath(),
                ns.tls().enabled() ? TlsContexts.client(ns.tls()) : null);
    }
}
