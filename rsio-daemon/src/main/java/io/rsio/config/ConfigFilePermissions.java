package io.rsio.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Checks who else can read or change a configuration file before a daemon trusts it. Both
 * files hold node keys, and rssrvcfg names the files and devices rssrv serves: a file other
 * users may change would let them grant themselves any volume or device, so the daemon
 * refuses it; one they may only read gives away keys, so the daemon warns.
 *
 * @param warnings reasons to warn (the daemon starts)
 * @param refusal the reason not to start, if any
 */
public record ConfigFilePermissions(List<String> warnings, Optional<String> refusal) {
    private static final Set<PosixFilePermission> OTHERS_WRITE = Set.of(PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_WRITE);
    private static final Set<PosixFilePermission> OTHERS_READ = Set.of(PosixFilePermission.GROUP_READ,
            PosixFilePermission.OTHERS_READ);

    /** Checks {@code file} (following symbolic links, as the daemon reads it) for the user running this JVM. */
    public static ConfigFilePermissions check(Path file) {
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, PosixFileAttributes.class);
        } catch (IOException | UnsupportedOperationException e) {
            return new ConfigFilePermissions(List.of(), Optional.empty()); // loading the file reports real problems
        }
        return judge(file, attributes.owner().getName(), attributes.permissions(), System.getProperty("user.name"));
    }

    static ConfigFilePermissions judge(Path file, String owner, Set<PosixFilePermission> perms, String runningAs) {
        String mode = PosixFilePermissions.toString(perms);
        if (perms.stream().anyMatch(OTHERS_WRITE::contains)) {
            return new ConfigFilePermissions(List.of(), Optional.of(file + " may be changed by other users (" + mode
                    + "), who could give themselves keys and volumes; refusing to use it (chmod 600 " + file + ")"));
        }
        if (!owner.equals("root") && !owner.equals(runningAs)) {
            return new ConfigFilePermissions(List.of(), Optional.of(file + " belongs to user " + owner
                    + ", who could change keys and volumes; refusing to use it (chown " + runningAs + " " + file + ")"));
        }
        List<String> warnings = new ArrayList<>();
        if (perms.stream().anyMatch(OTHERS_READ::contains)) {
            warnings.add(file + " holds node keys and is readable by other users (" + mode + "); chmod 600 " + file);
        }
        return new ConfigFilePermissions(List.copyOf(warnings), Optional.empty());
    }
}
