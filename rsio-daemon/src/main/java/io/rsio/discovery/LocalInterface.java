package io.rsio.discovery;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * One address of one network device on this host, with what crsio shows when the administrator
 * adds an interface: name, address and prefix, broadcast, MAC, MTU, link speed and state.
 *
 * @param device    the device name, e.g. {@code eth0}
 * @param address   the address as text (IPv6 without zone)
 * @param prefix    the network prefix length
 * @param broadcast the IPv4 broadcast address of the link, if it has one
 * @param facts     MTU, speed, state and MAC from /sys/class/net
 */
public record LocalInterface(String device, String address, int prefix, Optional<String> broadcast, boolean loopback,
                             LinkFacts facts) {
    public LocalInterface {
        Objects.requireNonNull(device, "device");
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(broadcast, "broadcast");
        Objects.requireNonNull(facts, "facts");
    }

    /** "127.0.0.1/8". */
    public String cidr() {
        return address + "/" + prefix;
    }

    /**
     * The directed broadcast address of an IPv4 network, from its address and prefix; empty for
     * IPv6 and for /31 and /32 networks, which have none.
     */
    public static Optional<String> broadcastOf(InetAddress address, int prefix) {
        if (!(address instanceof Inet4Address) || prefix < 0 || prefix > 30) {
            return Optional.empty();
        }
        byte[] b = address.getAddress();
        int value = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        int host = prefix == 0 ? -1 : (1 << (32 - prefix)) - 1;
        int bcast = value | host;
        return Optional.of(((bcast >>> 24) & 0xff) + "." + ((bcast >>> 16) & 0xff) + "." + ((bcast >>> 8) & 0xff)
                + "." + (bcast & 0xff));
    }
}
