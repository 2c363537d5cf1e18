package io.rsio.client.multipath;

import io.rsio.config.ClientConfig;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decides which client interface talks to which server interface. A server address that is
 * on-link for some client interface is reached only from the interfaces on that link (the
 * seed's two-network lab: if0 to the .45 server address, if1 to the .46 one); a server address
 * on no local link is routed, so every interface of the same address family may reach it.
 */
public final class PathPlanner {
    private final List<ClientConfig.Interface> interfaces;

    public PathPlanner(List<ClientConfig.Interface> interfaces) {
        this.interfaces = interfaces;
    }

    public List<PathSpec> plan(ClientConfig config) {
        List<PathSpec> paths = new ArrayList<>();
        int rep = 0;
        for (ClientConfig.Namespace ns : config.namespaces()) {
            for (ClientConfig.Server server : ns.servers()) {
                Optional<InetAddress> target = parse(server.address());
                boolean onLinkSomewhere = target.isPresent()
                        && interfaces.stream().anyMatch(itf -> onLink(itf, target.get()));
                for (int i = 0; i < interfaces.size(); i++) {
                    ClientConfig.Interface itf = interfaces.get(i);
                    if (target.isEmpty() || !sameFamily(itf, target.get())) {
                        continue;
                    }
                    if (!onLinkSomewhere || onLink(itf, target.get())) {
                        paths.add(new PathSpec(ns.name(), i, itf, rep, server));
                    }
                }
                rep++;
            }
        }
        return paths;
    }

    private static boolean sameFamily(ClientConfig.Interface itf, InetAddress target) {
        return parse(itf.address()).map(a -> a.getClass() == target.getClass()).orElse(false);
    }

    /** True when the interface's address and prefix, as configured on this host, contain target. */
    static boolean onLink(ClientConfig.Interface itf, InetAddress target) {
        Optional<InetAddress> local = parse(itf.address());
        if (local.isEmpty()) {
            return false;
        }
        try {
            NetworkInterface nic = NetworkInterface.getByInetAddress(local.get());
            if (nic == null) {
                return false;
            }
            for (InterfaceAddress ia : nic.getInterfaceAddresses()) {
                if (ia.getAddress().equals(local.get())) {
                    return samePrefix(local.get(), target, ia.getNetworkPrefixLength());
                }
            }
        } catch (SocketException e) {
            return false;
        }
        return false;
    }

    static boolean samePrefix(InetAddress a, InetAddress b, int prefix) {
        byte[] x = a.getAddress();
        byte[] y = b.getAddress();
        if (x.length != y.length) {
            return false;
        }
        for (int bit = 0; bit < prefix; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((x[bit / 8] & mask) != (y[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static Optional<InetAddress> parse(String literal) {
        try {
            // Config addresses are validated literals: this never does a DNS lookup.
            return Optional.of(InetAddress.getByName(literal));
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
