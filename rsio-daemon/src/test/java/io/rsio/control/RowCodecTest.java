package io.rsio.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rsio.control.ControlRows.PathRow;
import io.rsio.control.ControlRows.VolumeRow;
import org.junit.jupiter.api.Test;

class RowCodecTest {
    @Test
    void rowsSurviveTheRoundTripIncludingTabsNewlinesAndBackslashes() {
        PathRow row = new PathRow(1, 7, "osl", "big-9-2", "tcp", "198.18.2.9", 5000, "down", "-", "-", "", -1, -1L, 0,
                1_763_900_000_000L, "connect failed:\tweird\nreason \\ here");
        assertEquals(row, RowCodec.decode(RowCodec.encode(row)));
        VolumeRow volume = new VolumeRow(0, 0, "oracle", 20971520L * 512, 512, "av0",
                "c038ca10-05a0-3d37-88a3-b4d301be9cf7", true, 2, "/run/rsio/nbd/oracle.sock");
        assertEquals(volume, RowCodec.decode(RowCodec.encode(volume)));
    }

    @Test
    void encodedRowIsOneLineOfTabSeparatedFields() {
        String line = RowCodec.encode(new ControlRows.InterfaceRow(0, "if0", "tcp", "127.0.0.1", 5000));
        assertEquals("InterfaceRow\t0\tif0\ttcp\t127.0.0.1\t5000", line);
    }

    @Test
    void malformedLinesAreRefusedClearly() {
        var unknown = assertThrows(IllegalArgumentException.class, () -> RowCodec.decode("NoSuchRow\t1"));
        assertEquals("unknown row kind NoSuchRow", unknown.getMessage());
        var shortRow = assertThrows(IllegalArgumentException.class, () -> RowCodec.decode("InterfaceRow\t0\tif0"));
        assertEquals("InterfaceRow row has 2 fields, expected 5", shortRow.getMessage());
        assertThrows(NumberFormatException.class, () -> RowCodec.decode("InterfaceRow\tx\tif0\ttcp\t1.2.3.4\t5"));
    }
}
