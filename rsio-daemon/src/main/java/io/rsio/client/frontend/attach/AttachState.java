package io.rsio.client.frontend.attach;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The device links rsiod has made, in {@code $RSIO_RUN_DIR/attached} (one line per device:
 * namespace, volume, b: link, c: link, loop device, tab-separated), so that after a crash the
 * next rsiod removes exactly the links the previous one made and nothing else.
 */
final class AttachState {
    record Entry(String namespace, String volume, Path blockLink, Path charLink, Path loopDevice) {}

    private final Path file;

    AttachState(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    List<Entry> read() {
        List<Entry> entries = new ArrayList<>();
        if (!Files.exists(file)) {
            return entries;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] f = line.split("\t");
                if (f.length == 5) {
                    entries.add(new Entry(f[0], f[1], Path.of(f[2]), Path.of(f[3]), Path.of(f[4])));
                }
            }
        } catch (IOException e) {
            // unreadable: nothing reliable to clean up
        }
        return entries;
    }

    void write(Collection<Attachment> attachments) throws IOException {
        if (attachments.isEmpty()) {
            Files.deleteIfExists(file);
            return;
        }
        StringBuilder text = new StringBuilder();
        for (Attachment a : attachments) {
            text.append(a.namespace).append('\t').append(a.volume.name()).append('\t').append(a.blockLink)
                    .append('\t').append(a.charLink).append('\t').append(a.loop.path()).append('\n');
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
