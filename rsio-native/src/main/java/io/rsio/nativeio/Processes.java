package io.rsio.nativeio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;

/** What {@code /proc} says about other processes: who has a file open (like fuser), and thread ids. */
public final class Processes {
    private static final Path PROC = Path.of("/proc");

    /** A process holding one of the files asked about. */
    public record Opener(int pid, String command, Path file) {
        @Override
        public String toString() {
            return "pid " + pid + " (" + command + ")";
        }
    }

    private Processes() {}

    /** The process (thread group) a thread id belongs to, from {@code /proc/TID/status}. */
    public static OptionalInt tgidOf(int tid) {
        try {
            for (String line : Files.readAllLines(PROC.resolve(Integer.toString(tid)).resolve("status"))) {
                if (line.startsWith("Tgid:")) {
                    return OptionalInt.of(Integer.parseInt(line.substring(5).trim()));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the thread is gone
        }
        return OptionalInt.empty();
    }

    /** The command name of a process ({@code /proc/PID/comm}), or "?" once it is gone. */
    public static String commandOf(int pid) {
        try {
            return Files.readString(PROC.resolve(Integer.toString(pid)).resolve("comm"), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "?";
        }
    }

    /**
     * Every process other than this one with a descriptor open on one of {@code files}
     * (compared after resolving symlinks), found by reading each {@code /proc/PID/fd/*} link.
     * Processes that vanish meanwhile, or whose descriptors cannot be read, are skipped.
     */
    public static List<Opener> openersOf(Collection<Path> files) {
        Set<String> wanted = files.stream().map(Processes::real).collect(Collectors.toSet());
        long self = ProcessHandle.current().pid();
        List<Opener> found = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(PROC, p -> isNumber(p.getFileName().toString()))) {
            for (Path proc : procs) {
                int pid = Integer.parseInt(proc.getFileName().toString());
                if (pid == self) {
                    continue;
                }
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
                    for (Path fd : fds) {
                        String target;
                        try {
                            target = Files.readSymbolicLink(fd).toString();
                        } catch (IOException e) {
                            continue;
                        }
                        if (wanted.contains(target)) {
                            found.add(new Opener(pid, commandOf(pid), Path.of(target)));
                            break;
                        }
                    }
                } catch (IOException e) {
                    // gone, or not ours to read
                }
            }
        } catch (IOException e) {
            return found;
        }
        return found;
    }

    private static String real(Path p) {
        try {
            return p.toRealPath().toString();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize().toString();
        }
    }

    private static boolean isNumber(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
