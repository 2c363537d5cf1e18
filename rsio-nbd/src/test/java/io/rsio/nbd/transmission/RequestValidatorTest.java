package io.rsio.nbd.transmission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.rsio.block.MemoryBlockTarget;
import io.rsio.nbd.protocol.CommandFlag;
import io.rsio.nbd.protocol.NbdCommand;
import io.rsio.nbd.protocol.NbdError;
import io.rsio.nbd.protocol.TransmissionFlag;
import org.junit.jupiter.api.Test;

class RequestValidatorTest {
    private static final MemoryBlockTarget DISK = new MemoryBlockTarget("disk", 1 << 20, 4096, 1 << 20, false);
    private static final MemoryBlockTarget ODD = new MemoryBlockTarget("odd", (1 << 20) + 512, 4096, 1 << 20, false);
    private static final MemoryBlockTarget RO = new MemoryBlockTarget("ro", 1 << 20, 512, 1 << 20, true);

    private static RequestValidator.Verdict check(ExportSession s, NbdCommand c, int flags, long offset, long length) {
        return RequestValidator.validate(new NbdRequest(flags, c.value(), 1, offset, length, null), s);
    }

    private static void rejected(NbdError e, RequestValidator.Verdict v) {
        assertEquals(e, assertInstanceOf(RequestValidator.Rejected.class, v).error());
    }

    private static void accepted(RequestValidator.Verdict v) {
        assertInstanceOf(RequestValidator.Accepted.class, v, v::toString);
    }

    @Test
    void alignmentFollowsTheMinimumBlockSize() {
        ExportSession s = ExportSession.of(DISK, true, false);
        accepted(check(s, NbdCommand.READ, 0, 4096, 8192));
        rejected(NbdError.EINVAL, check(s, NbdCommand.READ, 0, 512, 4096));
        rejected(NbdError.EINVAL, check(s, NbdCommand.WRITE, 0, 0, 512));
        rejected(NbdError.EINVAL, check(s, NbdCommand.TRIM, 0, 0, 1000));
    }

    @Test
    void theTailOfAnExportNotAMultipleOfTheBlockSizeIsReachable() {
        ExportSession s = ExportSession.of(ODD, true, false);
        accepted(check(s, NbdCommand.READ, 0, 1 << 20, 512));
        rejected(NbdError.EINVAL, check(s, NbdCommand.READ, 0, 1 << 20, 1024));
    }

    @Test
    void readOnlyRefusesOnlyWhatWrites() {
        ExportSession s = ExportSession.of(RO, false, false);
        rejected(NbdError.EPERM, check(s, NbdCommand.WRITE, 0, 0, 512));
        rejected(NbdError.EPERM, check(s, NbdCommand.TRIM, 0, 0, 512));
        rejected(NbdError.EPERM, check(s, NbdCommand.WRITE_ZEROES, 0, 0, 512));
        accepted(check(s, NbdCommand.READ, 0, 0, 512));
        accepted(check(s, NbdCommand.FLUSH, 0, 0, 0));
        accepted(check(s, NbdCommand.CACHE, 0, 0, 512));
    }

    @Test
    void flagsMustSuitTheCommandAndTheNegotiation() {
        ExportSession simple = ExportSession.of(DISK, false, false);
        ExportSession structured = ExportSession.of(DISK, true, true);
        rejected(NbdError.EINVAL, check(simple, NbdCommand.READ, CommandFlag.DF.mask(), 0, 4096));
        accepted(check(structured, NbdCommand.READ, CommandFlag.DF.mask(), 0, 4096));
        rejected(NbdError.EINVAL, check(structured, NbdCommand.READ, CommandFlag.REQ_ONE.mask(), 0, 4096));
        accepted(check(structured, NbdCommand.BLOCK_STATUS, CommandFlag.REQ_ONE.mask(), 0, 4096));
        rejected(NbdError.EINVAL, check(simple, NbdCommand.BLOCK_STATUS, 0, 0, 4096));
        accepted(check(structured, NbdCommand.WRITE_ZEROES, CommandFlag.FAST_ZERO.mask() | CommandFlag.NO_HOLE.mask(), 0, 4096));
        rejected(NbdError.EINVAL, check(structured, NbdCommand.TRIM, CommandFlag.NO_HOLE.mask(), 0, 4096));
        rejected(NbdError.EINVAL, check(structured, NbdCommand.READ, 1 << 5, 0, 4096));
    }

    @Test
    void rangesAreCheckedWithoutOverflow() {
        ExportSession s = ExportSession.of(DISK, true, false);
        rejected(NbdError.EINVAL, check(s, NbdCommand.READ, 0, Long.MAX_VALUE - 4095, 8192));
        rejected(NbdError.ENOSPC, check(s, NbdCommand.WRITE_ZEROES, 0, 1 << 20, 4096));
        accepted(check(s, NbdCommand.WRITE_ZEROES, 0, 0, 1 << 20)); // no payload: not bound by the max payload
        rejected(NbdError.EINVAL, check(s, NbdCommand.TRIM, 0, 0, 0));
    }

    @Test
    void disconnectIsNeverRefusedBecauseItGetsNoReply() {
        accepted(check(ExportSession.of(RO, false, false), NbdCommand.DISC, 0xffff, 7, 9));
    }

    @Test
    void advertisedFlagsMatchTheExport() {
        ExportSession rw = ExportSession.of(DISK, true, false);
        ExportSession ro = ExportSession.of(RO, false, false);
        for (TransmissionFlag f : new TransmissionFlag[] {TransmissionFlag.HAS_FLAGS, TransmissionFlag.SEND_FLUSH,
                TransmissionFlag.SEND_FUA, TransmissionFlag.SEND_TRIM, TransmissionFlag.SEND_WRITE_ZEROES,
                TransmissionFlag.SEND_DF, TransmissionFlag.CAN_MULTI_CONN, TransmissionFlag.SEND_CACHE}) {
            assertEquals(true, rw.advertises(f), f.name());
        }
        assertEquals(false, rw.advertises(TransmissionFlag.READ_ONLY));
        assertEquals(true, ro.advertises(TransmissionFlag.READ_ONLY));
        assertEquals(false, ro.advertises(TransmissionFlag.SEND_DF), "DF only with structured replies");
        assertEquals(false, ro.advertises(TransmissionFlag.SEND_TRIM));
    }
}
