package io.rsio.wire.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.rsio.wire.Opcode;
import io.rsio.wire.message.CopyJob;
import io.rsio.wire.message.Management;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import io.rsio.wire.message.VolumeLimit;
import io.rsio.wire.message.VolumeStatistics;
import io.rsio.wire.message.VolumeUsage;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** MANAGE payloads against the byte layout of docs/PROTOCOL.md §3.6, and their rejections. */
class ManagementCodecTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final Encoding.Agreed NO_DIGESTS = new Encoding.Agreed(4096, 0);

    /** Create("p1", "v1", 1 GiB, thick), tag 9: the example of PROTOCOL.md §3.6. */
    static final byte[] CREATE = HEX.parseHex(
            "5253494f" + "01" + "30" + "0000" + "0000000000000009" + "00000000" + "00000000"
            + "0000000000000000" + "00000000" + "00000016" + "00000000"
            + "0001" // operation CREATE
            + "0002" + "7031" // pool "p1"
            + "0002" + "7631" // name "v1"
            + "0000000040000000" // size 1 GiB
            + "00000001"); // flags: THICK

    /** Throttle("v1", volume limit 10 MiB/s and 2000 IOPS), tag 10: the example of PROTOCOL.md §3.6. */
    static final byte[] THROTTLE = HEX.parseHex(
            "5253494f" + "01" + "30" + "0000" + "000000000000000a" + "00000000" + "00000000"
            + "0000000000000000" + "00000000" + "00000018" + "00000000"
            + "0006" // operation THROTTLE
            + "0002" + "7631" // name "v1"
            + "0000" // client "": the volume as a whole
            + "0000000000a00000" // 10 MiB/s
            + "00000000000007d0"); // 2000 IOPS

    @Test
    void throttleRequestHasTheDocumentedBytes() {
        Request.Manage throttle = new Request.Manage(10, new Management.Throttle("v1",
                new VolumeLimit("", 10L << 20, 2000)));
        assertArrayEquals(THROTTLE, Encoding.bytes(throttle, NO_DIGESTS));
        DecoderHarness decoder = new DecoderHarness(true).agreed(4096, 0);
        decoder.write(THROTTLE, 1);
        assertEquals(List.of(throttle), decoder.messages());
    }

    @Test
    void statisticsReplyRoundTripsEveryField() {
        Reply.ManagedStatistics reply = new Reply.ManagedStatistics(4, "1 volume(s)", List.of(new VolumeStatistics(
                "v1", true, 10, 20, 40960, 81920, 5, 2_000_000_000L, List.of(new VolumeLimit("", 1 << 20, 0),
                new VolumeLimit("big-3", 0, 100)), List.of(new VolumeStatistics.LatencyBucket(50_000, 25),
                new VolumeStatistics.LatencyBucket(100_000, 5),
                new VolumeStatistics.LatencyBucket(VolumeStatistics.LatencyBucket.UNBOUNDED, 0)))));
        DecoderHarness decoder = new DecoderHarness(false).agreed(4096, 0);
        decoder.write(Encoding.bytes(reply, NO_DIGESTS), 3);
        assertEquals(List.of(reply), decoder.messages());
        assertEquals(30, ((Reply.ManagedStatistics) decoder.messages().getFirst()).volumes().getFirst().latencyCount());
    }

    @Test
    void latencyBoundsThatDoNotIncreaseAreAProtocolError() {
        byte[] payload = RawFrame.payloadOf((short) 7, "", (short) 1, "v", 0, 0L, 0L, 0L, 0L, 0L, 0L, (short) 0,
                (short) 2, 100L, 1L, 100L, 1L);
        byte[] frame = RawFrame.reply(Opcode.MANAGE.value()).payload(payload).bytes();
        DecoderHarness decoder = new DecoderHarness(false);
        ProtocolException e = assertThrows(ProtocolException.class, () -> decoder.write(frame));
        assertTrue(e.getMessage().contains("latency bounds must increase"), e.getMessage());
    }

    @Test
    void createRequestHasTheDocumentedBytes() {
        byte[] bytes = Encoding.bytes(new Request.Manage(9, new Management.Create("p1", "v1", 1L << 30, true)),
                NO_DIGESTS);
        assertArrayEquals(CREATE, bytes);
        DecoderHarness decoder = new DecoderHarness(true).agreed(4096, 0);
        decoder.write(CREATE, 1);
        assertEquals(List.of(new Request.Manage(9, new Management.Create("p1", "v1", 1L << 30, true))),
                decoder.messages());
    }

    @Test
    void usageReplyRoundTripsEveryField() {
        Reply.Managed reply = new Reply.Managed(3, Management.Usage.CODE, "2 volume(s)", List.of(
                new VolumeUsage("v1", "p1", 1L << 30, 4096, false, true, ""),
                new VolumeUsage("v1.snap", "p1", 1L << 30, 0, true, false, "v1")));
        byte[] bytes = Encoding.bytes(reply, NO_DIGESTS);
        DecoderHarness decoder = new DecoderHarness(false).agreed(4096, 0);
        decoder.write(bytes, 5);
        assertEquals(List.of(reply), decoder.messages());
        assertTrue(((Reply.Managed) decoder.messages().getFirst()).volumes().get(1).snapshot());
    }

    @Test
    void unknownOperationIsAProtocolError() {
        byte[] frame = RawFrame.request(Opcode.MANAGE.value()).payload(RawFrame.payloadOf((short) 12)).bytes();
        DecoderHarness decoder = new DecoderHarness(true);
        ProtocolException e = assertThrows(ProtocolException.class, () -> decoder.write(frame));
        assertTrue(e.getMessage().contains("unknown management operation 12"), e.getMessage());
    }

    @Test
    void aPauseOfNoVolumeIsAProtocolError() {
        byte[] frame = RawFrame.request(Opcode.MANAGE.value()).payload(RawFrame.payloadOf((short) 8, (short) 0)).bytes();
        DecoderHarness decoder = new DecoderHarness(true);
        ProtocolException e = assertThrows(ProtocolException.class, () -> decoder.write(frame));
        assertTrue(e.getMessage().contains("names no volume"), e.getMessage());
    }

    /** Pause("a", "bc"), tag 11: the example of PROTOCOL.md §3.6. */
    @Test
    void pauseRequestHasTheDocumentedBytes() {
        byte[] expected = HEX.parseHex("5253494f" + "01" + "30" + "0000" + "000000000000000b" + "00000000" + "00000000"
                + "0000000000000000" + "00000000" + "0000000b" + "00000000"
                + "0008" + "0002" + "0001" + "61" + "0002" + "6263");
        Request.Manage pause = new Request.Manage(11, new Management.Pause(List.of("a", "bc")));
        assertArrayEquals(expected, Encoding.bytes(pause, NO_DIGESTS));
        DecoderHarness decoder = new DecoderHarness(true).agreed(4096, 0);
        decoder.write(expected, 1);
        assertEquals(List.of(pause), decoder.messages());
    }

    @Test
    void unknownCreateFlagsAreAProtocolError() {
        byte[] payload = RawFrame.payloadOf((short) 1, "p", "v", 4096L, 6);
        byte[] frame = RawFrame.request(Opcode.MANAGE.value()).payload(payload).bytes();
        DecoderHarness decoder = new DecoderHarness(true);
        ProtocolException e = assertThrows(ProtocolException.class, () -> decoder.write(frame));
        assertTrue(e.getMessage().contains("unknown create flag bits 0x6"), e.getMessage());
    }

    @Test
    void aReplyClaimingMoreVolumesThanItHoldsIsRejectedBeforeAllocating() {
        byte[] payload = RawFrame.payloadOf((short) 5, "", (short) 0xFFFF);
        byte[] frame = RawFrame.reply(Opcode.MANAGE.value()).payload(payload).bytes();
        DecoderHarness decoder = new DecoderHarness(false);
        ProtocolException e = assertThrows(ProtocolException.class, () -> decoder.write(frame));
        assertTrue(e.getMessage().contains("volume count 65535"), e.getMessage() + " " + Arrays.toString(payload));
    }

    /** Copy("v1", "v1.bak", VOLUME), tag 12: the example of PROTOCOL.md §3.6. */
    @Test
    void copyRequestHasTheDocumentedBytes() {
        byte[] expected = HEX.parseHex("5253494f" + "01" + "30" + "0000" + "000000000000000c" + "00000000" + "00000000"
                + "0000000000000000" + "00000000" + "00000010" + "00000000"
                + "000a" + "0002" + "7631" + "0006" + "76312e62616b" + "0001");
        Request.Manage copy = new Request.Manage(12, new Management.Copy("v1", "v1.bak", CopyJob.Kind.VOLUME));
        assertArrayEquals(expected, Encoding.bytes(copy, NO_DIGESTS));
        DecoderHarness decoder = new DecoderHarness(true).agreed(4096, 0);
        decoder.write(expected, 1);
        assertEquals(List.of(copy), decoder.messages());
        assertEquals("copy", copy.operation().right());
        assertEquals("snapshot", new Management.Copy("v1", "s", CopyJob.Kind.SNAPSHOT).right());
    }

    @Test
    void jobsReplyRoundTripsEveryField() {
        Reply.ManagedJobs reply = new Reply.ManagedJobs(5, Management.Jobs.CODE, "2 job(s)", List.of(
                new CopyJob(1, CopyJob.Kind.FILE, CopyJob.State.RUNNING, "p1", "v1", "v1.backup-x.raw", "big-2",
                        1L << 30, 1L << 29, 300L << 20, 1500, false, ""),
                new CopyJob(2, CopyJob.Kind.SNAPSHOT, CopyJob.State.DONE, "p1", "v1", "v1.snap", "big-3",
                        1L << 30, 1L << 30, 0, 3, true, "")));
        DecoderHarness decoder = new DecoderHarness(false).agreed(4096, 0);
        decoder.write(Encoding.bytes(reply, NO_DIGESTS), 7);
        assertEquals(List.of(reply), decoder.messages());
    }

    @Test
    void aJobWithMoreDoneThanItsTotalOrAnUnknownStateIsAProtocolError() {
        for (Object[] c : new Object[][] {{(short) 2, 5L, "5 bytes done of 4"}, {(short) 9, 1L, "unknown job state 9"}}) {
            byte[] payload = RawFrame.payloadOf((short) 11, "", (short) 1, 1, (short) 1, (short) c[0], 0, "", "v", "w",
                    "", 4L, (long) c[1], 0L, 0L, "");
            byte[] frame = RawFrame.reply(Opcode.MANAGE.value()).payload(payload).bytes();
            DecoderHarness decoder = new DecoderHarness(false);
            ProtocolException e = assertThrows(ProtocolException.class, () -> decoder.write(frame));
            assertTrue(e.getMessage().contains((String) c[2]), e.getMessage());
        }
    }
}
