package io.rsio.nbd.handshake;

import io.rsio.block.BlockTarget;
import java.util.List;
import java.util.Optional;

/**
 * The exports the handshake may offer, as it asks for them. The server's registry
 * ({@code io.rsio.nbd.NbdExports}) implements it; the handshake needs no more of the server.
 */
public interface ExportCatalog {
    /** The export with this name; {@code ""} finds the default export. */
    Optional<BlockTarget> find(String name);

    /** Every export, the default first. */
    List<BlockTarget> all();
}
