package io.rsio.server.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.block.BlockException;
import io.rsio.block.Errno;
import io.rsio.config.ConfigValues;
import io.rsio.nativeio.NativeFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileVolumeStoreTest extends VolumeStoreContract {
    @TempDir
    Path dir;

    @Override
    VolumeStore create(String name, boolean readOnly) throws IOException {
        Path file = dir.resolve(name + ".img");
        if (readOnly) {
            // A read-only volume is never created: make its file first.
            FileVolumeStore.open(name, file, OptionalLong.of(SIZE), BLOCK, false).close();
        }
        return FileVolumeStore.open(name, file, OptionalLong.of(SIZE), BLOCK, readOnly);
    }

    private static long allocatedBytes(Path file) throws IOException {
        try (NativeFile f = NativeFile.open(file, true, false, false)) {
            return f.allocatedBytes();
        }
    }

    @Test
    void missingFileIsCreatedSparseWithTheConfiguredSize() throws Exception {
        Path file = dir.resolve("new.img");
        try (FileVolumeStore s = FileVolumeStore.open("new", file, OptionalLong.of(1L << 30), 4096, false)) {
            assertEquals(1L << 30, s.size());
            assertFalse(s.isBlockDevice());
        }
        assertEquals(1L << 30, Files.size(file));
        assertTrue(allocatedBytes(file) < (64 << 10), "sparse, allocated " + allocatedBytes(file));
    }

    @Test
    void dataSurvivesCloseAndReopen() throws Exception {
        Path file = dir.resolve("keep.img");
        byte[] data = random(new Random(2), 300_000);
        try (FileVolumeStore s = FileVolumeStore.open("keep", file, OptionalLong.of(SIZE), BLOCK, false)) {
            write(s, 12_345, data, false);
            s.flush();
        }
        try (FileVolumeStore s = FileVolumeStore.open("keep", file, OptionalLong.empty(), BLOCK, true)) {
            assertEquals(SIZE, s.size(), "size comes from the file when none is configured");
            assertArrayEquals(data, read(s, 12_345, data.length));
        }
    }

    @Test
    void missingFileWithoutSizeIsAClearError() {
        Path file = dir.resolve("nosize.img");
        IOException e = assertThrows(IOException.class,
                () -> FileVolumeStore.open("nosize", file, OptionalLong.empty(), BLOCK, false));
        assertEquals(file + " does not exist and no size is configured to create it", e.getMessage());
        assertEquals("path", ((VolumeSetupException) e).key());
        assertFalse(Files.exists(file));
    }

    @Test
    void missingReadOnlyFileIsNotCreated() {
        Path file = dir.resolve("ro.img");
        IOException e = assertThrows(IOException.class,
                () -> FileVolumeStore.open("ro", file, OptionalLong.of(SIZE), BLOCK, true));
        assertTrue(e.getMessage().contains("read-only volume is never created"), e.getMessage());
        assertFalse(Files.exists(file));
    }

    @Test
    void smallerFileIsGrownSparseAndKeepsItsData() throws Exception {
        Path file = dir.resolve("grow.img");
        byte[] head = random(new Random(3), 10_000);
        Files.write(file, head);
        try (FileVolumeStore s = FileVolumeStore.open("grow", file, OptionalLong.of(SIZE), BLOCK, false)) {
            assertEquals(SIZE, s.size());
            assertArrayEquals(head, read(s, 0, head.length));
            assertArrayEquals(new byte[4096], read(s, SIZE - 4096, 4096));
        }
        assertEquals(SIZE, Files.size(file));
        assertTrue(allocatedBytes(file) < (1 << 20), "the grown part is a hole");
    }

    @Test
    void fileLargerThanTheConfiguredSizeIsRefusedAndKeptWhole() throws Exception {
        Path file = dir.resolve("larger.img");
        try (NativeFile f = NativeFile.open(file, false, true, false)) {
            f.truncate(SIZE * 2);
        }
        VolumeSetupException e = assertThrows(VolumeSetupException.class,
                () -> FileVolumeStore.open("larger", file, OptionalLong.of(SIZE), BLOCK, false));
        assertEquals("size", e.key());
        assertEquals("size " + ConfigValues.formatSize(SIZE) + " is smaller than " + file + " (" + SIZE * 2
                + " bytes): rssrv never shrinks a volume or serves only its beginning; write size = "
                + ConfigValues.formatSize(SIZE * 2) + ", or leave size out to serve the whole file", e.getMessage());
        assertEquals(SIZE * 2, Files.size(file), "the file is left as it was");
    }

    @Test
    void missingDirectoryIsNamed() {
        Path file = dir.resolve("no-such-dir").resolve("v.img");
        VolumeSetupException e = assertThrows(VolumeSetupException.class,
                () -> FileVolumeStore.open("v", file, OptionalLong.of(SIZE), BLOCK, false));
        assertEquals(file + " cannot be created: directory " + file.getParent() + " does not exist", e.getMessage());
        assertEquals("path", e.key());
    }

    @Test
    void withoutAConfiguredSizeTheWholeFileIsServedRoundedDownToBlocks() throws Exception {
        Path file = dir.resolve("large.img");
        try (NativeFile f = NativeFile.open(file, false, true, false)) {
            f.truncate(SIZE * 2 + 1000);
        }
        try (FileVolumeStore s = FileVolumeStore.open("large", file, OptionalLong.empty(), BLOCK, false)) {
            assertEquals(SIZE * 2, s.size(), "the file's size, in whole blocks");
            BlockException e = assertThrows(BlockException.class, () -> read(s, SIZE * 2, 1000));
            assertEquals(Errno.EINVAL, e.errno(), "the partial block at the end is not part of the volume");
        }
        assertEquals(SIZE * 2 + 1000, Files.size(file));
    }

    @Test
    void fileSmallerThanOneBlockOrNotAFileIsRefused() throws Exception {
        Path tiny = dir.resolve("tiny.img");
        Files.write(tiny, new byte[100]);
        IOException e = assertThrows(IOException.class,
                () -> FileVolumeStore.open("tiny", tiny, OptionalLong.empty(), BLOCK, true));
        assertTrue(e.getMessage().contains("less than one block"), e.getMessage());

        Path subdir = Files.createDirectory(dir.resolve("adir"));
        e = assertThrows(IOException.class, () -> FileVolumeStore.open("adir", subdir, OptionalLong.empty(), BLOCK, true));
        assertTrue(e.getMessage().contains("neither a regular file nor a block device"), e.getMessage());
    }

    @Test
    void discardPunchesHoles() throws Exception {
        Path file = dir.resolve("oracle.img");
        VolumeStore s = store();
        write(s, 0, random(new Random(4), 4 << 20), true);
        long before = allocatedBytes(file);
        s.discard(0, 2 << 20);
        long after = allocatedBytes(file);
        assertTrue(before - after >= (2 << 20), "allocation went " + before + " -> " + after);
        s.writeZeroes(2 << 20, 1 << 20, true);
        assertTrue(after - allocatedBytes(file) >= (1 << 20), "write-zeroes may punch holes too");
    }

    @Test
    void writeZeroesWithoutHolesKeepsTheSpaceReserved() throws Exception {
        Path file = dir.resolve("oracle.img");
        VolumeStore s = store();
        write(s, 0, random(new Random(4), 2 << 20), true);
        long before = allocatedBytes(file);
        s.writeZeroes(0, 2 << 20, false);
        assertEquals(before, allocatedBytes(file));
        assertArrayEquals(new byte[2 << 20], read(s, 0, 2 << 20));
    }

    @Test
    void fullFilesystemGivesEnospc() throws Exception {
        Path mountPoint = Files.createDirectory(dir.resolve("mnt"));
        try (AutoCloseable tmpfs = RootOnly.tmpfs(mountPoint, "1M");
                FileVolumeStore s = FileVolumeStore.open("full", mountPoint.resolve("full.img"), OptionalLong.of(SIZE),
                        BLOCK, false)) {
            assertEquals(SIZE, s.size(), "sparse creation fits even though the filesystem is smaller");
            BlockException e = assertThrows(BlockException.class, () -> write(s, 0, new byte[2 << 20], false));
            assertEquals(Errno.ENOSPC, e.errno(), e.getMessage());
            assertTrue(e.getMessage().startsWith("write of 2097152 bytes at 0 on volume full failed: "), e.getMessage());
            // Freeing space makes writes work again.
            s.discard(0, SIZE);
            write(s, 0, new byte[4096], true);
        }
    }

    @Test
    void blockDeviceUsesTheDeviceSizeAndDiscards() throws Exception {
        Path backing = dir.resolve("backing.img");
        try (NativeFile f = NativeFile.open(backing, false, true, false)) {
            f.truncate(16 << 20);
        }
        try (RootOnly.Loop loop = RootOnly.Loop.attach(backing);
                FileVolumeStore s = FileVolumeStore.open("dev", loop.device(), OptionalLong.of(1L << 40), 512, false)) {
            assertTrue(s.isBlockDevice());
            assertEquals(16 << 20, s.size(), "the configured size is ignored for devices");
            byte[] data = random(new Random(12), 1 << 20);
            write(s, 0, data, true);
            s.discard(0, 64 << 10);
            s.writeZeroes(64 << 10, 64 << 10, false);
            s.writeZeroes(128 << 10, 64 << 10, true);
            s.flush();
            byte[] expected = data.clone();
            // The loop driver discards by punching holes in its backing file: zeros.
            Arrays.fill(expected, 0, 192 << 10, (byte) 0);
            assertArrayEquals(expected, read(s, 0, data.length));
            BlockException e = assertThrows(BlockException.class, () -> read(s, 16 << 20, 512));
            assertEquals(Errno.EINVAL, e.errno());
        }
    }
}
