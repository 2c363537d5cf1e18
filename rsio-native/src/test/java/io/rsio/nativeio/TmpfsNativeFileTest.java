package io.rsio.nativeio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Behaviour that needs a filesystem we control: a tiny tmpfs (root only, else skipped). */
class TmpfsNativeFileTest {
    @TempDir
    Path dir;

    @Test
    void writingPastAFullFilesystemFailsWithEnospc() throws IOException {
        try (TmpfsMount tmpfs = TmpfsMount.mount(dir, "1M")) {
            Path file = tmpfs.dir().resolve("big");
            NativeException e;
            try (NativeFile f = NativeFile.open(file, false, true, false); Arena arena = Arena.ofConfined()) {
                MemorySegment twoMiB = arena.allocate(2 << 20);
                e = assertThrows(NativeException.class, () -> f.pwrite(twoMiB, 0));
            }
            assertEquals(LinuxErrno.ENOSPC, e.errno());
            assertTrue(e.getMessage().contains("ENOSPC (No space left on device)"), e.getMessage());
            assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        }
    }

    @Test
    void zeroRangeFallsBackToWritingZerosWhereTheFilesystemLacksIt() throws IOException {
        // tmpfs punches holes but answers EOPNOTSUPP to FALLOC_FL_ZERO_RANGE.
        try (TmpfsMount tmpfs = TmpfsMount.mount(dir, "8M")) {
            Path file = tmpfs.dir().resolve("z");
            byte[] data = new byte[3 << 20];
            Arrays.fill(data, (byte) 0x5a);
            Files.write(file, data);
            try (NativeFile f = NativeFile.open(file, false, false, false)) {
                f.zeroRange(100, (2 << 20) + 5);
            }
            byte[] expected = data.clone();
            Arrays.fill(expected, 100, 100 + (2 << 20) + 5, (byte) 0);
            assertArrayEquals(expected, Files.readAllBytes(file));
        }
    }
}
