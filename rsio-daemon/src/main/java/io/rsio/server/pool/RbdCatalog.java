package io.rsio.server.pool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An RBD pool's catalog: the records of its volumes and the images (or snapshots,
 * {@code IMAGE@SNAP}) still to remove, kept together in one RADOS object that is only ever
 * replaced whole ({@code rados_write_full}), so every reader sees one version or the next
 * (docs/VOLUMES.md, "RBD pools"). The text is the file pools' record format, one
 * {@code [volume NAME]} section per volume, then a {@code [remove]} section.
 */
record RbdCatalog(List<VolumeRecord> records, List<String> removals) {
    static final RbdCatalog EMPTY = new RbdCatalog(List.of(), List.of());
    private static final String REMOVE = "[remove]";
    private static final String VOLUME = "[volume ";

    RbdCatalog {
        records = records.stream().sorted(Comparator.comparing(VolumeRecord::name)).toList();
        removals = List.copyOf(removals);
    }

    /** This catalog with {@code record} in place of the record of the same name (or added). */
    RbdCatalog with(VolumeRecord record) {
        List<VolumeRecord> next = new ArrayList<>(without(record.name()));
        next.add(record);
        return new RbdCatalog(next, removals);
    }

    /** This catalog without the volume {@code name}, whose {@code data} (images, snapshots) is to be removed. */
    RbdCatalog removing(String name, List<String> data) {
        List<String> more = new ArrayList<>(removals);
        more.addAll(data);
        return new RbdCatalog(without(name), more);
    }

    RbdCatalog withRemovals(List<String> left) {
        return new RbdCatalog(records, left);
    }

    private List<VolumeRecord> without(String name) {
        return records.stream().filter(r -> !r.name().equals(name)).toList();
    }

    byte[] bytes(String poolName) {
        StringBuilder text = new StringBuilder("# RSIO catalog of pool " + poolName
                + " (docs/VOLUMES.md), replaced whole by rssrv under the pool's RADOS lock; do not edit\n");
        for (VolumeRecord r : records) {
            text.append(VOLUME).append(r.name()).append("]\n").append(r.text());
        }
        text.append(REMOVE).append('\n');
        removals.forEach(x -> text.append("remove = ").append(x).append('\n'));
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    static RbdCatalog parse(String where, byte[] bytes) throws IOException {
        List<VolumeRecord> records = new ArrayList<>();
        List<String> removals = new ArrayList<>();
        StringBuilder section = null;
        boolean inRemovals = false;
        Path name = Path.of(where);
        for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n")) {
            if (line.startsWith(VOLUME) || line.equals(REMOVE)) {
                if (section != null) {
                    records.add(VolumeRecord.parse(name, section.toString()));
                }
                section = line.startsWith(VOLUME) ? new StringBuilder() : null;
                inRemovals = line.equals(REMOVE);
            } else if (section != null) {
                section.append(line).append('\n');
            } else if (inRemovals && line.startsWith("remove = ")) {
                removals.add(line.substring("remove = ".length()).strip());
            }
        }
        if (section != null) {
            records.add(VolumeRecord.parse(name, section.toString()));
        }
        return new RbdCatalog(records, removals);
    }
}
