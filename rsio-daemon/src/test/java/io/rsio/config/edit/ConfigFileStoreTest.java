package io.rsio.config.edit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileStoreTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFileLoadsAsTheFreshConfigAndIsCreated0600() throws Exception {
        Path file = dir.resolve("etc/rscltcfg");
        ConfigFileStore store = new ConfigFileStore(file);
        ConfigFileStore.Loaded loaded = store.load();
        assertFalse(loaded.existed());
        assertEquals(ClientConfigEditor.freshText(), loaded.text());
        store.save(loaded.text(), loaded.snapshot());
        assertEquals(loaded.text(), Files.readString(file));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertFalse(Files.exists(store.backup()), "nothing to back up the first time");
        assertNoTempFiles(file.getParent());
    }

    @Test
    void aSaveKeepsTheOldVersionAsBackupAndChainsSnapshots() throws Exception {
        Path file = dir.resolve("rscltcfg");
        Files.writeString(file, "[defaults]\nport = 5000\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        ConfigFileStore store = new ConfigFileStore(file);
        ConfigFileStore.Loaded loaded = store.load();
        ConfigFileStore.Snapshot s1 = store.save("[defaults]\nport = 5001\n", loaded.snapshot());
        assertEquals("[defaults]\nport = 5000\n", Files.readString(store.backup()));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                "a file with keys is made owner-only");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(store.backup())));
        store.save("[defaults]\nport = 5002\n", s1);
        assertEquals("[defaults]\nport = 5002\n", Files.readString(file));
        assertEquals("[defaults]\nport = 5000\n", Files.readString(store.backup()),
                "the version from before this session stays the backup");
        assertNoTempFiles(dir);
    }

    @Test
    void aFileChangedOnDiskSinceLoadingIsNotOverwritten() throws Exception {
        Path file = dir.resolve("rscltcfg");
        Files.writeString(file, "[defaults]\nport = 5000\n");
        ConfigFileStore store = new ConfigFileStore(file);
        ConfigFileStore.Loaded loaded = store.load();
        Files.writeString(file, "# edited by hand meanwhile\n[defaults]\nport = 5000\n");
        assertTrue(store.changedSince(loaded.snapshot()));
        ConfigFileStore.ChangedOnDiskException e = assertThrows(ConfigFileStore.ChangedOnDiskException.class,
                () -> store.save("[defaults]\nport = 5001\n", loaded.snapshot()));
        assertTrue(e.getMessage().contains("changed on disk"), e.getMessage());
        assertEquals("# edited by hand meanwhile\n[defaults]\nport = 5000\n", Files.readString(file));
        assertFalse(Files.exists(store.backup()));
    }

    @Test
    void aFileCreatedMeanwhileIsNotOverwrittenEither() throws Exception {
        Path file = dir.resolve("rscltcfg");
        ConfigFileStore store = new ConfigFileStore(file);
        ConfigFileStore.Loaded loaded = store.load();
        Files.writeString(file, "[defaults]\n");
        assertThrows(ConfigFileStore.ChangedOnDiskException.class, () -> store.save(loaded.text(), loaded.snapshot()));
    }

    @Test
    void invalidTextIsNeverWritten() throws Exception {
        Path file = dir.resolve("rscltcfg");
        Files.writeString(file, "[defaults]\n");
        ConfigFileStore store = new ConfigFileStore(file);
        ConfigFileStore.Loaded loaded = store.load();
        ConfigException e = assertThrows(ConfigException.class, () -> store.save("[defaults]\nport = x\n",
                loaded.snapshot()));
        assertEquals(file + ":2: port must be a number from 1 to 65535, found \"x\"", e.getMessage());
        assertEquals("[defaults]\n", Files.readString(file));
    }

    private static void assertNoTempFiles(Path dir) throws Exception {
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(0, files.filter(p -> p.getFileName().toString().endsWith(".tmp")).count());
        }
    }
}
