package io.rsio.wire.codec;

import io.rsio.wire.message.Management;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
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
        }
    }

    static Reply.Managed readReply(long tag, PayloadReader in) {
        int code = in.u16();
        if (code < Management.Create.CODE || code > Management.Usage.CODE) {
            throw in.error("unknown management operation " + code);
        }
        String message = in.string("message");
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

    static void writeReply(Reply.Managed m, PayloadWriter out) {
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
