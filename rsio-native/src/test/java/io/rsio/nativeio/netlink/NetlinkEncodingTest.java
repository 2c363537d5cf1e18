package io.rsio.nativeio.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Netlink messages byte by byte against fixtures written from linux/netlink.h and linux/nbd-netlink.h. */
class NetlinkEncodingTest {
    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.nativeOrder());
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    @Test
    void getFamilyRequest() {
        byte[] m = new NetlinkMessage(0x10, 7, 3, 1).string(2, "nbd").toBytes();
        // nlmsghdr {len 28, type 0x10, flags REQUEST|ACK, seq 7, pid 0}, genlmsghdr {cmd 3, version 1},
        // nlattr {len 8, type 2} "nbd\0"
        assertEquals("1c000000" + "1000" + "0500" + "07000000" + "00000000" + "03" + "01" + "0000"
                + "0800" + "0200" + "6e626400", hex(m));
    }

    @Test
    void connectWithTwoSocketsNestsThem() {
        NbdNetlink.Connect c = new NbdNetlink.Connect(-1, 1L << 30, 4096, 0x125, 30, 120, new int[] {7, 9}, "rsio");
        byte[] m = NbdNetlink.encodeConnect(0x21, 5, c);
        ByteBuffer e = le(256);
        e.putInt(0).putShort((short) 0x21).putShort((short) 5).putInt(5).putInt(0).put((byte) 1).put((byte) 1)
                .putShort((short) 0);
        e.putShort((short) 12).putShort((short) 2).putLong(1L << 30);     // SIZE_BYTES
        e.putShort((short) 12).putShort((short) 3).putLong(4096);         // BLOCK_SIZE_BYTES
        e.putShort((short) 12).putShort((short) 5).putLong(0x125);        // SERVER_FLAGS
        e.putShort((short) 12).putShort((short) 4).putLong(30);           // TIMEOUT
        e.putShort((short) 12).putShort((short) 8).putLong(120);          // DEAD_CONN_TIMEOUT
        e.putShort((short) 28).putShort((short) (7 | 0x8000));            // SOCKETS, nested
        e.putShort((short) 12).putShort((short) (1 | 0x8000));            //   SOCK_ITEM, nested
        e.putShort((short) 8).putShort((short) 1).putInt(7);              //     SOCK_FD 7
        e.putShort((short) 12).putShort((short) (1 | 0x8000));
        e.putShort((short) 8).putShort((short) 1).putInt(9);
        e.putShort((short) 9).putShort((short) 10).put("rsio".getBytes()).put((byte) 0).put(new byte[3]);
        e.putInt(0, e.position());
        byte[] expected = new byte[e.position()];
        e.get(0, expected);
        assertEquals(hex(expected), hex(m));
        assertFalse(hex(m).contains("0c000100"), "no INDEX attribute when the kernel chooses");
    }

    @Test
    void disconnectAndResizeNameTheDevice() {
        byte[] d = NbdNetlink.encodeDisconnect(0x21, 9, 3);
        assertEquals("1c000000" + "2100" + "0500" + "09000000" + "00000000" + "02010000" + "0800" + "0100" + "03000000",
                hex(d));
        byte[] r = NbdNetlink.encodeResize(0x21, 10, 3, 5L << 30);
        ByteBuffer b = ByteBuffer.wrap(r).order(ByteOrder.nativeOrder());
        assertEquals(r.length, b.getInt(0));
        assertEquals(3, b.get(16), "NBD_CMD_RECONFIGURE");
        assertEquals(5L << 30, b.getLong(20 + 8 + 4));
    }

    @Test
    void repliesParseIntoAttributesAndErrors() throws Exception {
        // a CTRL reply {FAMILY_ID 0x21, FAMILY_NAME "nbd"} followed by an ACK, in one datagram
        ByteBuffer b = le(128);
        b.putInt(36).putShort((short) 0x10).putShort((short) 0).putInt(4).putInt(99).put((byte) 1).put((byte) 2)
                .putShort((short) 0);
        b.putShort((short) 6).putShort((short) 1).putShort((short) 0x21).putShort((short) 0);
        b.putShort((short) 8).putShort((short) 2).put("nbd".getBytes()).put((byte) 0);
        b.putInt(36).putShort((short) 2).putShort((short) 0x100).putInt(4).putInt(99).putInt(0).put(new byte[16]);
        List<NetlinkReply> replies = NetlinkReply.parse(b.array(), b.position());
        assertEquals(2, replies.size());
        assertEquals(0x21, replies.get(0).attributes().u16(1).orElseThrow());
        assertEquals("nbd", replies.get(0).attributes().string(2).orElseThrow());
        assertTrue(replies.get(1).isAck());

        ByteBuffer err = le(64);
        err.putInt(36).putShort((short) 2).putShort((short) 0).putInt(5).putInt(0).putInt(-22).put(new byte[16]);
        NetlinkReply e = NetlinkReply.parse(err.array(), err.position()).getFirst();
        assertTrue(e.isError());
        assertEquals(22, e.error());
        NetlinkException x = e.failure("NBD_CMD_CONNECT");
        assertEquals("NBD_CMD_CONNECT: EINVAL (Invalid argument)", x.getMessage());
        assertEquals(22, x.errno());
    }

    @Test
    void lyingLengthsAreRefused() {
        ByteBuffer b = le(64);
        b.putInt(200).putShort((short) 0x10).putShort((short) 0).putInt(1).putInt(0).putInt(0);
        assertThrows(NetlinkException.class, () -> NetlinkReply.parse(b.array(), 20));
        byte[] attrs = le(8).putShort((short) 40).putShort((short) 1).putInt(0).array();
        assertThrows(NetlinkException.class, () -> NetlinkAttributes.parse(attrs, 0, 8));
        byte[] shortU64 = le(8).putShort((short) 8).putShort((short) 2).putInt(5).array();
        NetlinkException n = assertThrows(NetlinkException.class,
                () -> NetlinkAttributes.parse(shortU64, 0, 8).u64(2));
        assertTrue(n.getMessage().contains("needs 8"), n.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new NbdNetlink.Connect(-1, 1 << 20, 4096, 1, 0, 0, new int[0], ""));
        assertThrows(IllegalStateException.class, () -> new NetlinkMessage(0x10, 1, 1, 1).begin(7).toBytes());
    }
}
