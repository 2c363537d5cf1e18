package io.rsio.client.multipath;

import java.util.UUID;

/**
 * This rsiod's instance: a random id picked at start and sent in AUTH_START (with
 * {@code FEATURE_CLIENT_INSTANCE}, docs/PROTOCOL.md §3.3). Every path of one rsiod carries the
 * same id, whatever address it comes from, so a server tells "another path of the same
 * client" from "another host with the same node name and key" (docs/security.md).
 */
final class ClientInstance {
    static final UUID ID = UUID.randomUUID();

    private ClientInstance() {}
}
