package io.rsio.config;

import java.nio.file.Path;

/**
 * Where a key stands in a config file, as {@code FILE:LINE}, for problems found after parsing:
 * when rssrv opens a volume's file, or when a finished config is checked as a whole. The
 * parsed records carry values only, so this reads the file again; when it cannot (text that
 * never came from a file), the answer is the file name alone.
 */
public final class ConfigLocations {
    private ConfigLocations() {
    }

    /**
     * The line of {@code key} in section {@code [kind name]} of {@code file} (the section's
     * header line when the key is not set there), as {@code FILE:LINE}.
     */
    public static String of(Path file, String kind, String name, String key) {
        return find(file, kind, name, e -> key.equals(e.key()));
    }

    /** The line of client {@code name} in {@code [clients]} (lines are "name key"), as {@code FILE:LINE}. */
    public static String ofClient(Path file, String name) {
        return find(file, "clients", "", e -> IniText.firstWord(e.text()).equals(name));
    }

    private static String find(Path file, String kind, String name, java.util.function.Predicate<IniText.Entry> entry) {
        try {
            for (IniText.Section s : IniText.parse(file, IniText.read(file))) {
                if (s.kind().equals(kind) && s.name().equals(name)) {
                    for (IniText.Entry e : s.entries()) {
                        if (entry.test(e)) {
                            return file + ":" + e.line();
                        }
                    }
                    return file + ":" + s.line();
                }
            }
        } catch (ConfigException | RuntimeException e) {
            // the file changed or is gone since it was loaded: name the file alone
        }
        return file.toString();
    }
}
