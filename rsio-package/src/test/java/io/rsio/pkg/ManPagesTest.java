package io.rsio.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every man page of the package renders without a warning, with groff -wall and with man -l. */
class ManPagesTest {
    static final List<String> PAGES = List.of("man8/rssrv.8.gz", "man8/rsiod.8.gz", "man8/rsconfig.8.gz",
            "man8/crsio.8.gz", "man8/rsclogcat.8.gz", "man8/rsslogcat.8.gz", "man5/rscltcfg.5.gz", "man5/rssrvcfg.5.gz");

    @Test
    void everyPageRendersWithoutWarnings() throws Exception {
        Path man = BuiltPackage.get().stage.resolve("usr/share/man");
        for (String page : PAGES) {
            Path file = man.resolve(page);
            assertTrue(Files.exists(file), page + " is in the package");
            Run groff = Run.of(Duration.ofMinutes(1), Map.of(), man, "sh", "-c",
                    "zcat \"$0\" | groff -wall -mandoc -Tutf8 -z", page);
            assertEquals(0, groff.exitCode(), groff::toString);
            assertEquals("", groff.stderr(), page + ": groff warns");
            Run manL = Run.of(Duration.ofMinutes(1), Map.of("MANWIDTH", "80", "MAN_KEEP_STDERR", "1"), man,
                    "man", "--warnings=all", "-l", page);
            assertEquals(0, manL.exitCode(), manL::toString);
            assertEquals("", manL.stderr(), page + ": man -l warns");
            assertTrue(manL.stdout().contains("NAME"), manL::toString);
        }
    }

    @Test
    void programPagesCarryTheProgramsHelp() throws Exception {
        Path man = BuiltPackage.get().stage.resolve("usr/share/man");
        Run page = Run.of(Duration.ofMinutes(1), Map.of("MANWIDTH", "100"), man, "man", "-l", "man8/rsconfig.8.gz");
        String text = page.stdout().replaceAll(".\b", "");
        for (String line : List.of("rsconfig -m status       multipath status", "rsconfig --reload",
                "rsconfig --stop [-f]")) {
            assertTrue(text.contains(line), "rsconfig(8) shows \"" + line + "\":\n" + text);
        }
    }
}
