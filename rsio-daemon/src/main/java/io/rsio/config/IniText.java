package io.rsio.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.ini4j.Config;
import org.ini4j.InvalidFileFormatException;
import org.ini4j.spi.IniHandler;
import org.ini4j.spi.IniParser;

/**
 * Reads an RSIO config file into sections and entries that know their line numbers.
 *
 * <p>ini4j does the INI syntax, but its handler callbacks carry no line numbers. With line
 * continuation and includes switched off, ini4j turns every physical line that is neither blank
 * nor a comment into exactly one callback, in file order; so a scan of the same text with the
 * same line splitting and trimming rules ({@link BufferedReader#readLine()}, {@link String#trim()},
 * comment characters {@code ;} and {@code #}) yields the line of every callback by position. The
 * handler checks that the two stay in step (a header line for a section, any other line for an
 * option), so a future ini4j that splits lines differently fails loudly instead of misreporting.
 *
 * <p>Comments must be on their own line: keys and paths may contain {@code #} and {@code ;}.
 */
final class IniText {

    /** Files larger than this are refused before reading: a config file is a few kilobytes. */
    static final int MAX_BYTES = 1 << 20;

    /**
     * One {@code key = value} line, or in {@code [clients]} a {@code name key} line.
     *
     * @param key     the key in lower case (keys are case-insensitive)
     * @param value   the trimmed value, or null when the line has no {@code =} or {@code :}
     * @param text    the whole trimmed line, for lines whose format is not {@code key = value}
     * @param line    1-based line number
     */
    record Entry(String key, String value, String text, int line) {
        @Override
        public String toString() {
            // The line may hold a key: never show more than the position and the key name.
            return "Entry[key=" + key + ", line=" + line + "]";
        }
    }

    /**
     * One {@code [kind name]} section.
     *
     * @param kind    the section kind in lower case ({@code namespace}, {@code interface}, ...)
     * @param name    the name as written (case-sensitive), or "" when the header has none
     * @param line    1-based line of the header
     * @param entries the lines of the section, in order
     */
    record Section(String kind, String name, int line, List<Entry> entries) {
        Section {
            entries = List.copyOf(entries);
        }

        /** {@code [kind name]} or {@code [kind]}, for messages. */
        String label() {
            return name.isEmpty() ? "[" + kind + "]" : "[" + kind + " " + name + "]";
        }
    }

    private IniText() {
    }

    /** Reads a config file as strict UTF-8, refusing files over {@link #MAX_BYTES}. */
    static String read(Path file) throws ConfigException {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new ConfigException(file, 0, "is " + size + " bytes long; a config file has at most "
                        + MAX_BYTES + " bytes (is this the right file?)");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, 0, "cannot read: no such file", e);
        } catch (AccessDeniedException e) {
            throw new ConfigException(file, 0, "cannot read: permission denied", e);
        } catch (IOException e) {
            String why = e.getMessage() == null || e.getMessage().equals(file.toString())
                    ? e.getClass().getSimpleName() : e.getMessage();
            throw new ConfigException(file, 0, "cannot read: " + why, e);
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int line = 1;
            for (int i = 0; i < in.position(); i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            throw new ConfigException(file, line, "is not UTF-8 text (bad byte at offset " + in.position() + ")");
        }
        return out.flip().toString();
    }

    /** Parses INI text; {@code file} only names the text in messages. */
    static List<Section> parse(Path file, String text) throws ConfigException {
        if (!text.isEmpty() && text.charAt(0) == '\uFEFF') {
            text = text.substring(1); // a byte order mark from a Windows editor; ini4j would take it as text
        }
        List<Integer> lineNumbers = new ArrayList<>();
        List<String> lines = new ArrayList<>();
        scan(text, lineNumbers, lines);

        Collector collector = new Collector(lineNumbers, lines);
        try {
            IniParser.newInstance(ini4jConfig()).parse(new StringReader(text), collector);
        } catch (InvalidFileFormatException e) {
            // ini4j's message quotes the whole line, which may hold a key: build our own, no cause.
            int index = collector.consumed;
            if (index >= lines.size()) {
                throw new ConfigException(file, 0, "INI syntax error");
            }
            throw new ConfigException(file, lineNumbers.get(index), syntaxError(lines.get(index), collector.kind == null));
        } catch (IOException e) {
            throw new UncheckedIOException("reading a string cannot fail", e);
        }
        return List.copyOf(collector.finish());
    }

    /** The first word of a line that is not a section header: its key, never its value. */
    static String firstWord(String line) {
        int end = 0;
        while (end < line.length() && !Character.isWhitespace(line.charAt(end))
                && line.charAt(end) != '=' && line.charAt(end) != ':') {
            end++;
        }
        return line.substring(0, end);
    }

    private static Config ini4jConfig() {
        Config config = new Config();
        config.setEmptyOption(true);     // [clients] lines are "name key", without '='
        config.setEscape(false);         // keys and paths keep their backslashes
        config.setEscapeNewline(false);  // one physical line = one entry (line numbers depend on it)
        config.setInclude(false);        // no "<file>" includes
        config.setGlobalSection(false);  // entries before the first header are an error
        config.setUnnamedSection(false);
        config.setLowerCaseOption(false); // case folding is ours, in Locale.ROOT
        config.setLowerCaseSection(false);
        config.setComment(false);
        return config;
    }

    private static void scan(String text, List<Integer> lineNumbers, List<String> lines) {
        try (BufferedReader reader = new BufferedReader(new StringReader(text))) {
            int number = 0;
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                number++;
                String t = line.trim();
                if (!t.isEmpty() && t.charAt(0) != ';' && t.charAt(0) != '#') {
                    lineNumbers.add(number);
                    lines.add(t);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading a string cannot fail", e);
        }
    }

    private static String syntaxError(String line, boolean beforeFirstSection) {
        if (line.charAt(0) == '[') {
            if (line.indexOf(']') > 0 && !line.endsWith("]")) {
                return "section header must end with \"]\" (comments go on a line of their own), found "
                        + ConfigValues.quote(line);
            }
            if (!line.endsWith("]")) {
                return "section header must end with \"]\", found " + ConfigValues.quote(line);
            }
            return "section header " + ConfigValues.quote(line) + " is empty; expected e.g. \"[interface if0]\"";
        }
        String word = firstWord(line);
        if (word.isEmpty()) {
            return "line has no key before \"" + line.charAt(0) + "\"; expected \"key = value\"";
        }
        if (beforeFirstSection) {
            return ConfigValues.quote(word) + " is outside any section; put it below a [section] header";
        }
        return "line starting with " + ConfigValues.quote(word) + " is not \"key = value\"";
    }

    /** Builds sections from ini4j's callbacks, pairing each with its line from the scan. */
    private static final class Collector implements IniHandler {
        private final List<Integer> lineNumbers;
        private final List<String> lines;
        private final List<Section> sections = new ArrayList<>();
        private String kind;
        private String name;
        private int headerLine;
        private List<Entry> entries;
        int consumed;

        Collector(List<Integer> lineNumbers, List<String> lines) {
            this.lineNumbers = lineNumbers;
            this.lines = lines;
        }

        @Override
        public void startSection(String header) {
            int index = next(true);
            close();
            String h = header.trim();
            int space = 0;
            while (space < h.length() && !Character.isWhitespace(h.charAt(space))) {
                space++;
            }
            kind = h.substring(0, space).toLowerCase(Locale.ROOT);
            name = h.substring(space).trim();
            headerLine = lineNumbers.get(index);
            entries = new ArrayList<>();
        }

        @Override
        public void handleOption(String optionName, String value) {
            int index = next(false);
            String text = lines.get(index);
            String key = optionName.trim().toLowerCase(Locale.ROOT);
            entries.add(new Entry(key, value == null ? null : value.trim(), text, lineNumbers.get(index)));
        }

        @Override
        public void endSection() {
            // Sections are closed when the next one starts or at the end, see close().
        }

        @Override
        public void startIni() {
        }

        @Override
        public void endIni() {
        }

        @Override
        public void handleComment(String comment) {
        }

        List<Section> finish() {
            close();
            return sections;
        }

        private void close() {
            if (entries != null) {
                sections.add(new Section(kind, name, headerLine, entries));
                entries = null;
            }
        }

        private int next(boolean header) {
            int index = consumed;
            if (index >= lines.size() || (lines.get(index).charAt(0) == '[') != header) {
                throw new IllegalStateException("ini4j and the line scan disagree at content line " + index);
            }
            consumed++;
            return index;
        }
    }
}
