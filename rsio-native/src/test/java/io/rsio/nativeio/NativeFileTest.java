package io.rsio.nativeio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NativeFileTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    @Test
    void aGatheringWriteLaysItsPartsBackToBackAtTheOffset() throws IOException {
        Random random = new Random(7);
        Path file = dir.resolve("gather.img");
        try (NativeFile f = NativeFile.open(file, false, true, false); Arena arena = Arena.ofConfined()) {
            f.truncate(MIB);
            // Up to 1024 parts in one pwritev; 1025 and more go through one staging copy, as do heap parts.
            for (int parts : new int[] {1, 2, 3, 64, 65, 200, 1024, 1025, -3}) {
                boolean heap = parts < 0;
                parts = Math.abs(parts);
                byte[] expected = new byte[parts * 517];
                random.nextBytes(expected);
                java.util.List<MemorySegment> segments = new java.util.ArrayList<>();
                for (int i = 0; i < parts; i++) {
                    MemorySegment part = heap && i == 1 ? MemorySegment.ofArray(new byte[517]) : arena.allocate(517);
                    MemorySegment.copy(expected, i * 517, part, ValueLayout.JAVA_BYTE, 0, 517);
                    segments.add(part);
                }
                int offset = 4096 + parts;
                assertEquals(expected.length, f.pwrite(segments, offset));
                MemorySegment back = arena.allocate(expected.length);
                assertEquals(expected.length, f.pread(back, offset));
                assertArrayEquals(expected, back.toArray(ValueLayout.JAVA_BYTE), parts + " parts" + (heap ? ", one on the heap" : ""));
            }
        }
    }

    @Test
    void writesAtRandomOffsetsReadBackLikeAnInMemoryModel() throws IOException {
        Random random = new Random(42);
        byte[] model = new byte[8 * MIB];
        Path file = dir.resolve("vol.img");
        try (NativeFile f = NativeFile.open(file, false, true, false); Arena arena = Arena.ofConfined()) {
            f.truncate(model.length);
            for (int i = 0; i < 200; i++) {
                int length = 1 + random.nextInt(64 * 1024);
                int offset = random.nextInt(model.length - length);
                byte[] data = new byte[length];
                random.nextBytes(data);
                MemorySegment src = arena.allocate(length);
                MemorySegment.copy(data, 0, src, ValueLayout.JAVA_BYTE, 0, length);
                assertEquals(length, f.pwrite(src, offset));
                System.arraycopy(data, 0, model, offset, length);
            }
            for (int i = 0; i < 100; i++) {
                int length = 1 + random.nextInt(128 * 1024);
                int offset = random.nextInt(model.length - length);
                MemorySegment dst = arena.allocate(length);
                assertEquals(length, f.pread(dst, offset));
                assertArrayEquals(Arrays.copyOfRange(model, offset, offset + length), dst.toArray(ValueLayout.JAVA_BYTE),
                        "read of " + length + " at " + offset);
            }
        }
        assertArrayEquals(model, Files.readAllBytes(file), "file contents seen through java.nio");
    }

    @Test
    void readStopsShortAtEndOfFile() throws IOException {
        Path file = dir.resolve("short");
        Files.write(file, new byte[10_000]);
        try (NativeFile f = NativeFile.open(file, true, false, false); Arena arena = Arena.ofConfined()) {
            assertEquals(10_000 - 8192, f.pread(arena.allocate(4096), 8192));
            assertEquals(0, f.pread(arena.allocate(4096), 20_000));
            assertEquals(10_000, f.size());
        }
    }

    @Test
    void byteBufferOverloadsMovePositionLikeFileChannel() throws IOException {
        Path file = dir.resolve("bb");
        try (NativeFile f = NativeFile.open(file, false, true, false)) {
            ByteBuffer src = ByteBuffer.allocateDirect(100);
            for (int i = 0; i < 100; i++) {
                src.put((byte) i);
            }
            src.flip().position(10);
            assertEquals(90, f.pwrite(src, 1000));
            assertEquals(100, src.position());

            ByteBuffer dst = ByteBuffer.allocateDirect(200).position(5).limit(50);
            assertEquals(45, f.pread(dst, 1000));
            assertEquals(50, dst.position());
            assertEquals(10, dst.get(5));
            assertEquals(54, dst.get(49));
            assertEquals(1090, f.size());
            assertThrows(IllegalArgumentException.class, () -> f.pread(ByteBuffer.allocate(10), 0),
                    "heap buffers cannot be handed to the kernel");
            assertThrows(IllegalArgumentException.class, () -> f.pwrite(MemorySegment.ofArray(new byte[10]), 0));
        }
    }

    @Test
    void fdatasyncSucceedsAndDataIsVisibleToOtherReaders() throws IOException {
        Path file = dir.resolve("sync");
        try (NativeFile f = NativeFile.open(file, false, true, false); Arena arena = Arena.ofConfined()) {
            f.pwrite(arena.allocateFrom("durable"), 0);
            f.fdatasync();
        }
        assertEquals("durable\0", Files.readString(file));
    }

    @Test
    void punchHoleReadsZerosAndFreesBlocks() throws IOException {
        Path file = dir.resolve("holes");
        byte[] data = new byte[4 * MIB];
        new Random(7).nextBytes(data);
        Files.write(file, data);
        try (NativeFile f = NativeFile.open(file, false, false, false); Arena arena = Arena.ofConfined()) {
            f.fdatasync();
            long before = f.allocatedBytes();
            assertTrue(before >= 4 * MIB, "fully written file occupies its size, got " + before);

            f.punchHole(MIB, 2 * MIB);

            assertEquals(4 * MIB, f.size(), "size is kept");
            long after = f.allocatedBytes();
            assertTrue(before - after >= 2 * MIB, "punched 2 MiB, allocation went " + before + " -> " + after);
            MemorySegment all = arena.allocate(4 * MIB);
            assertEquals(4 * MIB, f.pread(all, 0));
            byte[] expected = data.clone();
            Arrays.fill(expected, MIB, 3 * MIB, (byte) 0);
            assertArrayEquals(expected, all.toArray(ValueLayout.JAVA_BYTE));
        }
    }

    @Test
    void zeroRangeReadsZerosAndKeepsTheRest() throws IOException {
        Path file = dir.resolve("zero");
        byte[] data = new byte[MIB];
        new Random(8).nextBytes(data);
        Files.write(file, data);
        try (NativeFile f = NativeFile.open(file, false, false, false)) {
            f.zeroRange(4096, 12_288);
            assertEquals(MIB, f.size());
        }
        byte[] expected = data.clone();
        Arrays.fill(expected, 4096, 4096 + 12_288, (byte) 0);
        assertArrayEquals(expected, Files.readAllBytes(file));
    }

    @Test
    void holesAreFoundAndACopyInTheKernelKeepsDataAndHoles() throws IOException {
        Path from = dir.resolve("sparse.img");
        Path to = dir.resolve("copy.img");
        byte[] data = new byte[MIB];
        new Random(3).nextBytes(data);
        try (NativeFile f = NativeFile.open(from, false, true, false); NativeFile t = NativeFile.open(to, false, true, false)) {
            f.truncate(16L * MIB);
            f.pwrite(ByteBuffer.allocateDirect(MIB).put(data).flip(), 8L * MIB);
            assertEquals(8L * MIB, f.nextData(0), "the first data is the block written");
            assertEquals(9L * MIB, f.nextHole(8L * MIB), "a hole follows it");
            assertEquals(-1, f.nextData(9L * MIB), "no data after it");
            assertEquals(9L * MIB, f.nextHole(9L * MIB), "an offset in a hole is its own next hole");

            t.truncate(16L * MIB);
            assertEquals(MIB, f.copyTo(t, 8L * MIB, MIB));
            assertEquals(0, f.copyTo(t, 16L * MIB, MIB), "nothing past the end");
            ByteBuffer back = ByteBuffer.allocateDirect(MIB);
            t.pread(back, 8L * MIB);
            assertArrayEquals(data, toArray(back.flip()));
            assertTrue(t.allocatedBytes() < 4L * MIB, "the copy stays sparse: " + t.allocatedBytes());
        }
    }

    private static byte[] toArray(ByteBuffer b) {
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    @Test
    void truncateGrowsSparse() throws IOException {
        Path file = dir.resolve("sparse");
        try (NativeFile f = NativeFile.open(file, false, true, false)) {
            f.truncate(1L << 30);
            assertEquals(1L << 30, f.size());
            assertTrue(f.allocatedBytes() < MIB, "a grown file is a hole, allocated " + f.allocatedBytes());
            assertFalse(f.isBlockDevice());
            assertTrue(f.isRegularFile());
        }
        try (NativeFile d = NativeFile.open(dir, true, false, false)) {
            assertFalse(d.isRegularFile(), "a directory");
            assertFalse(d.isBlockDevice());
        }
        assertEquals(1L << 30, Files.size(file));
    }

    @Test
    void openMissingFileWithoutCreateFailsWithEnoent() {
        Path missing = dir.resolve("missing.img");
        NativeException e = assertThrows(NativeException.class, () -> NativeFile.open(missing, false, false, false));
        assertEquals(LinuxErrno.ENOENT, e.errno());
        assertEquals("ENOENT", e.errnoName());
        assertEquals("open failed on " + missing + ": ENOENT (No such file or directory)", e.getMessage());
        assertFalse(Files.exists(missing));
    }

    @Test
    void createdFileIsPrivateToItsOwner() throws IOException {
        Path file = dir.resolve("private");
        NativeFile.open(file, false, true, false).close();
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    }

    @Test
    void writeToReadOnlyDescriptorFailsWithEbadf() throws IOException {
        Path file = dir.resolve("ro");
        Files.write(file, new byte[4096]);
        try (NativeFile f = NativeFile.open(file, true, false, false); Arena arena = Arena.ofConfined()) {
            NativeException e = assertThrows(NativeException.class, () -> f.pwrite(arena.allocate(512), 0));
            assertEquals(LinuxErrno.EBADF, e.errno());
            assertTrue(e.getMessage().startsWith("pwrite of 512 bytes at 0 failed on " + file + ": EBADF"), e.getMessage());
        }
    }

    @Test
    void blockDeviceIoctlOnRegularFileFailsWithEnotty() throws IOException {
        Path file = dir.resolve("notblk");
        Files.write(file, new byte[8192]);
        try (NativeFile f = NativeFile.open(file, false, false, false)) {
            NativeException e = assertThrows(NativeException.class, () -> f.discardBlocks(0, 4096));
            assertEquals(LinuxErrno.ENOTTY, e.errno());
        }
    }

    @Test
    void callsAfterCloseFailAndCloseIsIdempotent() throws IOException {
        Path file = dir.resolve("closed");
        NativeFile f = NativeFile.open(file, false, true, false);
        f.close();
        f.close();
        try (Arena arena = Arena.ofConfined()) {
            assertThrows(ClosedChannelException.class, () -> f.pread(arena.allocate(10), 0));
            assertThrows(ClosedChannelException.class, f::fdatasync);
            assertThrows(ClosedChannelException.class, f::size);
        }
    }

    @Test
    void closeWhileOtherThreadsReadNeverServesAnotherFilesData() throws Exception {
        Path file = dir.resolve("race");
        byte[] ones = new byte[4096];
        Arrays.fill(ones, (byte) 1);
        Files.write(file, ones);
        for (int round = 0; round < 20; round++) {
            NativeFile f = NativeFile.open(file, true, false, false);
            var failures = new java.util.concurrent.ConcurrentLinkedQueue<String>();
            Thread[] readers = new Thread[4];
            for (int t = 0; t < readers.length; t++) {
                readers[t] = Thread.ofPlatform().start(() -> {
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment buf = arena.allocate(4096);
                        for (int i = 0; i < 10_000; i++) {
                            buf.fill((byte) 0);
                            int n = f.pread(buf, 0);
                            if (n != 4096 || buf.get(ValueLayout.JAVA_BYTE, 4095) != 1) {
                                failures.add("read " + n + " bytes, last byte " + buf.get(ValueLayout.JAVA_BYTE, 4095));
                            }
                        }
                    } catch (ClosedChannelException expected) {
                        // the file was closed under us: that is the one allowed failure
                    } catch (IOException e) {
                        failures.add(e.toString());
                    }
                });
            }
            Thread.sleep(1);
            f.close();
            // Reuse freed descriptor numbers at once, so a use-after-close would read zeros.
            Path other = dir.resolve("other" + round);
            Files.write(other, new byte[4096]);
            try (NativeFile reuse = NativeFile.open(other, true, false, false)) {
                for (Thread t : readers) {
                    t.join(10_000);
                }
            }
            assertTrue(failures.isEmpty(), failures.toString());
        }
    }
}
