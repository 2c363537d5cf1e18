package io.rsio.config;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Typed access to the {@code key = value} entries of one section.
 *
 * <p>Construction rejects what no section accepts: lines without {@code =}, unknown keys
 * (typos must not pass silently) and keys set twice. The getters turn a parser's
 * {@link IllegalArgumentException} phrase into a {@link ConfigException} at the key's line.
 */
final class SectionReader {

    private final Path file;
    private final IniText.Section section;
    private final Map<String, IniText.Entry> entries = new LinkedHashMap<>();

    SectionReader(Path file, IniText.Section section, List<String> allowedKeys) throws ConfigException {
        this.file = file;
        this.section = section;
        for (IniText.Entry e : section.entries()) {
            if (e.value() == null) {
                throw new ConfigException(file, e.line(), "line must be \"key = value\", found "
                        + ConfigValues.quote(IniText.firstWord(e.text())) + " without \"=\" in " + section.label());
            }
            if (!allowedKeys.contains(e.key())) {
                throw new ConfigException(file, e.line(), "unknown key " + ConfigValues.quote(e.key()) + " in "
                        + section.label() + " (expected: " + String.join(", ", allowedKeys) + ")");
            }
            IniText.Entry first = entries.putIfAbsent(e.key(), e);
            if (first != null) {
                throw new ConfigException(file, e.line(), "duplicate key " + ConfigValues.quote(e.key()) + " in "
                        + section.label() + " (first set on line " + first.line() + ")");
            }
        }
    }

    IniText.Section section() {
        return section;
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    /** The line of {@code key} if set here, else the section header's line. */
    int line(String key) {
        IniText.Entry e = entries.get(key);
        return e == null ? section.line() : e.line();
    }

    /** The raw value, if the key is set. */
    Optional<String> raw(String key) {
        return Optional.ofNullable(entries.get(key)).map(IniText.Entry::value);
    }

    /** The raw value of a required key. */
    String requireRaw(String key) throws ConfigException {
        IniText.Entry e = entries.get(key);
        if (e == null) {
            throw missing(key);
        }
        return e.value();
    }

    /** The parsed value, if the key is set; a parse failure becomes "KEY PHRASE" at the key's line. */
    <T> Optional<T> get(String key, Function<String, T> parser) throws ConfigException {
        IniText.Entry e = entries.get(key);
        if (e == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(parser.apply(e.value()));
        } catch (IllegalArgumentException x) {
            throw error(key, key + " " + x.getMessage() + commentHint(e.value()));
        }
    }

    <T> T get(String key, Function<String, T> parser, T fallback) throws ConfigException {
        return get(key, parser).orElse(fallback);
    }

    <T> T require(String key, Function<String, T> parser) throws ConfigException {
        if (!entries.containsKey(key)) {
            throw missing(key);
        }
        return get(key, parser).orElseThrow();
    }

    /** An error at the line of {@code key} (or of the header when the key is not set). */
    ConfigException error(String key, String reason) {
        return new ConfigException(file, line(key), reason);
    }

    /** An error at the header line. */
    ConfigException error(String reason) {
        return new ConfigException(file, section.line(), reason);
    }

    private ConfigException missing(String key) {
        return error(section.label() + " has no \"" + key + "\" (required)");
    }

    private static String commentHint(String value) {
        return value.indexOf('#') >= 0 || value.indexOf(';') >= 0
                ? " (comments go on a line of their own)" : "";
    }
}
