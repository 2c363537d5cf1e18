package io.rsio.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** What a test measured: printed with a tag and appended to a report file under target/. */
final class ReportFile {
    private ReportFile() {}

    static synchronized void line(String file, String tag, String format, Object... args) throws IOException {
        String text = String.format(format, args);
        System.out.println("[" + tag + "] " + text);
        Files.writeString(Path.of("target", file), text + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
