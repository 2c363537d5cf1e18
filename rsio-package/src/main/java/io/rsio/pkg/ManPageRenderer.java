package io.rsio.pkg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Writes the man pages as roff from their one source: the prose in {@code docs/man/NAME.S.md}
 * and, for a program, its own {@code --help} text (the option list the program's parser goes
 * with), so that the page, the help and the README cannot tell different stories.
 *
 * <p>The prose is a small subset of Markdown: a front matter block ({@code name}, {@code section},
 * {@code title}, optional {@code help}: the program whose --help is the SYNOPSIS),
 * {@code ## HEADING}, paragraphs,
 * {@code - } items, fenced blocks (shown as they are), {@code `code`} (bold) and
 * {@code @include PATH@} lines (a file shown as it is, e.g. a sample config).
 *
 * <p>Usage: {@code ManPageRenderer --help-dir DIR --version V --out MANDIR FILE.md...}; the
 * help of program P is read from {@code DIR/P.txt}.
 */
public final class ManPageRenderer {
    /** One page's source: front matter and body lines. */
    record Source(Map<String, String> front, List<String> body) {
        String name() {
            return front.get("name");
        }

        String section() {
            return front.get("section");
        }

        static Source parse(Path file, List<String> lines) {
            if (lines.isEmpty() || !lines.getFirst().equals("---")) {
                throw new IllegalArgumentException(file + ":1: a man page source starts with a --- front matter block");
            }
            Map<String, String> front = new LinkedHashMap<>();
            int i = 1;
            for (; i < lines.size() && !lines.get(i).equals("---"); i++) {
                String line = lines.get(i);
                int colon = line.indexOf(':');
                if (colon < 1) {
                    throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected key: value, found \"" + line + "\"");
                }
                front.put(line.substring(0, colon).strip(), line.substring(colon + 1).strip());
            }
            for (String key : List.of("name", "section", "title")) {
                if (!front.containsKey(key)) {
                    throw new IllegalArgumentException(file + ": front matter lacks " + key);
                }
            }
            return new Source(front, lines.subList(Math.min(i + 1, lines.size()), lines.size()));
        }
    }

    private ManPageRenderer() {}

    public static void main(String[] argv) throws IOException {
        Path helpDir = null;
        Path out = null;
        String version = "";
        List<Path> sources = new ArrayList<>();
        for (int i = 0; i < argv.length; i++) {
            switch (argv[i]) {
                case "--help-dir" -> helpDir = Path.of(argv[++i]);
                case "--version" -> version = argv[++i];
                case "--out" -> out = Path.of(argv[++i]);
                default -> sources.add(Path.of(argv[i]));
            }
        }
        if (helpDir == null || out == null || sources.isEmpty()) {
            System.err.println("usage: ManPageRenderer --help-dir DIR --version V --out MANDIR FILE.md...");
            System.exit(2);
        }
        for (Path file : sources) {
            Source source = Source.parse(file, Files.readAllLines(file));
            Path dir = out.resolve("man" + source.section());
            Files.createDirectories(dir);
            Path helps = helpDir;
            String page = render(source, version, program -> read(helps.resolve(program + ".txt")));
            Files.writeString(dir.resolve(source.name() + "." + source.section()), page);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The roff of one page; {@code helpOf} gives a program's --help text. */
    static String render(Source source, String version, Function<String, String> helpOf) {
        StringBuilder roff = new StringBuilder();
        roff.append(".TH ").append(source.name().toUpperCase(Locale.ROOT)).append(' ').append(source.section())
                .append(" \"\" \"rsio ").append(version).append("\" \"RSIO for Linux\"\n");
        roff.append(".SH NAME\n").append(source.name()).append(" \\- ").append(inline(source.front().get("title")))
                .append('\n');
        String help = source.front().get("help");
        if (help != null) {
            roff.append(".SH SYNOPSIS AND OPTIONS\n");
            roff.append("The text of \\fB").append(help).append(" \\-\\-help\\fR:\n");
            verbatim(roff, List.of(helpOf.apply(help).stripTrailing().split("\n", -1)));
        }
        List<String> body = source.body();
        for (int i = 0; i < body.size(); i++) {
            String line = body.get(i);
            if (line.startsWith("## ")) {
                roff.append(".SH ").append(line.substring(3).strip().toUpperCase(Locale.ROOT)).append('\n');
            } else if (line.startsWith("```")) {
                List<String> block = new ArrayList<>();
                for (i++; i < body.size() && !body.get(i).startsWith("```"); i++) {
                    block.add(body.get(i));
                }
                verbatim(roff, block);
            } else if (line.startsWith("@include ") && line.endsWith("@")) {
                verbatim(roff, List.of(read(Path.of(line.substring(9, line.length() - 1).strip()))
                        .stripTrailing().split("\n", -1)));
            } else if (line.isBlank()) {
                if (i + 1 < body.size() && !body.get(i + 1).isBlank() && !body.get(i + 1).startsWith("## ")
                        && !body.get(i + 1).startsWith("- ")) {
                    roff.append(".PP\n");
                }
            } else if (line.startsWith("- ")) {
                roff.append(".IP \\(bu 2\n").append(inline(line.substring(2))).append('\n');
            } else {
                roff.append(inline(line.strip())).append('\n');
            }
        }
        return roff.toString();
    }

    /** Lines shown as they are: no filling, no adjusting, every roff character escaped. */
    private static void verbatim(StringBuilder roff, List<String> lines) {
        roff.append(".PP\n.RS 2\n.nf\n");
        for (String line : lines) {
            roff.append(line.isEmpty() ? "\\&" : escape(line)).append('\n');
        }
        roff.append(".fi\n.RE\n");
    }

    /** Escapes roff and turns {@code `code`} into bold and {@code *word*} into italics. */
    static String inline(String text) {
        String escaped = escape(text);
        escaped = escaped.replaceAll("`([^`]+)`", "\\\\fB$1\\\\fR");
        return escaped.replaceAll("(?<![\\w*])\\*([^*\\s][^*]*)\\*(?![\\w*])", "\\\\fI$1\\\\fR");
    }

    /**
     * Backslashes, hyphens as minus signs (options must stay searchable), characters beyond
     * ASCII as groff's {@code \[uXXXX]}, and control lines.
     */
    static String escape(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> {
            switch (c) {
                case '\\' -> out.append("\\e");
                case '-' -> out.append("\\-");
                default -> {
                    if (c < 128) {
                        out.appendCodePoint(c);
                    } else {
                        out.append(String.format("\\[u%04X]", c));
                    }
                }
            }
        });
        String escaped = out.toString();
        if (escaped.startsWith(".") || escaped.startsWith("'")) {
            escaped = "\\&" + escaped;
        }
        return escaped;
    }
}
