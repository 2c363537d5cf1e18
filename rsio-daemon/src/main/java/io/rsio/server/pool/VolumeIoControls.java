package io.rsio.server.pool;

import io.rsio.block.Errno;
import io.rsio.config.ConfigValues;
import io.rsio.config.ServerConfig.PoolRight;
import io.rsio.server.qos.VolumeGate;
import io.rsio.server.store.ServedVolume;
import io.rsio.wire.message.Management;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.VolumeLimit;
import io.rsio.wire.message.VolumeStatistics;
import io.rsio.wire.message.VolumeUsage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The management operations on a volume's I/O rather than its files (docs/VOLUMES.md,
 * "Throttling", "Pause", "Statistics"): THROTTLE (a limit, kept in the volume's record),
 * PAUSE and RESUME (the server's state only) and STATISTICS. Runs on {@link PoolManager}'s
 * management thread, like every operation.
 */
final class VolumeIoControls {
    private static final Logger LOG = LogManager.getLogger(VolumeIoControls.class);
    /** How long a pause waits for the I/O let through before it to complete, before it answers. */
    static final int PAUSE_DRAIN_SECONDS = 30;

    /** Finds an open pool volume by name, refusing a [volume] of rssrvcfg or an unknown name. */
    interface Lookup {
        PoolVolume poolVolume(String name) throws ManagementRefusal;
    }

    private final String serverName;
    /** The clients of rssrvcfg: a limit of any other name would never apply. */
    private final List<String> clientNames;
    private final Lookup lookup;
    private final Consumer<PoolVolume> replaced;
    private final Supplier<List<ServedVolume>> allVolumes;

    /**
     * @param replaced told of a volume whose record changed (a new limit)
     * @param volumes every volume of the server, for statistics
     */
    VolumeIoControls(String serverName, List<String> clientNames, Lookup lookup, Consumer<PoolVolume> replaced,
                     Supplier<List<ServedVolume>> volumes) {
        this.serverName = serverName;
        this.clientNames = List.copyOf(clientNames);
        this.lookup = lookup;
        this.replaced = replaced;
        this.allVolumes = volumes;
    }

    Reply throttle(long tag, String client, Management.Throttle t) throws ManagementRefusal, IOException {
        PoolVolume volume = lookup.poolVolume(t.name());
        PoolStorage pool = volume.pool();
        pool.require(client, PoolRight.THROTTLE, serverName);
        VolumeLimit limit = t.limit();
        if (!limit.client().isEmpty() && !clientNames.contains(limit.client())) {
            throw refusal(Errno.EINVAL, "no client " + limit.client() + " in [clients] of server " + serverName
                    + ": its limit would never apply");
        }
        VolumeRecord limited = pool.change(records -> {
            VolumeRecord now = records.stream().filter(x -> x.name().equals(t.name())).findFirst()
                    .orElseThrow(() -> refusal(Errno.ENOENT, "volume " + t.name() + " was deleted meanwhile"));
            VolumeRecord next = now.withLimit(limit);
            pool.write(next);
            return next;
        });
        PoolVolume now = new PoolVolume(pool, limited, volume.served());
        replaced.accept(now);
        volume.served().gate().limit(limited.limits());
        String whose = limit.client().isEmpty() ? "" : " for client " + limit.client();
        String what = limit.unlimited() ? "no longer limited" + whose : "limited" + whose + " to " + describe(limit);
        LOG.info("client {}: volume {} {}", client, t.name(), what);
        return new Reply.Managed(tag, Management.Throttle.CODE, t.name() + " " + what + " on server " + serverName,
                List.of(now.usage()));
    }

    /** {@code 100 MiB/s, 2000 IOPS}; a dimension without limit is left out. */
    static String describe(VolumeLimit limit) {
        List<String> parts = new ArrayList<>();
        if (limit.bytesPerSecond() > 0) {
            parts.add(ConfigValues.formatSize(limit.bytesPerSecond()) + "/s");
        }
        if (limit.iops() > 0) {
            parts.add(limit.iops() + " IOPS");
        }
        return String.join(", ", parts);
    }

    /**
     * Pauses the named pool volumes at one instant, all or none (every name and right is
     * checked first), and answers once the I/O already let through has completed, or after
     * {@link #PAUSE_DRAIN_SECONDS} saying how much still runs (the pause stands either way).
     */
    Reply pause(long tag, String client, Management.Pause p) throws ManagementRefusal, IOException,
            InterruptedException {
        List<PoolVolume> volumes = pausable(client, p.names());
        VolumeGate.pauseAll(volumes.stream().map(o -> o.served().gate()).toList());
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(PAUSE_DRAIN_SECONDS);
        int running = 0;
        for (PoolVolume o : volumes) {
            running += o.served().gate().awaitIdle(deadline);
        }
        String names = String.join(", ", volumes.stream().map(o -> o.record().name()).toList());
        LOG.info("client {} paused {}{}", client, names, running == 0 ? "" : " (" + running + " request(s) still running)");
        return new Reply.Managed(tag, Management.Pause.CODE, "paused " + names + " on server " + serverName
                + (running == 0 ? ": no I/O running, new I/O is held" : ": new I/O is held, but " + running
                + " request(s) let through before are still running after " + PAUSE_DRAIN_SECONDS + " s"),
                usages(volumes));
    }

    Reply resume(long tag, String client, Management.Resume r) throws ManagementRefusal, IOException {
        List<PoolVolume> volumes = pausable(client, r.names());
        int held = 0;
        for (PoolVolume o : volumes) {
            held += o.served().gate().resume();
        }
        String names = String.join(", ", volumes.stream().map(o -> o.record().name()).toList());
        LOG.info("client {} resumed {} ({} held request(s) go on)", client, names, held);
        return new Reply.Managed(tag, Management.Resume.CODE, "resumed " + names + " on server " + serverName + ": "
                + held + " held request(s) go on", usages(volumes));
    }

    /** The named pool volumes, each once, after checking the right "pause" in each one's pool. */
    private List<PoolVolume> pausable(String client, List<String> names) throws ManagementRefusal {
        List<PoolVolume> volumes = new ArrayList<>();
        for (String name : new java.util.LinkedHashSet<>(names)) {
            PoolVolume o = lookup.poolVolume(name);
            o.pool().require(client, PoolRight.PAUSE, serverName);
            volumes.add(o);
        }
        return volumes;
    }

    private static List<VolumeUsage> usages(List<PoolVolume> volumes) throws IOException {
        List<VolumeUsage> rows = new ArrayList<>();
        for (PoolVolume o : volumes) {
            rows.add(o.usage());
        }
        return rows;
    }

    Reply statistics(long tag, String client, Management.Statistics st) throws ManagementRefusal {
        List<ServedVolume> all = allVolumes.get();
        List<VolumeStatistics> rows = new ArrayList<>();
        for (ServedVolume v : all) {
            if (v.allows(client) && (st.name().isEmpty() || v.name().equals(st.name()))) {
                rows.add(VolumeStatisticsReport.of(v));
            }
        }
        if (!st.name().isEmpty() && rows.isEmpty()) {
            throw refusal(Errno.ENOENT, "no volume " + st.name() + " on server " + serverName + " for client " + client);
        }
        return new Reply.ManagedStatistics(tag, rows.size() + " volume(s) on server " + serverName, rows);
    }

    private static ManagementRefusal refusal(Errno status, String reason) {
        return new ManagementRefusal(status, reason);
    }
}
