package io.rsio.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads rssrvcfg's {@code [pool NAME]} sections (docs/CONFIG.md, docs/VOLUMES.md): a directory
 * volumes are created in at run time, an optional quota, and which clients hold which rights.
 */
final class PoolConfigParser {
    static final List<String> KEYS = List.of("path", "type", "quota", "device", "blocksize", "access", "create",
            "grow", "snapshot", "delete", "throttle", "pause", "copy", "rbd_pool", "ceph_conf", "ceph_user",
            "ceph_keyring", "ceph_op_timeout");

    private PoolConfigParser() {}

    static List<ServerConfig.Pool> pools(Path file, List<IniText.Section> sections, List<ServerConfig.Client> clients)
            throws ConfigException {
        Path absolute = file.toAbsolutePath();
        Path base = absolute.getParent() != null ? absolute.getParent() : absolute;
        List<String> clientNames = clients.stream().map(ServerConfig.Client::name).toList();
        List<ServerConfig.Pool> pools = new ArrayList<>();
        Map<Path, IniText.Section> directories = new HashMap<>();
        for (IniText.Section s : sections) {
            SectionReader r = new SectionReader(file, s, KEYS);
            boolean rbd = r.get("type", PoolConfigParser::parseType, "file").equals("rbd");
            Optional<ServerConfig.CephPool> ceph = Optional.empty();
            Path directory = null;
            if (rbd) {
                if (r.has("path")) {
                    throw r.error("path", "a pool of type rbd keeps its volumes in rbd_pool, not in a path");
                }
                ceph = Optional.of(RbdSettings.readPool(r, base));
            } else {
                RbdSettings.refusePoolKeys(r);
                directory = ServerConfigParser.path(r, base, "the pool's directory");
            }
            OptionalLong quota = r.get("quota", ConfigValues::parseSize).map(OptionalLong::of).orElse(OptionalLong.empty());
            if (quota.isPresent() && quota.getAsLong() == 0) {
                throw r.error("quota", "quota must be a positive size (leave it out for no quota), found "
                        + ConfigValues.quote(r.raw("quota").orElseThrow()));
            }
            String device = r.get("device", ServerConfigParser::parseDevice, ConfigDefaults.DEVICE);
            int blockSize = r.get("blocksize", v -> ConfigValues.parseInt(v, 512, 4096), ConfigDefaults.BLOCK_SIZE);
            if (blockSize != 512 && blockSize != 4096) {
                throw r.error("blocksize", "blocksize must be 512 or 4096, found " + blockSize);
            }
            List<String> access = clients(r, "access", clientNames);
            Map<ServerConfig.PoolRight, List<String>> rights = new EnumMap<>(ServerConfig.PoolRight.class);
            for (ServerConfig.PoolRight right : ServerConfig.PoolRight.values()) {
                rights.put(right, clients(r, right.key(), clientNames));
            }
            IniText.Section earlier = directory == null ? null : directories.putIfAbsent(directory, s);
            if (earlier != null) {
                throw r.error("path", "path " + directory + " is already the directory of " + earlier.label()
                        + " on line " + earlier.line());
            }
            pools.add(new ServerConfig.Pool(s.name(), directory, quota, device, blockSize, access, rights, ceph));
        }
        return pools;
    }

    private static String parseType(String value) {
        String type = value.strip().toLowerCase(java.util.Locale.ROOT);
        if (!type.equals("file") && !type.equals("rbd")) {
            throw new IllegalArgumentException("must be file (a volume is a file in the pool's directory) or rbd "
                    + "(a volume is an RBD image in rbd_pool), found " + ConfigValues.quote(value));
        }
        return type;
    }

    /** Client names separated by commas or spaces, each from [clients]; absent means none listed. */
    private static List<String> clients(SectionReader r, String key, List<String> clientNames) throws ConfigException {
        Optional<String> raw = r.raw(key);
        if (raw.isEmpty()) {
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>();
        for (String name : raw.get().strip().split("[,\\s]+")) {
            if (name.isEmpty()) {
                continue;
            }
            if (!clientNames.contains(name)) {
                throw r.error(key, key + " names " + ConfigValues.quote(name) + ", which is not a client in [clients]"
                        + (clientNames.isEmpty() ? " (there are none)" : " (clients: " + String.join(", ", clientNames) + ")"));
            }
            if (!names.add(name)) {
                throw r.error(key, key + " names " + ConfigValues.quote(name) + " twice");
            }
        }
        if (names.isEmpty()) {
            throw r.error(key, key + " must list at least one client name (leave it out for none)");
        }
        return List.copyOf(names);
    }
}
