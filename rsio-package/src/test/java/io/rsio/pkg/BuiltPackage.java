package io.rsio.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

/**
 * The package the tests check, built once per test run by scripts/package (jlink, the class
 * data archives and lintian take a minute or more: once is enough for every test class).
 */
final class BuiltPackage {
    static final Path OUT = OptionDriftTest.ROOT.resolve("rsio-package/target/package-test");
    private static BuiltPackage built;

    final Path deb;
    final Path stage;
    final Run build;

    private BuiltPackage(Path deb, Run build) {
        this.deb = deb;
        this.stage = OUT.resolve("stage");
        this.build = build;
    }

    static synchronized BuiltPackage get() throws IOException, InterruptedException {
        if (built == null) {
            Run run = Run.of(Duration.ofMinutes(20), OptionDriftTest.ROOT.resolve("scripts/package").toString(),
                    "--out", OUT.toString());
            assertEquals(0, run.exitCode(), run::toString);
            Path deb;
            try (Stream<Path> files = Files.list(OUT)) {
                deb = files.filter(f -> f.getFileName().toString().matches("rsio_.*_amd64\\.deb")).findFirst()
                        .orElseThrow(() -> new AssertionError("no .deb in " + OUT + "\n" + run));
            }
            built = new BuiltPackage(deb, run);
        }
        return built;
    }
}
