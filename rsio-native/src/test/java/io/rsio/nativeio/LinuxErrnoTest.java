package io.rsio.nativeio;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LinuxErrnoTest {
    @Test
    void namesMatchTheCLibrary() throws Throwable {
        // glibc 2.32+ knows the names; older C libraries skip this check.
        Linker linker = Linker.nativeLinker();
        Optional<MemorySegment> symbol = linker.defaultLookup().find("strerrorname_np");
        assumeTrue(symbol.isPresent(), "C library without strerrorname_np");
        MethodHandle strerrorname = linker.downcallHandle(symbol.get(), FunctionDescriptor.of(ADDRESS, JAVA_INT));
        int compared = 0;
        for (int errno = 1; errno <= LinuxErrno.highestKnown(); errno++) {
            MemorySegment name = (MemorySegment) strerrorname.invokeExact(errno);
            if (name.equals(MemorySegment.NULL) || errno == 41 || errno == 58) {
                continue; // 41 and 58 are unused numbers
            }
            assertEquals(name.reinterpret(64).getString(0), LinuxErrno.name(errno), "errno " + errno);
            compared++;
        }
        assertEquals(LinuxErrno.highestKnown() - 2, compared);
    }

    @Test
    void unknownNumbersGetAReadableName() {
        assertEquals("errno 999", LinuxErrno.name(999));
        assertEquals("errno 0", LinuxErrno.name(0));
        assertEquals("ENOSPC", LinuxErrno.name(LinuxErrno.ENOSPC));
    }

    @Test
    void geteuidIsTheOwnerOfFilesThisProcessCreates() throws Exception {
        Path file = Files.createTempFile("rsio-euid", ".tmp");
        try {
            assertEquals(Files.getAttribute(file, "unix:uid"), Posix.geteuid());
        } finally {
            Files.delete(file);
        }
    }
}
