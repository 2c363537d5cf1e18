package io.rsio.crsio;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The last lines of a log file, read from its end (never the whole file: logs reach 20 MB), and
 * only when it changed since the last read. Copes with rotation (the file shrinks or is replaced).
 */
public final class LogTail {
    static final int MAX_BYTES = 256 * 1024;

    private final Path file;
    private final int lines;
    private long lastSize = -1;
    private long lastModified = -1;

    public LogTail(Path file, int lines) {
        this.file = file;
        this.lines = lines;
    }

    public Path file() {
        return file;
    }

    /** Makes the next {@link #read} return the lines even when the file did not change. */
    public synchronized void forget() {
        lastSize = -1;
    }

    /** The last lines, or null when the file is as it was at the last call. */
    public synchronized List<String> read() throws IOException {
        if (!Files.exists(file)) {
            lastSize = 0;
            return List.of("(no log yet: " + file + ")");
        }
        long size = Files.size(file);
        long modified = Files.getLastModifiedTime(file).toMillis();
        if (size == lastSize && modified == lastModified) {
            return null;
        }
        lastSize = size;
        lastModified = modified;
        long from = Math.max(0, size - MAX_BYTES);
        byte[] bytes;
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            f.seek(from);
            bytes = new byte[(int) Math.min(MAX_BYTES, Math.max(0, f.length() - from))];
            f.readFully(bytes);
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        List<String> all = new ArrayList<>(List.of(text.split("\n")));
        if (from > 0 && !all.isEmpty()) {
            all.removeFirst(); // a partial first line
        }
        return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
