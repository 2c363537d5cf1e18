package io.rsio.server.pool;

import io.rsio.wire.message.VolumeLimit;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * What a pool keeps of one volume made at run time: its metadata file {@code NAME.vol} next
 * to the data file {@code NAME.img} (docs/VOLUMES.md). The volume exists exactly when its
 * metadata file does; the file is replaced whole (write, fsync, rename) so a crash leaves
 * either the old or the new text, never a mix.
 *
 * @param origin the volume a snapshot was made from; empty for an ordinary volume
 * @param createdBy the client that asked for it, for people reading the file
 * @param limits its bandwidth and IOPS limits ({@code limit = BYTES/S IOPS} for the volume,
 *     {@code limit.CLIENT = …} per client), none when unlimited
 * @param copyingBy the server whose background copy is filling the data file: until it clears
 *     this ({@code copying = SERVER}) the volume is reserved but not served; empty when whole
 */
record VolumeRecord(String name, UUID id, long size, int blockSize, boolean thick, boolean readOnly, String origin,
                    String createdBy, List<VolumeLimit> limits, String copyingBy) {
    static final String SUFFIX = ".vol";
    static final String DATA_SUFFIX = ".img";
    private static final String LIMIT = "limit";

    VolumeRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(createdBy, "createdBy");
        Objects.requireNonNull(copyingBy, "copyingBy");
        limits = List.copyOf(limits);
    }

    VolumeRecord(String name, UUID id, long size, int blockSize, boolean thick, boolean readOnly, String origin,
                 String createdBy) {
        this(name, id, size, blockSize, thick, readOnly, origin, createdBy, List.of(), "");
    }

    VolumeRecord withSize(long newSize) {
        return new VolumeRecord(name, id, newSize, blockSize, thick, readOnly, origin, createdBy, limits, copyingBy);
    }

    /** True while a background copy fills its data: reserved, not served. */
    boolean copying() {
        return !copyingBy.isEmpty();
    }

    /** The record reserving the name while {@code server} copies the data in. */
    VolumeRecord copyingBy(String server) {
        return new VolumeRecord(name, id, size, blockSize, thick, readOnly, origin, createdBy, limits, server);
    }

    /** The record with {@code limit} in place of the same client's (or the volume's) limit; unlimited removes it. */
    VolumeRecord withLimit(VolumeLimit limit) {
        List<VolumeLimit> next = new ArrayList<>(limits.stream().filter(l -> !l.client().equals(limit.client())).toList());
        if (!limit.unlimited()) {
            next.add(limit);
        }
        next.sort(java.util.Comparator.comparing(VolumeLimit::client));
        return new VolumeRecord(name, id, size, blockSize, thick, readOnly, origin, createdBy, next, copyingBy);
    }

    String text() {
        return "# RSIO pool volume, written by rssrv (docs/VOLUMES.md); do not edit while rssrv runs\n"
                + "name = " + name + "\n"
                + "id = " + id + "\n"
                + "size = " + size + "\n"
                + "blocksize = " + blockSize + "\n"
                + "thick = " + (thick ? "yes" : "no") + "\n"
                + "readonly = " + (readOnly ? "yes" : "no") + "\n"
                + "origin = " + origin + "\n"
                + "created_by = " + createdBy + "\n"
                + (copyingBy.isEmpty() ? "" : "copying = " + copyingBy + "\n")
                + String.join("", limits.stream().map(l -> LIMIT + (l.client().isEmpty() ? "" : "." + l.client())
                        + " = " + l.bytesPerSecond() + " " + l.iops() + "\n").toList());
    }

    static VolumeRecord parse(Path file, String text) throws IOException {
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            if (eq < 0) {
                throw new IOException(file + ": line without \"=\": " + l);
            }
            values.put(l.substring(0, eq).strip(), l.substring(eq + 1).strip());
        }
        try {
            return new VolumeRecord(need(file, values, "name"), UUID.fromString(need(file, values, "id")),
                    Long.parseLong(need(file, values, "size")), Integer.parseInt(need(file, values, "blocksize")),
                    "yes".equals(need(file, values, "thick")), "yes".equals(need(file, values, "readonly")),
                    values.getOrDefault("origin", ""), values.getOrDefault("created_by", ""), limits(values),
                    values.getOrDefault("copying", ""));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
    }

    /** {@code limit = BYTES/S IOPS} and {@code limit.CLIENT = BYTES/S IOPS} lines (0: unlimited). */
    private static List<VolumeLimit> limits(Map<String, String> values) {
        List<VolumeLimit> limits = new ArrayList<>();
        values.forEach((key, value) -> {
            if (key.equals(LIMIT) || key.startsWith(LIMIT + ".")) {
                String[] numbers = value.split("\\s+");
                if (numbers.length != 2) {
                    throw new IllegalArgumentException(key + " must be BYTES_PER_SECOND IOPS, found \"" + value + "\"");
                }
                limits.add(new VolumeLimit(key.equals(LIMIT) ? "" : key.substring(LIMIT.length() + 1),
                        Long.parseLong(numbers[0]), Long.parseLong(numbers[1])));
            }
        });
        return limits;
    }

    private static String need(Path file, Map<String, String> values, String key) throws IOException {
        String v = values.get(key);
        if (v == null) {
            throw new IOException(file + ": no \"" + key + "\"");
        }
        return v;
    }
}
