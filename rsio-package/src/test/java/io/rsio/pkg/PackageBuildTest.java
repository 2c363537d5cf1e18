package io.rsio.pkg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** scripts/package builds a lintian-clean .deb whose runtime holds the modules jdeps finds, and no JDK. */
class PackageBuildTest {
    @Test
    void debBuildsAndLintianFindsNoError() throws Exception {
        BuiltPackage pkg = BuiltPackage.get();
        assertTrue(pkg.build.stderr().contains("== package: lintian"), "lintian ran:\n" + pkg.build);
        // scripts/package ran lintian --fail-on error (and so exited 0); its findings are in the output.
        assertFalse(pkg.build.stderr().lines().anyMatch(l -> l.startsWith("E: ")), pkg.build::toString);

        Run contents = Run.of(Duration.ofMinutes(1), "dpkg-deb", "-c", pkg.deb.toString());
        for (String path : List.of("./usr/sbin/rssrv", "./usr/sbin/rsiod", "./usr/sbin/rsconfig", "./usr/sbin/crsio",
                "./usr/sbin/rsclogcat", "./usr/sbin/rsslogcat", "./usr/share/doc/rsio/rscltcfg.sample",
                "./usr/share/doc/rsio/rssrvcfg.sample", "./lib/systemd/system/rsiod.service",
                "./lib/systemd/system/rssrv.service", "./lib/systemd/system/rsio-attach.service",
                "./usr/lib/tmpfiles.d/rsio.conf", "./usr/lib/rsio/cds/rsconfig.jsa",
                "./usr/lib/rsio/aot/rssrv.aot", "./usr/lib/rsio/aot/rsiod.aot",
                "./usr/share/bash-completion/completions/rsconfig")) {
            assertTrue(contents.stdout().contains(" " + path + "\n") || contents.stdout().contains(" " + path + " -> "),
                    path + " in the package");
        }
        assertFalse(contents.stdout().contains(" ./etc/"), "no file in /etc: an admin's configs are never overwritten");
    }

    @Test
    void runtimeHoldsExactlyTheModulesJdepsFindsAndNoJdk() throws Exception {
        BuiltPackage pkg = BuiltPackage.get();
        Path runtime = pkg.stage.resolve("usr/lib/rsio/runtime");
        String modulesLine = pkg.build.stderr().lines().filter(l -> l.startsWith("modules: ")).findFirst()
                .orElseThrow(() -> new AssertionError(pkg.build.toString()));
        Set<String> wanted = new TreeSet<>(Arrays.asList(modulesLine.substring(9).split(",")));
        Run list = Run.of(Duration.ofMinutes(1), runtime.resolve("bin/java").toString(), "--list-modules");
        Set<String> present = list.stdout().lines().map(l -> l.replaceAll("@.*", "")).collect(Collectors.toCollection(TreeSet::new));
        // jlink adds what the named modules require themselves.
        assertTrue(present.containsAll(wanted), present + " holds " + wanted);
        assertFalse(present.contains("jdk.compiler") || present.contains("jdk.jlink"), "no JDK tools: " + present);
        assertFalse(Files.exists(runtime.resolve("bin/javac")));
    }

    /**
     * The ahead-of-time caches made by the training run are ones the daemons can use: the
     * packaged JVM, with the daemons' own options (jvm.sh) and their class path moved from the
     * stage to where it lies, accepts each (aot.sh's check, the one the launcher makes).
     */
    @Test
    void daemonsAcceptTheirAheadOfTimeCachesFromAMovedClassPath() throws Exception {
        BuiltPackage pkg = BuiltPackage.get();
        Path lib = pkg.stage.resolve("usr/lib/rsio");
        String launcher = Files.readString(lib.resolve("launcher.sh"));
        java.util.regex.Matcher cp = java.util.regex.Pattern.compile("-cp \"(/usr/lib/rsio/lib/[^\"]+)\"").matcher(launcher);
        assertTrue(cp.find(), "the launcher's class path:\n" + launcher);
        String movedClassPath = cp.group(1).replace("/usr/lib/rsio/", lib + "/");
        for (String daemon : List.of("rssrv", "rsiod")) {
            Path state = Files.createTempDirectory("rsio-aot-state");
            String script = ". " + lib.resolve("jvm.sh") + "; . " + lib.resolve("aot.sh") + "; opts=(); "
                    + "rsio_jvm_options opts daemon " + daemon + "; "
                    + "rsio_aot_options opts " + daemon + " " + lib.resolve("aot/" + daemon + ".aot") + " " + state + " "
                    + lib.resolve("runtime/bin/java") + " \"$1\" && echo accepted";
            Run check = Run.of(Duration.ofMinutes(1), "bash", "-c", script, "check", movedClassPath);
            assertEquals("accepted\n", check.stdout(), daemon + ": " + check);
            assertEquals("", check.stderr(), daemon + ": " + check);
        }
    }
}
