package io.rsio.config;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the RBD keys of a {@code [volume]} section: {@code rbd = POOL/IMAGE}, {@code ceph_conf},
 * {@code ceph_user}, {@code ceph_keyring} (docs/CONFIG.md). A volume has either {@code path} or
 * {@code rbd}; the ceph_ keys belong to an {@code rbd} volume only.
 */
final class RbdSettings {
    static final Path DEFAULT_CEPH_CONF = Path.of("/etc/ceph/ceph.conf");
    static final String DEFAULT_CEPH_USER = "client.admin";
    /** Ceph's pool and image names: no slash, no '@' (snapshots), no whitespace. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.+-][A-Za-z0-9_.+=-]{0,254}");
    private static final Pattern USER = Pattern.compile("client\\.[A-Za-z0-9_.-]{1,64}");
    private static final List<String> CEPH_KEYS = List.of("ceph_conf", "ceph_user", "ceph_keyring", "ceph_op_timeout");
    /** The keys of a [pool] of type rbd. */
    static final List<String> POOL_KEYS = List.of("rbd_pool", "ceph_conf", "ceph_user", "ceph_keyring",
            "ceph_op_timeout");

    private RbdSettings() {}

    /** The RBD image of this section, or empty for a file volume (which then must not set ceph_ keys). */
    static Optional<ServerConfig.RbdImage> read(SectionReader r, Path base) throws ConfigException {
        if (!r.has("rbd")) {
            for (String key : CEPH_KEYS) {
                if (r.has(key)) {
                    throw r.error(key, key + " applies to RBD volumes only; this volume has no \"rbd = POOL/IMAGE\"");
                }
            }
            return Optional.empty();
        }
        if (r.has("path")) {
            throw r.error("rbd", "a volume has either path (a file or device) or rbd (an RBD image), not both");
        }
        String raw = r.requireRaw("rbd");
        int slash = raw.indexOf('/');
        String pool = slash < 0 ? "" : raw.substring(0, slash);
        String image = slash < 0 ? "" : raw.substring(slash + 1);
        if (!NAME.matcher(pool).matches() || !NAME.matcher(image).matches()) {
            throw r.error("rbd", "rbd must be POOL/IMAGE (letters, digits, . _ - +), found " + ConfigValues.quote(raw));
        }
        Path conf = file(r, "ceph_conf", base).orElse(DEFAULT_CEPH_CONF);
        String user = r.get("ceph_user", RbdSettings::parseUser, DEFAULT_CEPH_USER);
        Optional<Path> keyring = file(r, "ceph_keyring", base);
        return Optional.of(new ServerConfig.RbdImage(pool, image, conf, user, keyring, opTimeout(r)));
    }

    /** The Ceph pool of a {@code [pool]} of {@code type = rbd}: {@code rbd_pool} and the ceph_ keys. */
    static ServerConfig.CephPool readPool(SectionReader r, Path base) throws ConfigException {
        String pool = r.requireRaw("rbd_pool");
        if (!NAME.matcher(pool).matches()) {
            throw r.error("rbd_pool", "rbd_pool must be a Ceph pool name (letters, digits, . _ - +), found "
                    + ConfigValues.quote(pool));
        }
        Path conf = file(r, "ceph_conf", base).orElse(DEFAULT_CEPH_CONF);
        String user = r.get("ceph_user", RbdSettings::parseUser, DEFAULT_CEPH_USER);
        return new ServerConfig.CephPool(pool, conf, user, file(r, "ceph_keyring", base), opTimeout(r));
    }

    /** Refuses the RBD keys in a {@code [pool]} of type file. */
    static void refusePoolKeys(SectionReader r) throws ConfigException {
        for (String key : POOL_KEYS) {
            if (r.has(key)) {
                throw r.error(key, key + " applies to pools of type rbd only; this pool has type file");
            }
        }
    }

    /** {@code ceph_op_timeout}: whole seconds, as librados takes them. */
    private static java.time.Duration opTimeout(SectionReader r) throws ConfigException {
        java.time.Duration d = r.get("ceph_op_timeout", ConfigValues.durationBetween(ConfigDefaults.MIN_CEPH_OP_TIMEOUT,
                ConfigDefaults.MAX_CEPH_OP_TIMEOUT), ConfigDefaults.CEPH_OP_TIMEOUT);
        if (d.toMillis() % 1000 != 0) {
            throw r.error("ceph_op_timeout", "ceph_op_timeout must be whole seconds (librados counts in seconds), found "
                    + ConfigValues.quote(r.raw("ceph_op_timeout").orElseThrow()));
        }
        return d;
    }

    private static String parseUser(String value) {
        if (!USER.matcher(value).matches()) {
            throw new IllegalArgumentException("must be a Ceph client name like client.rsio, found "
                    + ConfigValues.quote(value));
        }
        return value;
    }

    private static Optional<Path> file(SectionReader r, String key, Path base) throws ConfigException {
        Optional<String> raw = r.raw(key);
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        if (raw.get().isEmpty()) {
            throw r.error(key, key + " must name a file, found \"\"");
        }
        try {
            return Optional.of(base.resolve(Path.of(raw.get())).normalize());
        } catch (InvalidPathException e) {
            throw r.error(key, key + " is not a valid file name, found " + ConfigValues.quote(raw.get()));
        }
    }
}
