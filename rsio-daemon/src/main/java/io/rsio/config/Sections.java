package io.rsio.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Rules about section headers shared by both config files: names, duplicates, kinds. */
final class Sections {

    private Sections() {
    }

    /** A section kind that needs a name, such as {@code [interface if0]}. */
    static String requireName(Path file, IniText.Section s, String example) throws ConfigException {
        if (s.name().isEmpty()) {
            throw new ConfigException(file, s.line(), "[" + s.kind() + "] needs a name, e.g. \"" + example + "\"");
        }
        if (!ConfigValues.isName(s.name())) {
            throw new ConfigException(file, s.line(), s.kind() + " name " + ConfigValues.namePhrase(s.name()));
        }
        return s.name();
    }

    /** A section kind that has no name, such as {@code [clients]}. */
    static void requireNoName(Path file, IniText.Section s) throws ConfigException {
        if (!s.name().isEmpty()) {
            throw new ConfigException(file, s.line(), "[" + s.kind() + "] takes no name, found "
                    + ConfigValues.quote(s.label()));
        }
    }

    /**
     * Rules for a client key or node key. The messages name the key's owner, never the key.
     *
     * @param what   the owner, e.g. {@code key of client "big-2"} or {@code nodekey}
     * @param format why it must be one word
     */
    static void checkKey(Path file, int line, String key, String what, String format) throws ConfigException {
        if (key.isEmpty()) {
            throw new ConfigException(file, line, what + " must not be empty");
        }
        if (key.chars().anyMatch(Character::isWhitespace)) {
            throw new ConfigException(file, line, what + " must be one word (" + format + ")");
        }
        if (key.getBytes(StandardCharsets.UTF_8).length > ConfigValues.MAX_KEY_BYTES) {
            throw new ConfigException(file, line, what + " is longer than " + ConfigValues.MAX_KEY_BYTES + " bytes");
        }
    }

    static ConfigException unknownKind(Path file, IniText.Section s, String fileKind, List<String> kinds) {
        return new ConfigException(file, s.line(), "unknown section " + ConfigValues.quote(s.label())
                + " (expected in " + fileKind + ": " + String.join(", ", kinds) + ")");
    }

    /** Remembers where each name was first seen, to report duplicates with both lines. */
    static final class Names {
        private final Path file;
        private final String what;
        private final Map<String, Integer> first = new HashMap<>();

        /** @param what how a duplicate is described, e.g. "[interface]" or "client" */
        Names(Path file, String what) {
            this.file = file;
            this.what = what;
        }

        void add(String name, int line) throws ConfigException {
            Integer earlier = first.putIfAbsent(name, line);
            if (earlier != null) {
                throw new ConfigException(file, line, "duplicate " + what + " " + ConfigValues.quote(name)
                        + " (first on line " + earlier + ")");
            }
        }
    }
}
