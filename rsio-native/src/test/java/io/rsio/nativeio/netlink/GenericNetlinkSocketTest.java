package io.rsio.nativeio.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The real kernel answers: the controller's own family, and "nbd" exactly when nbd.ko is loaded. */
class GenericNetlinkSocketTest {
    @Test
    void resolvesFamiliesThroughTheKernel() throws Exception {
        try (GenericNetlinkSocket socket = GenericNetlinkSocket.open()) {
            assertEquals(OptionalInt.of(NetlinkMessage.GENL_ID_CTRL), socket.familyId("nlctrl"));
            assertTrue(socket.familyId("rsio-nofamily").isEmpty());
            assertEquals(NbdNetlink.moduleLoaded(), NbdNetlink.open(socket).isPresent(),
                    "the nbd family exists exactly when the module is loaded");
        }
    }
}
