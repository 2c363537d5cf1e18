package io.rsio.nbd;

import io.rsio.block.BlockTarget;
import io.rsio.nbd.handshake.ExportCatalog;
import io.rsio.nbd.protocol.NbdStrings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The exports one {@link NbdServer} offers, by name, in the order they were added. Thread-safe:
 * rsiod adds and removes volumes while clients negotiate.
 *
 * <p>Default export rule: a client asking for the empty name {@code ""} (libnbd's default, and
 * qemu's when the URI has no path) gets the default export, which is the earliest-added export
 * still registered. Removing an export does not disconnect clients already using it.
 */
public final class NbdExports implements ExportCatalog {
    private final Map<String, BlockTarget> byName = new LinkedHashMap<>();

    /**
     * Registers {@code target} under {@link BlockTarget#name()}.
     *
     * @throws IllegalArgumentException if the name is empty, not a valid NBD string (NUL, more
     *     than 4096 UTF-8 bytes) or already registered
     */
    public synchronized void add(BlockTarget target) {
        String name = target.name();
        if (name == null || name.isEmpty() || !NbdStrings.valid(name)) {
            throw new IllegalArgumentException("not a usable NBD export name: " + name);
        }
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException("export " + name + " is already registered");
        }
        byName.put(name, target);
    }

    /** Unregisters an export; returns whether it was registered. */
    public synchronized boolean remove(String name) {
        return byName.remove(name) != null;
    }

    /** The export with this name; {@code ""} finds the default export. */
    @Override
    public synchronized Optional<BlockTarget> find(String name) {
        if (name.isEmpty()) {
            return defaultExport();
        }
        return Optional.ofNullable(byName.get(name));
    }

    /** The earliest-added export still registered. */
    public synchronized Optional<BlockTarget> defaultExport() {
        return byName.values().stream().findFirst();
    }

    /** Every export, in the order added (the first is the default). */
    @Override
    public synchronized List<BlockTarget> all() {
        return List.copyOf(new ArrayList<>(byName.values()));
    }
}
