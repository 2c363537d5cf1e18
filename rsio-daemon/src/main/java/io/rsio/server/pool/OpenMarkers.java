package io.rsio.server.pool;

import io.rsio.block.Errno;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Which volumes of a shared pool clients have open on which server (docs/VOLUMES.md, "Several
 * servers on one pool directory"): each server keeps a file {@code .rsio-open.SERVER} in the
 * pool directory, one line {@code VOLUME CLIENT,CLIENT…} per volume open on it, replaced whole
 * (written aside, renamed) when that changes; a delete or shrink on any server reads the others'
 * under the pool's exclusive lock. A server empties its own file when it starts and removes it
 * when it stops, so a crashed server's opens count until it is back. Management thread only.
 */
final class OpenMarkers {
    private static final Logger LOG = LogManager.getLogger(OpenMarkers.class);
    static final String PREFIX = ".rsio-open.";

    private final String server;
    /** What this server last wrote, per pool. */
    private final Map<PoolDirectory, Map<String, List<String>>> written = new HashMap<>();

    OpenMarkers(String server) {
        this.server = server;
    }

    /** Empties this server's marker in {@code pool}: what a crash of this server left counts no more. */
    void start(PoolDirectory pool) throws IOException {
        write(pool, Map.of());
    }

    /** Writes this server's marker in {@code pool} if what is open there changed ({@code open}: volume → clients). */
    void update(PoolDirectory pool, Map<String, List<String>> open) {
        if (open.equals(written.get(pool))) {
            return;
        }
        try {
            write(pool, open);
        } catch (IOException e) {
            LOG.warn("pool {}: open marker not written: {}", pool.pool().name(), e.getMessage());
        }
    }

    /** At stop: this server has nothing open any more. */
    void remove(PoolDirectory pool) {
        try {
            Files.deleteIfExists(file(pool, server));
        } catch (IOException e) {
            LOG.warn("pool {}: open marker not removed: {}", pool.pool().name(), e.getMessage());
        }
    }

    /** Refuses when clients have {@code volume} open on another server of the pool. Call with the pool locked. */
    void refuseIfOpenElsewhere(PoolDirectory pool, String volume, String what) throws IOException, ManagementRefusal {
        Map<String, List<String>> elsewhere = elsewhere(pool, volume);
        if (!elsewhere.isEmpty()) {
            List<String> where = new ArrayList<>();
            elsewhere.forEach((other, clients) -> where.add("client(s) " + String.join(", ", clients) + " on server "
                    + other));
            throw new ManagementRefusal(Errno.EBUSY, "volume " + volume + " not " + what + ": " + String.join("; ",
                    where) + " have it open (pool " + pool.pool().name() + " is shared)");
        }
    }

    private void write(PoolDirectory pool, Map<String, List<String>> open) throws IOException {
        StringBuilder text = new StringBuilder("# volumes open on server " + server + " (rssrv, docs/VOLUMES.md)\n");
        new TreeMap<>(open).forEach((volume, clients) -> text.append(volume).append(' ')
                .append(String.join(",", clients)).append('\n'));
        Path temporary = pool.pool().directory().resolve(PREFIX + server + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, file(pool, server), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        written.put(pool, Map.copyOf(open));
    }

    private static Path file(PoolDirectory pool, String server) {
        return pool.pool().directory().resolve(PREFIX + server);
    }

    /** Per other server, the clients that have {@code volume} open there (servers without any left out). */
    private Map<String, List<String>> elsewhere(PoolDirectory pool, String volume) throws IOException {
        Map<String, List<String>> found = new LinkedHashMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(pool.pool().directory(), PREFIX + "*")) {
            for (Path file : files) {
                String other = file.getFileName().toString().substring(PREFIX.length());
                if (other.equals(server) || other.endsWith(".tmp")) {
                    continue;
                }
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String[] parts = line.strip().split(" ", 2);
                    if (parts.length == 2 && !line.startsWith("#") && parts[0].equals(volume)) {
                        found.put(other, List.of(parts[1].split(",")));
                    }
                }
            }
        }
        return found;
    }
}
