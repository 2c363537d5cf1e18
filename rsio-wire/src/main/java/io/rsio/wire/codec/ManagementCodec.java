package io.rsio.wire.codec;

import io.rsio.wire.message.CopyJob;
import io.rsio.wire.message.Management;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import io.rsio.wire.message.VolumeLimit;
import io.rsio.wire.message.VolumeStatistics;
import io.rsio.wire.message.VolumeUsage;
import java.util.ArrayList;
import java.util.List;

/**
 * MANAGE payloads (docs/PROTOCOL.md §3.6): a u16 operation code, then the operation's fields;
 * the reply repeats the code, then a message and the volumes concerned.
 */
final class ManagementCodec {
    /** Usage flag bits. */
    static final int USAGE_READ_ONLY = 1;
    static final int USAGE_THICK = 1 << 1;
    static final int USAGE_KNOWN = USAGE_READ_ONLY | USAGE_THICK;
    /** Create flag bits. */
    static final int CREATE_THICK = 1;
    /** The smallest usage entry: three empty strings, two u64, u32. */
    static final int MIN_USAGE_ENTRY = 2 + 2 + 8 + 8 + 4 + 2;
    /** Statistics flag bits. */
    static final int STATS_PAUSED = 1;
    static final int STATS_KNOWN = STATS_PAUSED;
    /** The smallest statistics entry: empty name, u32 flags, six u64, two empty counts. */
    static final int MIN_STATS_ENTRY = 2 + 4 + 6 * 8 + 2 + 2;
    /** A limit entry: empty client, two u64. */
    static final int MIN_LIMIT_ENTRY = 2 + 8 + 8;
    /** A latency bucket: two u64. */
    static final int LATENCY_BUCKET = 8 + 8;
    /** Job flag bits. */
    static final int JOB_REFLINK = 1;
    /** The smallest job entry: u32 id, u16 kind, u16 state, u32 flags, four empty strings, four u64, empty message. */
    static final int MIN_JOB_ENTRY = 4 + 2 + 2 + 4 + 4 * 2 + 4 * 8 + 2;
    /** The last operation code this implementation knows. */
    static final int LAST_OPERATION = Management.Jobs.CODE;

    private ManagementCodec() {}

    static Request.Manage readRequest(long tag, PayloadReader in) {
        int code = in.u16();
        Management op = switch (code) {
            case Management.Create.CODE -> {
                String pool = in.string("pool");
                String name = in.string("volume name");
                long size = in.u64Size("size");
                int flags = in.u32();
                if ((flags & ~CREATE_THICK) != 0) {
                    throw in.error("unknown create flag bits 0x" + Integer.toHexString(flags));
                }
                yield new Management.Create(pool, name, size, flags == CREATE_THICK);
            }
            case Management.Resize.CODE -> new Management.Resize(in.string("volume name"), in.u64Size("size"));
            case Management.Snapshot.CODE -> new Management.Snapshot(in.string("volume name"),
                    in.string("snapshot name"));
            case Management.Delete.CODE -> new Management.Delete(in.string("volume name"));
            case Management.Usage.CODE -> new Management.Usage();
            case Management.Throttle.CODE -> new Management.Throttle(in.string("volume name"), limit(in));
            case Management.Statistics.CODE -> new Management.Statistics(in.string("volume name"));
            case Management.Pause.CODE -> new Management.Pause(names(in));
            case Management.Resume.CODE -> new Management.Resume(names(in));
            case Management.Copy.CODE -> new Management.Copy(in.string("volume name"), in.string("target name"),
                    kind(in));
            case Management.Jobs.CODE -> new Management.Jobs();
            default -> throw in.error("unknown management operation " + code);
        };
        return new Request.Manage(tag, op);
    }

    static void writeRequest(Request.Manage m, PayloadWriter out) {
        Management op = m.operation();
        out.u16(op.code(), "operation");
        switch (op) {
            case Management.Create c -> {
                out.string(c.pool());
                out.string(c.name());
                size(out, c.size());
                out.u32(c.thick() ? CREATE_THICK : 0);
            }
            case Management.Resize r -> {
                out.string(r.name());
                size(out, r.size());
            }
            case Management.Snapshot s -> {
                out.string(s.name());
                out.string(s.snapshot());
            }
            case Management.Delete d -> out.string(d.name());
            case Management.Usage u -> {}
            case Management.Throttle t -> {
                out.string(t.name());
                limit(out, t.limit());
            }
            case Management.Statistics st -> out.string(st.name());
            case Management.Pause p -> names(out, p.names());
            case Management.Resume r -> names(out, r.names());
            case Management.Copy c -> {
                out.string(c.name());
                out.string(c.target());
                out.u16(c.kind().code, "copy kind");
            }
            case Management.Jobs j -> {}
        }
    }

    private static CopyJob.Kind kind(PayloadReader in) {
        int code = in.u16();
        try {
            return CopyJob.Kind.of(code);
        } catch (IllegalArgumentException e) {
            throw in.error(e.getMessage());
        }
    }

    /** u16 count (at least 1), then that many volume names. */
    private static List<String> names(PayloadReader in) {
        int count = counted(in, "volume name", 2);
        if (count == 0) {
            throw in.error("a pause or resume names no volume");
        }
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add(in.string("volume name"));
        }
        return names;
    }

    private static void names(PayloadWriter out, List<String> names) {
        out.u16(names.size(), "volume count");
        names.forEach(out::string);
    }

    private static VolumeLimit limit(PayloadReader in) {
        return new VolumeLimit(in.string("client name"), in.u64Size("bytes per second"), in.u64Size("IOPS"));
    }

    private static void limit(PayloadWriter out, VolumeLimit limit) {
        out.string(limit.client());
        out.u64(limit.bytesPerSecond());
        out.u64(limit.iops());
    }

    static Reply readReply(long tag, PayloadReader in) {
        int code = in.u16();
        if (code < Management.Create.CODE || code > LAST_OPERATION) {
            throw in.error("unknown management operation " + code);
        }
        String message = in.string("message");
        if (code == Management.Statistics.CODE) {
            return new Reply.ManagedStatistics(tag, message, statistics(in));
        }
        if (code == Management.Copy.CODE || code == Management.Jobs.CODE) {
            return new Reply.ManagedJobs(tag, code, message, jobs(in));
        }
        int count = in.u16();
        if ((long) count * MIN_USAGE_ENTRY > in.remaining()) {
            throw in.error("volume count " + count + " needs at least " + (long) count * MIN_USAGE_ENTRY
                    + " bytes, payload has " + in.remaining());
        }
        List<VolumeUsage> volumes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = in.string("volume name");
            String pool = in.string("pool");
            long provisioned = in.u64Size("provisioned size");
            long allocated = in.u64Size("allocated size");
            int flags = in.u32();
            if ((flags & ~USAGE_KNOWN) != 0) {
                throw in.error("unknown volume flag bits 0x" + Integer.toHexString(flags));
            }
            String origin = in.string("origin");
            volumes.add(new VolumeUsage(name, pool, provisioned, allocated, (flags & USAGE_READ_ONLY) != 0,
                    (flags & USAGE_THICK) != 0, origin));
        }
        return new Reply.Managed(tag, code, message, volumes);
    }

    private static List<VolumeStatistics> statistics(PayloadReader in) {
        int count = counted(in, "volume", MIN_STATS_ENTRY);
        List<VolumeStatistics> volumes = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String name = in.string("volume name");
            int flags = in.u32();
            if ((flags & ~STATS_KNOWN) != 0) {
                throw in.error("unknown statistics flag bits 0x" + Integer.toHexString(flags));
            }
            long reads = in.u64Size("reads");
            long writes = in.u64Size("writes");
            long readBytes = in.u64Size("bytes read");
            long writtenBytes = in.u64Size("bytes written");
            long throttled = in.u64Size("throttled requests");
            long throttledNanos = in.u64Size("throttled time");
            int limitCount = counted(in, "limit", MIN_LIMIT_ENTRY);
            List<VolumeLimit> limits = new ArrayList<>(limitCount);
            for (int l = 0; l < limitCount; l++) {
                limits.add(limit(in));
            }
            int bucketCount = counted(in, "latency bucket", LATENCY_BUCKET);
            List<VolumeStatistics.LatencyBucket> latency = new ArrayList<>(bucketCount);
            long previous = 0;
            for (int b = 0; b < bucketCount; b++) {
                long upTo = in.u64Size("latency bound");
                if (upTo <= previous) {
                    throw in.error("latency bounds must increase, " + upTo + " follows " + previous);
                }
                previous = upTo;
                latency.add(new VolumeStatistics.LatencyBucket(upTo, in.u64Size("latency count")));
            }
            volumes.add(new VolumeStatistics(name, (flags & STATS_PAUSED) != 0, reads, writes, readBytes,
                    writtenBytes, throttled, throttledNanos, limits, latency));
        }
        return volumes;
    }

    private static List<CopyJob> jobs(PayloadReader in) {
        int count = counted(in, "job", MIN_JOB_ENTRY);
        List<CopyJob> jobs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int id = in.u32();
            CopyJob.Kind kind = kind(in);
            int stateCode = in.u16();
            CopyJob.State state;
            try {
                state = CopyJob.State.of(stateCode);
            } catch (IllegalArgumentException e) {
                throw in.error(e.getMessage());
            }
            int flags = in.u32();
            if ((flags & ~JOB_REFLINK) != 0) {
                throw in.error("unknown job flag bits 0x" + Integer.toHexString(flags));
            }
            String pool = in.string("pool");
            String source = in.string("source");
            String target = in.string("target");
            String client = in.string("client");
            long total = in.u64Size("total");
            long done = in.u64Size("done");
            if (done > total) {
                throw in.error("job " + id + ": " + done + " bytes done of " + total);
            }
            jobs.add(new CopyJob(id, kind, state, pool, source, target, client, total, done, in.u64Size("rate"),
                    in.u64Size("elapsed"), flags == JOB_REFLINK, in.string("message")));
        }
        return jobs;
    }

    static void writeJobs(Reply.ManagedJobs m, PayloadWriter out) {
        if (m.operation() != Management.Copy.CODE && m.operation() != Management.Jobs.CODE) {
            throw new IllegalArgumentException("jobs answer a COPY or JOBS request, not operation " + m.operation());
        }
        out.u16(m.operation(), "operation");
        out.string(WireString.sendable(m.message()));
        out.u16(m.jobs().size(), "job count");
        for (CopyJob j : m.jobs()) {
            out.u32(j.id());
            out.u16(j.kind().code, "copy kind");
            out.u16(j.state().code, "job state");
            out.u32(j.reflink() ? JOB_REFLINK : 0);
            out.string(j.pool());
            out.string(j.source());
            out.string(j.target());
            out.string(j.client());
            for (long n : new long[] {j.total(), j.done(), j.bytesPerSecond(), j.elapsedMillis()}) {
                size(out, n);
            }
            out.string(WireString.sendable(j.message()));
        }
    }

    /** A u16 count of entries of at least {@code minEntry} bytes each that the payload can hold. */
    private static int counted(PayloadReader in, String what, int minEntry) {
        int count = in.u16();
        if ((long) count * minEntry > in.remaining()) {
            throw in.error(what + " count " + count + " needs at least " + (long) count * minEntry
                    + " bytes, payload has " + in.remaining());
        }
        return count;
    }

    static void writeStatistics(Reply.ManagedStatistics m, PayloadWriter out) {
        out.u16(Management.Statistics.CODE, "operation");
        out.string(WireString.sendable(m.message()));
        out.u16(m.volumes().size(), "volume count");
        for (VolumeStatistics v : m.volumes()) {
            out.string(v.name());
            out.u32(v.paused() ? STATS_PAUSED : 0);
            for (long n : new long[] {v.reads(), v.writes(), v.readBytes(), v.writtenBytes(), v.throttledRequests(),
                    v.throttledNanos()}) {
                size(out, n);
            }
            out.u16(v.limits().size(), "limit count");
            v.limits().forEach(l -> limit(out, l));
            out.u16(v.latency().size(), "latency bucket count");
            long previous = 0;
            for (VolumeStatistics.LatencyBucket b : v.latency()) {
                if (b.upToNanos() <= previous) {
                    throw new IllegalArgumentException("latency bounds must increase");
                }
                previous = b.upToNanos();
                size(out, b.upToNanos());
                size(out, b.count());
            }
        }
    }

    static void writeReply(Reply.Managed m, PayloadWriter out) {
        if (m.operation() == Management.Copy.CODE || m.operation() == Management.Jobs.CODE) {
            throw new IllegalArgumentException("a COPY or JOBS answer is a ManagedJobs, not a Managed reply");
        }
        if (m.operation() == Management.Statistics.CODE) {
            throw new IllegalArgumentException("a STATISTICS answer is a ManagedStatistics, not a Managed reply");
        }
        out.u16(m.operation(), "operation");
        out.string(WireString.sendable(m.message()));
        out.u16(m.volumes().size(), "volume count");
        for (VolumeUsage v : m.volumes()) {
            out.string(v.name());
            out.string(v.pool());
            size(out, v.provisioned());
            size(out, v.allocated());
            out.u32((v.readOnly() ? USAGE_READ_ONLY : 0) | (v.thick() ? USAGE_THICK : 0));
            out.string(v.origin());
        }
    }

    private static void size(PayloadWriter out, long value) {
        if (value < 0) {
            throw new IllegalArgumentException("size " + value + " is negative");
        }
        out.u64(value);
    }
}
