package io.rsio.wire.message;

import java.util.Objects;

/**
 * One volume in a MANAGE reply (docs/PROTOCOL.md §3.6): its pool ({@code ""} for a volume of
 * an rssrvcfg {@code [volume]} section), the size clients see ({@code provisioned}) and the
 * bytes its file holds on the server's disk ({@code allocated}, st_blocks × 512, as du shows).
 */
public record VolumeUsage(String name, String pool, long provisioned, long allocated, boolean readOnly,
                          boolean thick, String origin) {
    public VolumeUsage {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(origin, "origin");
    }

    /** True for a snapshot: a read-only volume made from {@link #origin()}. */
    public boolean snapshot() {
        return !origin.isEmpty();
    }
}
