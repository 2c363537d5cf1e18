package io.rsio.config.edit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An RSIO config file as its lines, for editing without losing what the administrator wrote:
 * comments, blank lines, the order of sections and keys, and the spelling of untouched lines
 * stay as they were. Only the lines an edit names change. The syntax is that of
 * docs/CONFIG.md: {@code [kind name]} headers, {@code key = value} (or {@code key: value})
 * lines, comments on lines of their own starting with {@code #} or {@code ;}.
 *
 * <p>The document does not validate: {@link ClientConfigEditor} re-parses the text with the
 * daemons' own parser after every edit. Mutable and not thread-safe; {@link #copy()} for a
 * trial edit.
 */
public final class ConfigDocument {
    private static final Pattern HEADER = Pattern.compile("\\s*\\[\\s*([^\\s\\]]+)\\s*(.*?)\\s*]\\s*");
    private static final Pattern ENTRY = Pattern.compile("(\\s*([^=:\\s]+)\\s*[=:]\\s*)(.*?)\\s*");
    /** Width the key is padded to in new lines, as in the seed ({@code protocol      = tcp}). */
    static final int KEY_WIDTH = 13;

    private final List<String> lines;
    private final String newline;
    private final boolean byteOrderMark;

    /** A section as found in the document: kind in lower case, name as written, header line index. */
    public record Section(String kind, String name, int header, int end) {
        /** {@code [kind name]} or {@code [kind]}. */
        public String label() {
            return name.isEmpty() ? "[" + kind + "]" : "[" + kind + " " + name + "]";
        }
    }

    private ConfigDocument(List<String> lines, String newline, boolean byteOrderMark) {
        this.lines = lines;
        this.newline = newline;
        this.byteOrderMark = byteOrderMark;
    }

    /** Splits text into lines; keeps {@code \r\n} line endings if the text uses them. */
    public static ConfigDocument parse(String text) {
        boolean bom = text.startsWith("\uFEFF"); // kept as it was, but not part of the first line
        if (bom) {
            text = text.substring(1);
        }
        String newline = text.contains("\r\n") ? "\r\n" : "\n";
        List<String> lines = new ArrayList<>(List.of(text.split("\r\n|\n|\r", -1)));
        if (!lines.isEmpty() && lines.getLast().isEmpty()) {
            lines.removeLast(); // the final newline
        }
        return new ConfigDocument(lines, newline, bom);
    }

    public ConfigDocument copy() {
        return new ConfigDocument(new ArrayList<>(lines), newline, byteOrderMark);
    }

    /** The text, every line ended by the document's newline. */
    public String text() {
        StringBuilder b = new StringBuilder(byteOrderMark ? "\uFEFF" : "");
        lines.forEach(l -> b.append(l).append(newline));
        return b.toString();
    }

    /** Every section in file order. */
    public List<Section> sections() {
        List<Section> out = new ArrayList<>();
        int start = -1;
        String kind = null;
        String name = null;
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = header(lines.get(i));
            if (m != null) {
                if (kind != null) {
                    out.add(new Section(kind, name, start, i));
                }
                kind = m.group(1).toLowerCase(Locale.ROOT);
                name = m.group(2);
                start = i;
            }
        }
        if (kind != null) {
            out.add(new Section(kind, name, start, lines.size()));
        }
        return out;
    }

    /** Sections of one kind, in file order. */
    public List<Section> sections(String kind) {
        return sections().stream().filter(s -> s.kind().equals(kind)).toList();
    }

    /** The section of this kind (case-insensitive) and name (case-sensitive). */
    public Optional<Section> find(String kind, String name) {
        String k = kind.toLowerCase(Locale.ROOT);
        return sections().stream().filter(s -> s.kind().equals(k) && s.name().equals(name)).findFirst();
    }

    /** The value of {@code key} in the section, as written (trimmed). */
    public Optional<String> get(String kind, String name, String key) {
        Section s = require(kind, name);
        int i = keyLine(s, key);
        if (i < 0) {
            return Optional.empty();
        }
        Matcher m = ENTRY.matcher(lines.get(i));
        return m.matches() ? Optional.of(m.group(3)) : Optional.empty();
    }

    /**
     * Sets {@code key} in the section: an existing line keeps its key and separator spelling and
     * gets the new value; a new key goes after the section's last entry.
     */
    public void set(String kind, String name, String key, String value) {
        setAt(require(kind, name), key, value);
    }

    /** {@link #set} on a section found by position (for names that repeat, like servers of two namespaces). */
    public void setAt(Section s, String key, String value) {
        Objects.requireNonNull(value, "value");
        int i = keyLine(s, key);
        if (i >= 0) {
            Matcher m = ENTRY.matcher(lines.get(i));
            if (m.matches()) {
                lines.set(i, m.group(1) + value);
                return;
            }
        }
        lines.add(lastContentLine(s) + 1, entry(key, value));
    }

    /** Removes {@code key} from the section; true if it was there. */
    public boolean remove(String kind, String name, String key) {
        Section s = require(kind, name);
        int i = keyLine(s, key);
        if (i < 0) {
            return false;
        }
        lines.remove(i);
        return true;
    }

    /** Lines of a section that are neither blank nor comments, after the header, verbatim. */
    public List<String> entries(String kind, String name) {
        Section s = require(kind, name);
        List<String> out = new ArrayList<>();
        for (int i = s.header() + 1; i < s.end(); i++) {
            if (isContent(lines.get(i))) {
                out.add(lines.get(i).strip());
            }
        }
        return out;
    }

    /**
     * Inserts a new section before line {@code at} (use {@link #after(Section)} or
     * {@link #end()}), separated from what is around it by blank lines.
     */
    public void insertSection(int at, String kind, String name, List<String[]> entries) {
        List<String> block = new ArrayList<>();
        if (at > 0 && !lines.get(at - 1).isBlank()) {
            block.add("");
        }
        block.add(name.isEmpty() ? "[" + kind + "]" : "[" + kind + " " + name + "]");
        for (String[] e : entries) {
            block.add(entry(e[0], e[1]));
        }
        if (at < lines.size() && !lines.get(at).isBlank()) {
            block.add("");
        }
        lines.addAll(at, block);
    }

    /** The line index just after the section's last entry (before trailing comments and blanks). */
    public int after(Section s) {
        return lastContentLine(s) + 1;
    }

    /** The line index of the section's header (to insert before it). */
    public int before(Section s) {
        int i = s.header();
        // Keep a comment block that introduces the section attached to it.
        while (i > 0 && isComment(lines.get(i - 1))) {
            i--;
        }
        return i;
    }

    public int end() {
        return lines.size();
    }

    /**
     * Removes a section: the comment lines directly above its header (they introduce it), the
     * header and its lines up to its last entry. Comments after the last entry are kept (they
     * usually introduce what follows), and one surplus blank line goes.
     */
    public void removeSection(String kind, String name) {
        removeSection(require(kind, name));
    }

    /** {@link #removeSection(String, String)} on a section found by position. */
    public void removeSection(Section s) {
        int from = before(s);
        int to = lastContentLine(s) + 1;
        lines.subList(from, to).clear();
        // Collapse the blank line left doubled, or leading at the top of the file.
        if (from < lines.size() && lines.get(from).isBlank() && (from == 0 || lines.get(from - 1).isBlank())) {
            lines.remove(from);
        } else if (from == lines.size() && from > 0 && lines.get(from - 1).isBlank()) {
            lines.remove(from - 1);
        }
    }

    /** Renames a section, keeping its lines. */
    public void rename(String kind, String oldName, String newName) {
        Section s = require(kind, oldName);
        Matcher m = header(lines.get(s.header()));
        String written = m == null ? kind : m.group(1);
        lines.set(s.header(), newName.isEmpty() ? "[" + written + "]" : "[" + written + " " + newName + "]");
    }

    private Section require(String kind, String name) {
        return find(kind, name).orElseThrow(() -> new IllegalArgumentException("no section [" + kind
                + (name.isEmpty() ? "" : " " + name) + "]"));
    }

    private int keyLine(Section s, String key) {
        for (int i = s.header() + 1; i < s.end(); i++) {
            Matcher m = ENTRY.matcher(lines.get(i));
            if (isContent(lines.get(i)) && m.matches() && m.group(2).equalsIgnoreCase(key)) {
                return i;
            }
        }
        return -1;
    }

    private int lastContentLine(Section s) {
        int last = s.header();
        for (int i = s.header() + 1; i < s.end(); i++) {
            if (isContent(lines.get(i))) {
                last = i;
            }
        }
        return last;
    }

    static String entry(String key, String value) {
        return String.format("%-" + KEY_WIDTH + "s = %s", key, value);
    }

    private static Matcher header(String line) {
        if (!isContent(line)) {
            return null;
        }
        Matcher m = HEADER.matcher(line);
        return m.matches() ? m : null;
    }

    private static boolean isContent(String line) {
        String t = line.strip();
        return !t.isEmpty() && !isComment(t);
    }

    private static boolean isComment(String line) {
        String t = line.strip();
        return t.startsWith("#") || t.startsWith(";");
    }
}
