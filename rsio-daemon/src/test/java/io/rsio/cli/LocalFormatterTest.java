package io.rsio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.rsio.common.Args;
import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.BlockLayerRow;
import io.rsio.control.ControlRows.DeviceRow;
import io.rsio.control.ControlRows.LocalRow;
import io.rsio.control.RowCodec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** rsconfig -l in the seed's format, character for character, and the -a/-d/--stop command lines. */
class LocalFormatterTest {
    private static final LocalRow ORACLE = new LocalRow("osl", "oracle", "av0", "/dev/av0/roracle", "/dev/av0/oracle",
            31457280L * 512, 512, 1, "fuse+loop", "/dev/loop3", "/run/rsio/fuse/osl:oracle", true, false, "attached");
    private static final ControlResponse ONE = ControlResponse.ok(List.of(
            new BlockLayerRow("fuse+loop", "/dev/fuse and /dev/loop-control present; no nbd module", "/run/rsio/fuse",
                    "io_uring (kernel FUSE over io_uring on (/sys/module/fuse/parameters/enable_uring = Y))"),
            ORACLE));

    @Test
    void seedExampleAtLvAndLvv() {
        String seed = """
                osl:oracle@0
                    c: /dev/av0/roracle          31457280 blocks,  1 server(s)
                    b: /dev/av0/oracle
                """;
        assertEquals("osl:oracle@0\n", LocalFormatter.format(ONE, 0));
        assertEquals(seed, LocalFormatter.format(ONE, 1));
        assertEquals(seed + "    m: fuse+loop /dev/loop3 (direct I/O), block size 512, on /run/rsio/fuse/osl:oracle\n"
                + "FUSE transport: io_uring (kernel FUSE over io_uring on (/sys/module/fuse/parameters/enable_uring = Y))\n",
                LocalFormatter.format(ONE, 2), "the seed's lines unchanged, the method, device and transport after them");
    }

    @Test
    void emptyViewSaysSoAndTheMethodWhenAskedForDetail() {
        ControlResponse none = ControlResponse.ok(List.of(new BlockLayerRow("nbd-export", "no /dev/fuse; no nbd module",
                "/run/rsio/fuse", "")));
        assertEquals("no devices attached (rsconfig -a attaches the volumes rsconfig -q lists)\n",
                LocalFormatter.format(none, 0), "issue 12: -l said nothing at all");
        assertEquals(LocalFormatter.format(none, 0), LocalFormatter.format(none, 1));
        assertEquals("no devices attached; attach method nbd-export (no /dev/fuse; no nbd module)\n",
                LocalFormatter.format(none, 2));
        ControlResponse fallback = ControlResponse.ok(List.of(new BlockLayerRow("fuse+loop", "/dev/fuse and "
                + "/dev/loop-control present; no nbd module", "/run/rsio/fuse", "/dev/fuse (fuse_transport = uring, "
                + "kernel without FUSE over io_uring (no /sys/module/fuse/parameters/enable_uring))")));
        assertEquals("no devices attached; attach method fuse+loop (/dev/fuse and /dev/loop-control present; no nbd "
                + "module)\nFUSE transport: /dev/fuse (fuse_transport = uring, kernel without FUSE over io_uring (no "
                + "/sys/module/fuse/parameters/enable_uring))\n", LocalFormatter.format(fallback, 2),
                "the fallback and its reason");
    }

    @Test
    void outcomesGoToStdoutAndFailuresToStderr() {
        ControlResponse r = ControlResponse.ok(List.of(
                new DeviceRow("attached", "osl", "oracle", "/dev/av0/oracle", "/dev/av0/roracle", "/dev/loop3", ""),
                new DeviceRow("refused", "osl", "db", "/dev/av0/db", "/dev/av0/rdb", "/dev/loop4",
                        "/dev/av0/db is mounted on /u01 (unmount or close it first, or use rsconfig -d -f)"),
                new DeviceRow("failed", "osl", "x", "", "", "", "boom")));
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        LocalFormatter.outcomes(r, out, err);
        assertEquals("osl:oracle attached: b: /dev/av0/oracle  c: /dev/av0/roracle\n", out.toString());
        assertEquals("rsconfig: osl:db not detached: /dev/av0/db is mounted on /u01 (unmount or close it first, or use "
                + "rsconfig -d -f)\nrsconfig: osl:x: boom\n", err.toString());
    }

    @Test
    void rowsSurviveTheControlSocket() {
        assertEquals(ORACLE, RowCodec.decode(RowCodec.encode(ORACLE)));
        BlockLayerRow layer = ONE.rows(BlockLayerRow.class).getFirst();
        assertEquals(layer, RowCodec.decode(RowCodec.encode(layer)));
        DeviceRow d = new DeviceRow("forced", "osl", "oracle", "/dev/av0/oracle", "/dev/av0/roracle", "/dev/loop3",
                "was mounted on /mnt/a\tb");
        assertEquals(d, RowCodec.decode(RowCodec.encode(d)));
    }

    @Test
    void commandLines() throws Exception {
        assertEquals(List.of("attach"), DeviceCommands.parse(new String[] {"-a"}).request());
        assertEquals(List.of("attach", "osl:oracle"), DeviceCommands.parse(new String[] {"-a", "osl:oracle"}).request());
        assertEquals(List.of("detach", "-f", "oracle"), DeviceCommands.parse(new String[] {"-d", "oracle", "-f"}).request());
        assertEquals(List.of("detach", "-f"), DeviceCommands.parse(new String[] {"-d", "-f"}).request());
        assertEquals(List.of("stop", "-f"), DeviceCommands.parse(new String[] {"--stop", "-f"}).request());
        assertEquals(2, DeviceCommands.parse(new String[] {"-lvv"}).verbosity());
        assertEquals(3, DeviceCommands.parse(new String[] {"-lv", "-vv"}).verbosity());
        assertThrows(Args.UsageException.class, () -> DeviceCommands.parse(new String[] {"-a", "-f"}));
        assertThrows(Args.UsageException.class, () -> DeviceCommands.parse(new String[] {"-a", "x", "y"}));
        assertThrows(Args.UsageException.class, () -> DeviceCommands.parse(new String[] {"--stop", "oracle"}));
        assertThrows(Args.UsageException.class, () -> DeviceCommands.parse(new String[] {"-l", "oracle"}));
    }
}
