package io.rsio.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.InterfaceRow;
import io.rsio.control.ControlRows.NamespaceRow;
import io.rsio.control.ControlRows.PathRow;
import io.rsio.control.ControlRows.ServerRow;
import io.rsio.control.ControlRows.VolumeRow;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The seed's outputs, reproduced character for character from the seed's own examples. */
class FormattersTest {
    @Test
    void multipathStatusMatchesTheSeedExample() {
        ControlResponse response = ControlResponse.ok(List.of(
                new InterfaceRow(0, "if0", "tcp", "192.0.2.1", 5000),
                new InterfaceRow(1, "if1", "tcp", "198.51.100.1", 5000),
                path(1, 1, "198.51.100.9", "connected", "ok", "ok", ""),
                path(0, 0, "192.0.2.9", "connected", "ok", "ok", "")));
        assertEquals("""
                0 if0 IP(TCP) 192.0.2.1/5000
                    rep: 000 IP(TCP) 192.0.2.9/5000 connected tx: ok rx: ok
                1 if1 IP(TCP) 198.51.100.1/5000
                    rep: 001 IP(TCP) 198.51.100.9/5000 connected tx: ok rx: ok
                """, StatusFormatter.format(response));
    }

    @Test
    void aPathThatIsNotConnectedSaysWhy() {
        ControlResponse response = ControlResponse.ok(List.of(new InterfaceRow(0, "if0", "tcp", "192.0.2.1", 5000),
                path(0, 3, "192.0.2.9", "down", "-", "-", "connect failed: Connection refused")));
        assertEquals("""
                0 if0 IP(TCP) 192.0.2.1/5000
                    rep: 003 IP(TCP) 192.0.2.9/5000 down tx: - rx: - (connect failed: Connection refused)
                """, StatusFormatter.format(response));
    }

    /** Issue 12, defect 6: an interface with no path said nothing at all. */
    @Test
    void anInterfaceWithoutPathsSaysWhy() {
        ControlResponse response = ControlResponse.ok(List.of(new InterfaceRow(0, "if0", "tcp", "127.0.0.1", 5000),
                new InterfaceRow(1, "if1", "tcp", "198.18.77.1", 5000),
                path(0, 0, "127.0.0.1", "connected", "ok", "ok", "")));
        assertEquals("""
                0 if0 IP(TCP) 127.0.0.1/5000
                    rep: 000 IP(TCP) 127.0.0.1/5000 connected tx: ok rx: ok
                1 if1 IP(TCP) 198.18.77.1/5000
                    (no path: 198.18.77.1 is not an address of this host)
                """, StatusFormatter.format(response));
    }

    @Test
    void namespaceViewMatchesTheSeedExample() {
        ControlResponse response = ControlResponse.ok(List.of(
                new NamespaceRow(0, "osl", 200, "sles1"),
                new ServerRow(0, 0, 1, "big-9"),
                volume("RSIO_oracle"), volume("S10_oracle")));
        assertEquals("""
                000 osl
                  clt: sles1
                  srv: 000 big-9
                    0 RSIO_oracle      disk      20971520 blocks of  512 bytes
                    0 S10_oracle       disk      20971520 blocks of  512 bytes
                """, QueryFormatter.format(response, 0));
    }

    private static PathRow path(int itf, int rep, String address, String state, String tx, String rx, String reason) {
        return new PathRow(itf, rep, "osl", "big-9-" + rep, "tcp", address, 5000, state, tx, rx, "big-9", 1, 90, 0,
                0L, reason);
    }

    private static VolumeRow volume(String name) {
        return new VolumeRow(0, 0, name, 20971520L * 512, 512, "av0", "00000000-0000-0000-0000-000000000000",
                false, 1, "");
    }
}
