package io.rsio.nativeio;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The mounts of this process's mount namespace, from {@code /proc/self/mountinfo}
 * (proc(5)): which filesystem is mounted where, from which device.
 */
public final class MountTable {
    private static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    /** One mount. {@code major}/{@code minor} are the device the filesystem lives on. */
    public record Mount(int id, int parentId, int major, int minor, String root, Path mountPoint, String fsType,
                        String source) {
        public boolean isDevice(int major, int minor) {
            return this.major == major && this.minor == minor;
        }
    }

    private MountTable() {}

    /** The current mounts; an unreadable table is an IOException. */
    public static List<Mount> read() throws IOException {
        return parse(Files.readString(MOUNTINFO, StandardCharsets.UTF_8));
    }

    /** Parses mountinfo text; lines that do not have the documented shape are skipped. */
    public static List<Mount> parse(String text) {
        List<Mount> mounts = new ArrayList<>();
        for (String line : text.split("\n")) {
            Mount m = parseLine(line);
            if (m != null) {
                mounts.add(m);
            }
        }
        return List.copyOf(mounts);
    }

    /**
     * {@code 36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue}:
     * id, parent, major:minor, root, mount point, options, optional fields up to "-", then
     * type, source, super options.
     */
    static Mount parseLine(String line) {
        String[] f = line.trim().split(" ");
        if (f.length < 10) {
            return null;
        }
        int dash = -1;
        for (int i = 6; i < f.length; i++) {
            if (f[i].equals("-")) {
                dash = i;
                break;
            }
        }
        if (dash < 0 || dash + 2 >= f.length) {
            return null;
        }
        String[] dev = f[2].split(":");
        try {
            return new Mount(Integer.parseInt(f[0]), Integer.parseInt(f[1]), Integer.parseInt(dev[0]),
                    Integer.parseInt(dev[1]), unescape(f[3]), Path.of(unescape(f[4])), unescape(f[dash + 1]),
                    unescape(f[dash + 2]));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The kernel writes space, tab, newline and backslash in names as octal escapes (\040). */
    static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && isOctal(field, i + 1)) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static boolean isOctal(String s, int from) {
        if (from + 3 > s.length()) {
            return false;
        }
        for (int i = from; i < from + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return true;
    }
}
