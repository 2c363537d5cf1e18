package io.rsio.admin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds mounted file systems on RSIO devices ({@code $RSIO_DEV_DIR/av*}), which stopping rsiod
 * would pull from under their users. Reads {@code /proc/self/mounts}.
 */
public final class MountCheck {
    private MountCheck() {}

    /** "SOURCE on TARGET" for each mount whose source lies under {@code devDir}/av*. */
    public static List<String> rsioMounts(Path devDir, Path mountsFile) {
        List<String> out = new ArrayList<>();
        String prefix = devDir.toAbsolutePath().normalize() + "/av";
        List<String> lines;
        try {
            lines = Files.readAllLines(mountsFile);
        } catch (IOException e) {
            return out;
        }
        for (String line : lines) {
            String[] f = line.split(" ");
            if (f.length >= 2 && unescape(f[0]).startsWith(prefix)) {
                out.add(unescape(f[0]) + " on " + unescape(f[1]));
            }
        }
        return out;
    }

    public static List<String> rsioMounts(Path devDir) {
        return rsioMounts(devDir, Path.of("/proc/self/mounts"));
    }

    /** /proc/mounts writes space, tab, newline and backslash as octal escapes. */
    static String unescape(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).chars().allMatch(ch -> ch >= '0' && ch <= '7')) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }
}
