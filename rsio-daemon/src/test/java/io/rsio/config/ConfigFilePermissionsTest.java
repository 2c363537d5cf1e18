package io.rsio.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigFilePermissionsTest {
    private static final Path FILE = Path.of("/etc/dvsc/rssrvcfg");

    private static ConfigFilePermissions judge(String owner, String mode, String runningAs) {
        return ConfigFilePermissions.judge(FILE, owner, PosixFilePermissions.fromString(mode), runningAs);
    }

    @Test
    void rootOwnedPrivateFileIsFine() {
        assertEquals(new ConfigFilePermissions(List.of(), java.util.Optional.empty()), judge("root", "rw-------", "root"));
        assertEquals(List.of(), judge("root", "r--------", "rsio").warnings());
        assertTrue(judge("rsio", "rw-------", "rsio").refusal().isEmpty());
    }

    @Test
    void readableByOthersStartsWithAWarningThatSaysWhatToDo() {
        ConfigFilePermissions p = judge("root", "rw-r--r--", "root");
        assertTrue(p.refusal().isEmpty());
        assertEquals(List.of("/etc/dvsc/rssrvcfg holds node keys and is readable by other users (rw-r--r--); "
                + "chmod 600 /etc/dvsc/rssrvcfg"), p.warnings());
        assertEquals(1, judge("root", "rw-r-----", "root").warnings().size());
    }

    @Test
    void writableByOthersOrOwnedBySomeoneElseIsRefused() {
        assertTrue(judge("root", "rw-rw-r--", "root").refusal().orElseThrow().contains("may be changed by other users"));
        assertTrue(judge("root", "rw----rw-", "root").refusal().isPresent());
        assertEquals("/etc/dvsc/rssrvcfg belongs to user bob, who could change keys and volumes; refusing to use it "
                + "(chown root /etc/dvsc/rssrvcfg)", judge("bob", "rw-------", "root").refusal().orElseThrow());
    }
}
