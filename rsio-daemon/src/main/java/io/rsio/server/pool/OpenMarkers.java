package io.rsio.server.pool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which volumes of a shared pool clients have open on which server (docs/VOLUMES.md, "Several
 * servers on one pool directory"): each server keeps a file {@code .rsio-open.SERVER} in the
 * pool directory, one line {@code VOLUME CLIENT,CLIENT…} per volume open on it, replaced whole
 * (written aside, renamed) when that changes; a delete or shrink on any server reads the others'
 * under the pool's exclusive lock. A server empties its own file when it starts and removes it
 * when it stops, so a crashed server's opens count until it is back.
 */
final class OpenMarkers {
    static final String PREFIX = ".rsio-open.";

    private OpenMarkers() {}

    /** Replaces this server's file in {@code pool}: {@code open} maps volume names to the clients that have them open. */
    static void write(PoolDirectory pool, String server, Map<String, List<String>> open) throws IOException {
        Path directory = pool.pool().directory();
        StringBuilder text = new StringBuilder("# volumes open on server " + server + " (rssrv, docs/VOLUMES.md)\n");
        new TreeMap<>(open).forEach((volume, clients) -> text.append(volume).append(' ')
                .append(String.join(",", clients)).append('\n'));
        Path temporary = directory.resolve(PREFIX + server + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, directory.resolve(PREFIX + server), StandardCopyOption.ATOMIC_MOVE,
                StandardCopyOption.REPLACE_EXISTING);
    }

    static void remove(PoolDirectory pool, String server) throws IOException {
        Files.deleteIfExists(pool.pool().directory().resolve(PREFIX + server));
    }

    /** Per other server, the clients that have {@code volume} open there (servers without any left out). */
    static Map<String, List<String>> elsewhere(PoolDirectory pool, String server, String volume) throws IOException {
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
                        found.put(other, new ArrayList<>(List.of(parts[1].split(","))));
                    }
                }
            }
        }
        return found;
    }
}
