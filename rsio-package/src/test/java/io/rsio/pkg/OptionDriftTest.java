package io.rsio.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.cli.LogCatMain;
import io.rsio.cli.RsconfigMain;
import io.rsio.client.daemon.RsiodMain;
import io.rsio.common.Args;
import io.rsio.crsio.CrsioMain;
import io.rsio.server.RssrvMain;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The options each program really accepts (its parser, probed with every short option letter
 * and every long option its sources name) are exactly those its man page lists; and those the
 * README's program table shows are among them. The man page is rendered as scripts/package
 * renders it, from docs/man and the program's own --help.
 */
class OptionDriftTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern OPTION = Pattern.compile("(?<![\\w-])(--?[a-zA-Z][a-zA-Z-]*)");
    private static final Pattern LONG_LITERAL = Pattern.compile("\"(--[a-z][a-z-]*)\"");

    /** A parser as main runs it, without exiting. */
    interface Parser {
        void parse(String[] argv) throws Args.UsageException;
    }

    /**
     * A program: its man page source, main class, sources, parser, and the words an option may
     * follow (rsconfig's -f only follows -d or --stop, -v only -q).
     */
    record Program(String name, String page, String mainClass, List<String> sources, Parser parser,
                   List<List<String>> contexts) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Program> programs() {
        List<List<String>> alone = List.of(List.of());
        String daemon = "rsio-daemon/src/main/java/io/rsio/";
        return Stream.of(
                new Program("rssrv", "rssrv.8.md", RssrvMain.class.getName(), List.of(daemon + "server/RssrvMain.java"),
                        argv -> Args.check(argv, new RssrvMain.Options()), alone),
                new Program("rsiod", "rsiod.8.md", RsiodMain.class.getName(), List.of(daemon + "client/daemon/RsiodMain.java"),
                        argv -> Args.check(argv, new RsiodMain.Options()), alone),
                new Program("crsio", "crsio.8.md", CrsioMain.class.getName(),
                        List.of("crsio-tui/src/main/java/io/rsio/crsio/CrsioMain.java"),
                        argv -> Args.check(argv, new CrsioMain.Options()), alone),
                new Program("rsclogcat", "rsclogcat.8.md", LogCatMain.class.getName(),
                        List.of(daemon + "cli/LogCatMain.java"),
                        argv -> Args.check(argv, new LogCatMain.Options()), alone),
                new Program("rsconfig", "rsconfig.8.md", RsconfigMain.class.getName(),
                        List.of(daemon + "cli/RsconfigMain.java", daemon + "cli/DeviceCommands.java",
                                daemon + "cli/VolumeCommands.java"),
                        RsconfigMain::check,
                        List.of(List.of(), List.of("-q"), List.of("-d"), List.of("--stop"),
                                List.of("-C", "vol", "1G"), List.of("-T", "vol", "1M"), List.of("-K", "vol", "copy"))));
    }

    @ParameterizedTest
    @MethodSource("programs")
    void manPageListsExactlyTheOptionsTheParserAccepts(Program program) throws Exception {
        String help = help(program);
        String page = ManPageRenderer.render(
                ManPageRenderer.Source.parse(Path.of(program.page()), Files.readAllLines(ROOT.resolve("docs/man/" + program.page()))),
                "test", p -> help);
        Set<String> documented = options(synopsis(page).replace("\\-", "-").replace("\\e", "\\"));

        Set<String> candidates = new TreeSet<>(documented);
        for (char c = 'a'; c <= 'z'; c++) {
            candidates.add("-" + c);
            candidates.add("-" + Character.toUpperCase(c));
        }
        for (String source : program.sources()) {
            Matcher m = LONG_LITERAL.matcher(Files.readString(ROOT.resolve(source)));
            while (m.find()) {
                candidates.add(m.group(1));
            }
        }
        candidates.addAll(List.of("--version", "--verbose", "--config", "--debug", "--bogus"));
        Set<String> accepted = new TreeSet<>();
        for (String candidate : candidates) {
            if (accepts(program, candidate)) {
                accepted.add(candidate);
            }
        }
        assertEquals(documented, accepted, program.name() + ": options in its man page (left) and options its"
                + " parser accepts (right) differ");
        assertTrue(accepted.contains("--help"), "every program answers --help");
    }

    @ParameterizedTest
    @MethodSource("programs")
    void readmeShowsOnlyDocumentedOptions(Program program) throws Exception {
        String help = help(program);
        Set<String> documented = options(help);
        Set<String> inReadme = new TreeSet<>();
        for (String line : Files.readAllLines(ROOT.resolve("README.md"))) {
            if (line.startsWith("| `scripts/" + program.name() + " ") || line.startsWith("| `scripts/" + program.name() + "`")) {
                inReadme.addAll(options(line.substring(0, line.indexOf('|', 2))));
            }
        }
        assertTrue(!inReadme.isEmpty(), program.name() + " has a row in the README's program table");
        assertTrue(documented.containsAll(inReadme), program.name() + ": README shows " + inReadme
                + ", its --help lists " + documented);
    }

    private static boolean accepts(Program program, String candidate) {
        // Volume commands take their operands after the option (-C NAME SIZE, -D NAME): each
        // candidate is also tried with one and with two operands after it.
        for (List<String> context : program.contexts()) {
          for (List<String> operands : List.of(List.<String>of(), List.of("vol"), List.of("vol", "1G"))) {
            List<String> argv = new ArrayList<>(context);
            argv.add(candidate);
            argv.addAll(operands);
            try {
                program.parser().parse(argv.toArray(String[]::new));
                return true;
            } catch (Args.UsageException e) {
                // an option that needs a value (or a word: -m status) is accepted as an option
                if (e.getMessage().startsWith(candidate + " needs a value")) {
                    return true;
                }
            }
          }
        }
        return false;
    }

    private static Set<String> options(String text) {
        Set<String> found = new TreeSet<>();
        Matcher m = OPTION.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    /** The SYNOPSIS AND OPTIONS section of a rendered page. */
    private static String synopsis(String roff) {
        int start = roff.indexOf(".SH SYNOPSIS AND OPTIONS");
        int end = roff.indexOf("\n.SH ", start + 1);
        assertTrue(start >= 0, "the page has the program's options:\n" + roff);
        return roff.substring(start, end < 0 ? roff.length() : end);
    }

    /** The program's --help, from a JVM of its own (rsconfig --help exits). */
    static String help(Program program) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), program.mainClass()));
        if (program.name().equals("rsclogcat")) {
            command.add("rsiod");
        }
        command.add("--help");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = process.getInputStream().readAllBytes();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "--help ends");
        assertEquals(0, process.exitValue(), new String(out, StandardCharsets.UTF_8));
        return new String(out, StandardCharsets.UTF_8);
    }
}
