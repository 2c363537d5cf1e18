package io.rsio;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering docs/DESIGN.md draws, checked on the main code of every module below crsio:
 * no package import circle, no arrow from a lower layer back up, and no class over 400 lines
 * that does not say at its top why it is long.
 */
class ArchitectureTest {
    private static final int LONG_CLASS_LINES = 400;
    /** What a long class's top comment says (docs/style.md: small classes with one job). */
    private static final String LONG_REASON = "Why it is long:";

    private static JavaClasses main;

    @BeforeAll
    static void importMainCode() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.rsio");
    }

    @Test
    void noPackageImportCircle() {
        slices().matching("io.rsio.(**)").should().beFreeOfCycles().check(main);
    }

    @Test
    void theBlockContractDependsOnNothingOfOurs() {
        noClasses().that().resideInAPackage("io.rsio.block..")
                .should().dependOnClassesThat().resideInAnyPackage("io.rsio.wire..", "io.rsio.nbd..",
                        "io.rsio.nativeio..", "io.rsio.client..", "io.rsio.server..", "io.rsio.config..")
                .check(main);
    }

    @Test
    void theWireCodecAndTheNbdServerKnowOnlyTheBlockContract() {
        noClasses().that().resideInAPackage("io.rsio.wire..")
                .should().dependOnClassesThat().resideInAnyPackage("io.rsio.nbd..", "io.rsio.nativeio..",
                        "io.rsio.client..", "io.rsio.server..", "io.rsio.config..")
                .check(main);
        noClasses().that().resideInAPackage("io.rsio.nbd..")
                .should().dependOnClassesThat().resideInAnyPackage("io.rsio.wire..", "io.rsio.nativeio..",
                        "io.rsio.client..", "io.rsio.server..", "io.rsio.config..")
                .check(main);
        noClasses().that().resideInAPackage("io.rsio.nativeio..")
                .should().dependOnClassesThat().resideInAnyPackage("io.rsio.wire..", "io.rsio.client..",
                        "io.rsio.server..", "io.rsio.config..")
                .check(main);
    }

    @Test
    void theClientIsLayeredDaemonOverFrontendOverMultipath() {
        noClasses().that().resideInAPackage("io.rsio.client.multipath..")
                .should().dependOnClassesThat().resideInAnyPackage("io.rsio.client.daemon..", "io.rsio.client.frontend..")
                .check(main);
        noClasses().that().resideInAPackage("io.rsio.client.frontend..")
                .should().dependOnClassesThat().resideInAPackage("io.rsio.client.daemon..")
                .check(main);
        noClasses().that().resideInAPackage("io.rsio.server..")
                .should().dependOnClassesThat().resideInAPackage("io.rsio.client..")
                .check(main);
    }

    @Test
    void aClassOverFourHundredLinesSaysWhy() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent(); // the tests run in rsio-daemon/
        List<String> unexplained;
        try (Stream<Path> modules = Files.list(root)) {
            unexplained = modules.filter(m -> m.getFileName().toString().startsWith("rsio-"))
                    .map(m -> m.resolve("src/main/java")).filter(Files::isDirectory)
                    .flatMap(ArchitectureTest::javaFiles)
                    .filter(ArchitectureTest::longWithoutReason)
                    .map(root::relativize).map(Path::toString).sorted().toList();
        }
        assertEquals(List.of(), unexplained, "main classes over " + LONG_CLASS_LINES + " lines whose top comment"
                + " does not say '" + LONG_REASON + " ...': split them, or say why not");
    }

    private static Stream<Path> javaFiles(Path dir) {
        try {
            return Files.walk(dir).filter(p -> p.toString().endsWith(".java")).toList().stream();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static boolean longWithoutReason(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            if (lines.size() <= LONG_CLASS_LINES) {
                return false;
            }
            int top = 0;
            while (top < lines.size() && !lines.get(top).matches("^(public |final |abstract |sealed )*(class|record|enum|interface) .*")
                    && !lines.get(top).matches("^public .*(class|record|enum|interface) .*")) {
                top++;
            }
            return lines.subList(0, top).stream().noneMatch(l -> l.contains(LONG_REASON));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
