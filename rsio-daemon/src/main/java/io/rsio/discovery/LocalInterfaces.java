package io.rsio.discovery;

import io.rsio.wire.auth.NodeKeyAuth;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** The addresses of this host's network devices, for crsio's Interfaces screen and for discovery. */
public final class LocalInterfaces {
    private LocalInterfaces() {}

    /**
     * Every address of every device that is up, IPv4 first, then IPv6; link-local IPv6 addresses
     * are left out (a config address needs no zone to be usable).
     */
    public static List<LocalInterface> list() {
        return list(LinkFacts.SYS_CLASS_NET);
    }

    static List<LocalInterface> list(Path sysClassNet) {
        List<LocalInterface> result = new ArrayList<>();
        List<NetworkInterface> nics;
        try {
            nics = Collections.list(NetworkInterface.getNetworkInterfaces());
        } catch (SocketException e) {
            return List.of();
        }
        for (NetworkInterface nic : nics) {
            try {
                if (!nic.isUp()) {
                    continue;
                }
                LinkFacts facts = LinkFacts.read(sysClassNet, nic.getName());
                if (facts.mtu() == 0) {
                    facts = new LinkFacts(nic.getMTU(), facts.speedMbps(), facts.state(), facts.mac());
                }
                for (InterfaceAddress ia : nic.getInterfaceAddresses()) {
                    InetAddress a = ia.getAddress();
                    if (a instanceof Inet6Address && (a.isLinkLocalAddress() || a.isMulticastAddress())) {
                        continue;
                    }
                    int prefix = ia.getNetworkPrefixLength();
                    Optional<String> broadcast = ia.getBroadcast() != null
                            ? Optional.of(ia.getBroadcast().getHostAddress())
                            // Linux answers a broadcast on lo (127.255.255.255), but Java reports none.
                            : nic.isLoopback() ? LocalInterface.broadcastOf(a, prefix) : Optional.empty();
                    result.add(new LocalInterface(nic.getName(), NodeKeyAuth.addressText(a), prefix, broadcast,
                            nic.isLoopback(), facts));
                }
            } catch (SocketException e) {
                // a device that vanished while we looked: skip it
            }
        }
        result.sort(Comparator.comparing((LocalInterface i) -> i.address().contains(":"))
                .thenComparing(LocalInterface::loopback)
                .thenComparing(LocalInterface::device));
        return result;
    }

    /** The local interface that holds this address, if any. */
    public static Optional<LocalInterface> byAddress(String address) {
        String wanted = address.contains("%") ? address.substring(0, address.indexOf('%')) : address;
        try {
            InetAddress a = InetAddress.ofLiteral(wanted);
            String normal = NodeKeyAuth.addressText(a);
            List<LocalInterface> all = list();
            Optional<LocalInterface> exact = all.stream().filter(i -> i.address().equals(normal)).findFirst();
            if (exact.isPresent() || !a.isLoopbackAddress()) {
                return exact;
            }
            // Every 127.x.y.z is this host's through lo's 127.0.0.0/8, assigned or not.
            return all.stream().filter(i -> i.loopback() && i.address().contains(".") == normal.contains("."))
                    .findFirst().map(lo -> new LocalInterface(lo.device(), normal, lo.prefix(), lo.broadcast(), true,
                            lo.facts()));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
