package io.rsio.wire.discovery;

import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The two datagrams of RSIO discovery (docs/PROTOCOL.md §6): a client's DISCOVER, sent to the
 * broadcast address of each of its interfaces or to unicast addresses, and a server's ANNOUNCE
 * answering it. An ANNOUNCE carries only what crsio's "Find NEW Namespace" needs: names, ids and
 * the addresses of the server's interfaces. Never volumes, clients or keys: those are for logged-in
 * clients only.
 */
public sealed interface DiscoveryMessage {

    /** The nonce that pairs an ANNOUNCE with the DISCOVER it answers. */
    long nonce();

    /**
     * A request for ANNOUNCEs.
     *
     * @param nonce       random, echoed in every answer so stray or spoofed answers are dropped
     * @param namespaceId when present, only servers of this namespace answer
     * @param size        the datagram's size in bytes, padding included; a server never answers with
     *                    more bytes than this ({@link DiscoveryCodec#MIN_REQUEST_SIZE} to
     *                    {@link DiscoveryCodec#MAX_DATAGRAM_SIZE})
     */
    record Discover(long nonce, OptionalInt namespaceId, int size) implements DiscoveryMessage {
        public Discover {
            Objects.requireNonNull(namespaceId, "namespaceId");
            if (size < DiscoveryCodec.MIN_REQUEST_SIZE || size > DiscoveryCodec.MAX_DATAGRAM_SIZE) {
                throw new IllegalArgumentException("DISCOVER size " + size + " outside "
                        + DiscoveryCodec.MIN_REQUEST_SIZE + ".." + DiscoveryCodec.MAX_DATAGRAM_SIZE);
            }
            namespaceId.ifPresent(id -> {
                if (id < 0) {
                    throw new IllegalArgumentException("namespace id " + id + " is negative");
                }
            });
        }

        /** A DISCOVER of the minimum size, which every ANNOUNCE a valid server config yields fits into. */
        public static Discover of(long nonce, OptionalInt namespaceId) {
            return new Discover(nonce, namespaceId, DiscoveryCodec.MIN_REQUEST_SIZE);
        }
    }

    /**
     * A server's answer: who it is and where its interfaces are.
     *
     * @param nonce         the DISCOVER's nonce
     * @param namespaceName the server's [namespace] name
     * @param namespaceId   its namespaceid
     * @param serverName    the server's [server] name
     * @param serverId      its serverid
     * @param interfaces    every [interface] of the server, in config order (1 to 8)
     */
    record Announce(long nonce, String namespaceName, int namespaceId, String serverName, int serverId,
                    List<ServerInterface> interfaces) implements DiscoveryMessage {
        public Announce {
            Objects.requireNonNull(namespaceName, "namespaceName");
            Objects.requireNonNull(serverName, "serverName");
            interfaces = List.copyOf(interfaces);
            if (interfaces.isEmpty() || interfaces.size() > DiscoveryCodec.MAX_INTERFACES) {
                throw new IllegalArgumentException("an ANNOUNCE lists 1 to " + DiscoveryCodec.MAX_INTERFACES
                        + " interfaces, not " + interfaces.size());
            }
            if (namespaceId < 0 || serverId < 0) {
                throw new IllegalArgumentException("ids are non-negative");
            }
        }
    }

    /**
     * One server interface as announced.
     *
     * @param address   IP literal (IPv4 dotted decimal or IPv6 text), never a host name
     * @param port      RSIO port on that address
     * @param protocol  transport, e.g. {@code tcp}
     * @param mtu       MTU in bytes, 0 when unknown
     * @param speedMbps link speed in Mbit/s, 0 when unknown
     */
    record ServerInterface(String address, int port, String protocol, int mtu, int speedMbps) {
        public ServerInterface {
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(protocol, "protocol");
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("port " + port + " outside 1..65535");
            }
            if (mtu < 0 || speedMbps < 0) {
                throw new IllegalArgumentException("mtu and speed are non-negative (0 = unknown)");
            }
        }
    }
}
