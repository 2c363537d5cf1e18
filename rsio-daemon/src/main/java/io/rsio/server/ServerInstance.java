package io.rsio.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * What a client needs to tell "the server reconnected" from "the server may have lost writes
 * it acknowledged but did not flush": the host's boot id (docs/PROTOCOL.md §3.3). Writes rssrv
 * acknowledged live in the host's page cache, which survives a restart of rssrv but not of the
 * host, and the kernel gives every boot a new random boot id.
 */
final class ServerInstance {
    private static final Logger LOG = LogManager.getLogger(ServerInstance.class);
    static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");
    /**
     * Tests stand in for a rebooted host with another file; nothing else should set it.
     */
    static final String BOOT_ID_PROPERTY = "rsio.server.bootIdFile";

    private static final UUID ID = read(Path.of(System.getProperty(BOOT_ID_PROPERTY, BOOT_ID.toString())));

    private ServerInstance() {}

    /** This server's instance for the AUTH_PROOF reply. */
    static UUID id() {
        return ID;
    }

    static UUID read(Path file) {
        try {
            return UUID.fromString(Files.readString(file).trim());
        } catch (IOException | IllegalArgumentException e) {
            // Without a boot id every start of rssrv must count as a possible loss: clients
            // then fail a FLUSH that covered writes of the previous process rather than lie.
            UUID random = UUID.randomUUID();
            LOG.warn("cannot read the host's boot id from {} ({}); using {} for this process only, so clients treat "
                    + "every restart of rssrv as a possible loss of unflushed writes", file, e.getMessage(), random);
            return random;
        }
    }
}
