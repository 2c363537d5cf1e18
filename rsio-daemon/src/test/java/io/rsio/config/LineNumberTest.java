package io.rsio.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Line numbers must survive whatever blank lines, comments and line endings surround the error. */
class LineNumberTest {

    private static final Path FILE = Path.of("/etc/rscltcfg");
    private static final List<String> FILLERS =
            List.of("", "   ", "\t", "# comment", "; comment", "   # indented", "\t; tab", "#", ";[not a section]",
                    "# address = 1.2.3.4");

    @Test
    void fillerLinesMoveTheReportedLine() {
        List<String> lines = List.of(
                "[defaults]", "port = 5000", "[interface if0]", "address = 198.18.0.20",
                "[namespace osl]", "namespaceid = 200", "nodename = big-2", "nodekey = k",
                "[server big-9-1]", "address = 198.18.0.10", "port = 50x0", "[server big-9-2]", "address = 198.18.1.10");
        int badLine = lines.indexOf("port = 50x0"); // 0-based
        SplittableRandom random = new SplittableRandom(2010);
        for (int round = 0; round < 300; round++) {
            List<String> out = new ArrayList<>();
            int expected = 0;
            for (int i = 0; i < lines.size(); i++) {
                int fillers = random.nextInt(0, 4);
                for (int f = 0; f < fillers; f++) {
                    out.add(FILLERS.get(random.nextInt(FILLERS.size())));
                }
                String line = random.nextBoolean() ? "  " + lines.get(i) + " \t" : lines.get(i);
                out.add(line);
                if (i == badLine) {
                    expected = out.size();
                }
            }
            String eol = List.of("\n", "\r\n", "\r").get(random.nextInt(3));
            String text = String.join(eol, out) + (random.nextBoolean() ? eol : "");
            int r = round;
            ConfigException e = assertThrows(ConfigException.class, () -> ClientConfig.parse(FILE, text));
            assertEquals(expected, e.line(), () -> "round " + r + ": " + e.getMessage() + "\n" + text);
        }
    }

    @Test
    void syntaxErrorsFromIni4jCarryTheLineToo() {
        String text = "# rscltcfg\n\n[defaults]\n; port\nport = 5000\n\n[interface if0\naddress = 198.18.0.20\n";
        ConfigException e = assertThrows(ConfigException.class, () -> ClientConfig.parse(FILE, text));
        assertEquals(7, e.line());
        assertEquals("/etc/rscltcfg:7: section header must end with \"]\", found \"[interface if0\"", e.getMessage());
    }

    @Test
    void byteOrderMarkIsIgnored() throws ConfigException {
        ClientConfig c = ClientConfig.parse(FILE, "\uFEFF[defaults]\nport = 5001\n");
        assertEquals(5001, c.defaults().port());
        ConfigException e = assertThrows(ConfigException.class,
                () -> ClientConfig.parse(FILE, "\uFEFF[defaults]\nport = x\n"));
        assertEquals(2, e.line());
    }
}
