package io.rsio.nativeio.netlink;

import io.rsio.nativeio.LinuxErrno;
import io.rsio.nativeio.Syscalls;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The messages in one datagram from the kernel. An NLMSG_ERROR message carries a negative
 * errno (0 is the acknowledgement of a request sent with NLM_F_ACK); other messages carry a
 * genlmsghdr and attributes.
 */
public record NetlinkReply(int type, int flags, int seq, int error, int cmd, NetlinkAttributes attributes) {

    public boolean isAck() {
        return type == NetlinkMessage.NLMSG_ERROR && error == 0;
    }

    public boolean isError() {
        return type == NetlinkMessage.NLMSG_ERROR && error != 0;
    }

    /** Splits {@code length} received bytes into messages, checking every length. */
    public static List<NetlinkReply> parse(byte[] data, int length) throws NetlinkException {
        ByteBuffer b = ByteBuffer.wrap(data, 0, length).order(ByteOrder.nativeOrder());
        List<NetlinkReply> replies = new ArrayList<>();
        int at = 0;
        while (length - at >= NetlinkMessage.NLMSG_HDRLEN) {
            int len = b.getInt(at);
            int type = Short.toUnsignedInt(b.getShort(at + 4));
            int flags = Short.toUnsignedInt(b.getShort(at + 6));
            int seq = b.getInt(at + 8);
            if (len < NetlinkMessage.NLMSG_HDRLEN || len > length - at) {
                throw new NetlinkException("netlink message says " + len + " bytes, " + (length - at) + " left");
            }
            int payload = at + NetlinkMessage.NLMSG_HDRLEN;
            if (type == NetlinkMessage.NLMSG_ERROR) {
                if (len < NetlinkMessage.NLMSG_HDRLEN + 4) {
                    throw new NetlinkException("NLMSG_ERROR without an error code");
                }
                replies.add(new NetlinkReply(type, flags, seq, -b.getInt(payload), 0, null));
            } else if (type == NetlinkMessage.NLMSG_DONE) {
                replies.add(new NetlinkReply(type, flags, seq, 0, 0, null));
            } else {
                if (len < NetlinkMessage.NLMSG_HDRLEN + NetlinkMessage.GENL_HDRLEN) {
                    throw new NetlinkException("generic netlink message of " + len + " bytes has no genlmsghdr");
                }
                int attrs = payload + NetlinkMessage.GENL_HDRLEN;
                replies.add(new NetlinkReply(type, flags, seq, 0, Byte.toUnsignedInt(b.get(payload)),
                        NetlinkAttributes.parse(data, attrs, at + len - attrs)));
            }
            at += (len + 3) & ~3;
        }
        return replies;
    }

    /** The error as an exception: "NBD_CMD_CONNECT: EINVAL (Invalid argument)". */
    public NetlinkException failure(String what) {
        return new NetlinkException(what + ": " + LinuxErrno.name(error) + " (" + Syscalls.strerror(error) + ")", error);
    }
}
