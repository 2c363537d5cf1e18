package io.rsio.wire.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rsio.block.Errno;
import io.rsio.wire.Opcode;
import io.rsio.wire.WireConstants;
import io.rsio.wire.message.DataMessage;
import io.rsio.wire.message.Management;
import io.rsio.wire.message.Message;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import io.rsio.wire.message.VolumeInfo;
import io.rsio.wire.message.VolumeLimit;
import io.rsio.wire.message.VolumeStatistics;
import io.rsio.wire.message.VolumeUsage;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * One or more instances of every message type, with edge values: all-ones tags and handles,
 * extreme offsets, empty and maximum-length strings, non-ASCII text, empty data. Every call
 * builds fresh messages (the encoder consumes data buffers).
 */
final class Samples {
    static final String MAX_STRING = "é".repeat(WireConstants.MAX_STRING_BYTES / 2); // 1024 UTF-8 bytes

    private Samples() {}

    /** Makers of messages whose frames fit the 4096-byte pre-HELLO limit. */
    static List<Supplier<Message>> small() {
        List<Supplier<Message>> m = new ArrayList<>();
        m.add(() -> new Request.Hello(1, 1, 1, WireConstants.DEFAULT_MAX_PAYLOAD, WireConstants.DEFAULT_FEATURES, "rsiod/0.1"));
        m.add(() -> new Request.Hello(-1, 0, 0xFFFF, WireConstants.MAX_PAYLOAD_LIMIT, -1, ""));
        m.add(() -> new Request.AuthStart(2, 7, "node-ä1", bytes(32, 1)));
        m.add(() -> new Request.AuthStart(Long.MIN_VALUE, -1, MAX_STRING, bytes(32, 0xF0)));
        m.add(() -> new Request.AuthStart(2, 7, "node-1", bytes(32, 2), new UUID(-3, 0x0123456789abcdefL)));
        m.add(() -> new Request.AuthProof(3, bytes(32, 0x40)));
        m.add(() -> new Request.ListVolumes(4));
        m.add(() -> new Request.Open(5, "oracle", false));
        m.add(() -> new Request.Open(6, "日本語-volume", true));
        m.add(() -> new Request.Close(7, -1));
        m.add(() -> new Request.Read(8, 3, Long.MAX_VALUE, WireConstants.DEFAULT_MAX_PAYLOAD));
        m.add(() -> new Request.Read(9, 0, 0, 0));
        m.add(() -> new Request.Write(10, 3, 4096, false, data(1000, 3)));
        m.add(() -> new Request.Write(11, -1, -1, true, data(4096 - 4, 5)));
        m.add(() -> new Request.Write(12, 3, 0, true, data(0, 0)));
        m.add(() -> new Request.Flush(13, 3));
        m.add(() -> new Request.Discard(14, 3, 1L << 40, Integer.MAX_VALUE));
        m.add(() -> new Request.WriteZeroes(15, 3, 512, 4096, false));
        m.add(() -> new Request.WriteZeroes(16, 3, 1024, -1, true));
        m.add(() -> new Request.Query(17, 3, WireConstants.QUERY_GEOMETRY));
        m.add(() -> new Request.Query(18, 3, Integer.MAX_VALUE));
        m.add(() -> new Request.Ping(19, 0x0123456789abcdefL));
        m.add(() -> new Request.Ping(20, -1));
        m.add(() -> new Request.Goodbye(21));
        m.add(() -> new Request.Manage(22, new Management.Create("pool1", "data-1", 1L << 30, false)));
        m.add(() -> new Request.Manage(23, new Management.Create("", "", Long.MAX_VALUE, true)));
        m.add(() -> new Request.Manage(24, new Management.Resize("data-1", 0)));
        m.add(() -> new Request.Manage(25, new Management.Snapshot("data-1", "data-1.snap")));
        m.add(() -> new Request.Manage(26, new Management.Delete("data-ä")));
        m.add(() -> new Request.Manage(27, new Management.Usage()));
        m.add(() -> new Request.Manage(28, new Management.Throttle("data-1", new VolumeLimit("", 10L << 20, 2000))));
        m.add(() -> new Request.Manage(29, new Management.Throttle("data-1", new VolumeLimit("big-3", 0, 0))));
        m.add(() -> new Request.Manage(30, new Management.Statistics("")));
        m.add(() -> new Request.Manage(31, new Management.Pause(List.of("app-data", "app-log"))));
        m.add(() -> new Request.Manage(32, new Management.Resume(List.of("ä"))));

        m.add(() -> new Reply.HelloReply(1, 1, 4096, 0, "rssrv/0.1"));
        m.add(() -> new Reply.HelloReply(-1, 0xFFFF, WireConstants.MAX_PAYLOAD_LIMIT, WireConstants.DEFAULT_FEATURES, MAX_STRING));
        m.add(() -> new Reply.AuthChallenge(2, 42, "srv-a", bytes(32, 9)));
        m.add(() -> new Reply.AuthChallenge(2, -1, "", bytes(32, 0x80)));
        m.add(() -> new Reply.AuthAccepted(3, bytes(32, 0x33)));
        m.add(() -> new Reply.AuthAccepted(3, bytes(32, 0x34), new UUID(0x0123456789abcdefL, -2)));
        m.add(() -> new Reply.VolumeList(4, List.of()));
        m.add(() -> new Reply.VolumeList(4, List.of(volume("a", false), volume("ßeta", true), volume("", false))));
        m.add(() -> new Reply.Opened(5, 77, volume("oracle", true)));
        m.add(() -> new Reply.Opened(6, -1, new VolumeInfo("max", Long.MAX_VALUE, 65536, "", new UUID(-1, -1), false)));
        // an RBD gateway's volume (flag bit 1), alone and with READ_ONLY
        m.add(() -> new Reply.Opened(7, 3, new VolumeInfo("db", 1L << 30, 4096, "av0", new UUID(5, 6), false, true)));
        m.add(() -> new Reply.VolumeList(4, List.of(new VolumeInfo("ro", 1L << 20, 512, "av0", new UUID(7, 8), true,
                true))));
        m.add(() -> new Reply.ReadData(8, data(2000, 7)));
        m.add(() -> new Reply.ReadData(9, data(0, 0)));
        for (Opcode op : MessageWriter.DONE_OPCODES) {
            m.add(() -> new Reply.Done(op.value() * 100L, op));
        }
        m.add(() -> new Reply.Geometry(17, 1L << 40, 4096, 1 << 20, 1 << 20));
        m.add(() -> new Reply.Geometry(17, Long.MAX_VALUE, 512, 0, Integer.MAX_VALUE));
        m.add(() -> new Reply.Pong(19, 123456789L));
        m.add(() -> new Reply.Pong(19, Long.MIN_VALUE));
        m.add(() -> new Reply.Managed(22, Management.Create.CODE, "created", List.of(
                new VolumeUsage("data-1", "pool1", 1L << 30, 0, false, false, ""))));
        m.add(() -> new Reply.Managed(23, Management.Delete.CODE, "", List.of()));
        m.add(() -> new Reply.Managed(24, Management.Usage.CODE, MAX_STRING, List.of(
                new VolumeUsage("a", "", Long.MAX_VALUE, Long.MAX_VALUE, true, true, "b"),
                new VolumeUsage("", "p", 0, 0, true, false, ""))));
        m.add(() -> new Reply.Failure(25, Opcode.MANAGE, Errno.EACCES, "client big-2 lacks the right create"));
        m.add(() -> new Reply.ManagedStatistics(26, "1 volume(s)", List.of(new VolumeStatistics("data-1", true, 1, 2,
                4096, 8192, 3, 1_500_000_000L, List.of(new VolumeLimit("", 1 << 20, 0), new VolumeLimit("big-3", 0, 10)),
                List.of(new VolumeStatistics.LatencyBucket(50_000, 2),
                        new VolumeStatistics.LatencyBucket(VolumeStatistics.LatencyBucket.UNBOUNDED, 1))))));
        m.add(() -> new Reply.ManagedStatistics(27, "", List.of(new VolumeStatistics("", false, 0, 0, 0, 0, 0, 0,
                List.of(), List.of()))));
        m.add(() -> new Reply.Pong(19, 42, 2));
        m.add(() -> new Reply.Pong(19, 42, 0, -1_640_531_527)); // a volumes version (any u32)
        m.add(() -> new Reply.Failure(1, Opcode.HELLO, Errno.ENOTSUP, "no common version"));
        m.add(() -> new Reply.Failure(3, Opcode.AUTH_PROOF, Errno.EACCES, ""));
        m.add(() -> new Reply.Failure(8, Opcode.READ, Errno.EIO, "store failed: ä"));
        m.add(() -> new Reply.Failure(10, Opcode.WRITE, Errno.EROFS, MAX_STRING));
        m.add(() -> new Reply.Failure(0, Opcode.GOODBYE, Errno.EPROTO, "bad magic 0x12345678"));
        for (Errno e : Errno.values()) {
            if (e != Errno.OK) {
                m.add(() -> new Reply.Failure(e.value(), Opcode.QUERY, e, e.description()));
            }
        }
        return m;
    }

    /** Makers of data messages larger than the pre-HELLO limit. */
    static List<Supplier<Message>> large() {
        return List.of(
                () -> new Request.Write(30, 1, 1L << 30, true, data(20_000, 11)),
                () -> new Reply.ReadData(31, data(20_000, 13)));
    }

    /** Makers of every sample message. */
    static List<Supplier<Message>> all() {
        List<Supplier<Message>> all = new ArrayList<>(small());
        all.addAll(large());
        return all;
    }

    static void release(Message message) {
        if (message instanceof DataMessage data && data.data().refCnt() > 0) {
            data.release();
        }
    }

    static VolumeInfo volume(String name, boolean readOnly) {
        return new VolumeInfo(name, 10L << 30, 4096, "av0", new UUID(0x0123456789abcdefL, name.hashCode()), readOnly);
    }

    static byte[] bytes(int size, int seed) {
        byte[] b = new byte[size];
        for (int i = 0; i < size; i++) {
            b[i] = (byte) (seed + i * 31);
        }
        return b;
    }

    /** A leak-tracked heap buffer holding a recognisable pattern. */
    static ByteBuf data(int size, int seed) {
        return Unpooled.buffer(size).writeBytes(bytes(size, seed));
    }
}
