package io.rsio.nativeio.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FuseInitReplyTest {
    private static FuseRequest.Init init(int major, int minor, long flags) {
        return new FuseRequest.Init(new FuseInHeader(104, 26, 1, 0, 0, 0, 0, 0), major, minor, 131072, flags);
    }

    @Test
    void takesOnlyWantedFlagsTheKernelOffers() throws Exception {
        long everything = 0xffffffffffL;
        FuseInitReply r = FuseInitReply.negotiate(init(7, 45, everything));
        assertEquals(FuseInitReply.WANTED, r.flags());
        assertFalse(r.has(FuseAbi.ATOMIC_O_TRUNC), "O_TRUNC must reach us as a size change we can ignore");
        assertEquals(38, r.minor(), "capped to the structures this server writes");
        assertEquals(1 << 20, r.maxWrite());
        assertEquals(256, r.maxPages());
        assertTrue(r.maxBackground() >= 64, "a loop device's queue needs many background requests");

        FuseInitReply old = FuseInitReply.negotiate(init(7, 31, FuseAbi.MAX_PAGES));
        assertEquals(31, old.minor());
        assertEquals(FuseAbi.MAX_PAGES, old.flags());
        assertFalse(old.asyncDirectIo());
    }

    @Test
    void refusesOtherMajorsAndKernelsWithoutMaxPages() {
        assertThrows(FuseProtocolException.class, () -> FuseInitReply.negotiate(init(8, 0, 0)));
        assertThrows(FuseProtocolException.class, () -> FuseInitReply.negotiate(init(7, 27, -1)));
    }
}
