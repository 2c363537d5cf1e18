package io.rsio.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RsiodCommandTest {
    @TempDir
    Path dir;

    @Test
    void crsiosLauncherNamingAnExecutableRsiodLauncherRunsRsiodThroughIt() throws IOException {
        Path launcher = Files.createFile(dir.resolve("rsiod"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        RsiodCommand command = RsiodCommand.ofThisInstallation(Map.of(RsiodCommand.LAUNCHER_VARIABLE, launcher.toString()));

        RsiodCommand.Launcher through = assertInstanceOf(RsiodCommand.Launcher.class, command);
        assertEquals(List.of(launcher.toString(), "-f", "-c", dir.resolve("rscltcfg").toString()),
                through.arguments(dir.resolve("rscltcfg")));
        assertEquals(Map.of("RSIO_JAVA_OPTS", "-Xmx1g -Drsio.detached=true"),
                through.environment(Map.of("RSIO_JAVA_OPTS", "-Xmx1g")), "the administrator's options stay, first");
        assertEquals(Map.of("RSIO_JAVA_OPTS", "-Drsio.detached=true"), through.environment(Map.of()));
    }

    @Test
    void withoutAnExecutableLauncherRsiodRunsOnThisJava() throws IOException {
        Path notExecutable = Files.createFile(dir.resolve("rsiod"));
        for (Map<String, String> environment : List.of(Map.<String, String>of(),
                Map.of(RsiodCommand.LAUNCHER_VARIABLE, notExecutable.toString()),
                Map.of(RsiodCommand.LAUNCHER_VARIABLE, dir.resolve("missing").toString()))) {
            RsiodCommand.Java java = assertInstanceOf(RsiodCommand.Java.class, RsiodCommand.ofThisInstallation(environment));
            List<String> arguments = java.arguments(dir.resolve("rscltcfg"));
            assertEquals(List.of("-Drsio.detached=true", "io.rsio.client.daemon.RsiodMain", "-c",
                    dir.resolve("rscltcfg").toString(), "-f"), arguments.subList(arguments.size() - 5, arguments.size()));
        }
    }
}
