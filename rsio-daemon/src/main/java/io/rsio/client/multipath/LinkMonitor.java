package io.rsio.client.multipath;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Watches the link state of every client interface (operstate in /sys/class/net, polled every
 * 50 ms) so that a pulled cable fails its paths at once — TCP alone would notice only after
 * the path timeout — and a returning link reconnects them at once.
 */
public final class LinkMonitor {
    private static final Logger LOG = LogManager.getLogger(LinkMonitor.class);
    static final long POLL_MILLIS = 50;

    /** The paths by client interface address, asked on every poll: a reload adds and removes paths. */
    private final Supplier<Map<String, List<RsioPath>>> pathsByAddress;
    private final Map<String, Optional<String>> lastProblem = new HashMap<>();

    public LinkMonitor(Supplier<Map<String, List<RsioPath>>> pathsByAddress) {
        this.pathsByAddress = pathsByAddress;
    }

    public void start(ScheduledExecutorService timer) {
        timer.scheduleWithFixedDelay(this::poll, 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void poll() {
        Map<String, List<RsioPath>> now = pathsByAddress.get();
        lastProblem.keySet().retainAll(now.keySet());
        now.forEach((address, paths) -> {
            Optional<String> problem = problem(address);
            Optional<String> before = lastProblem.put(address, problem);
            if (problem.equals(before)) {
                return;
            }
            if (problem.isPresent()) {
                LOG.warn("client interface {}: {}; failing its {} path(s)", address, problem.get(), paths.size());
                paths.forEach(p -> p.linkDown(problem.get()));
            } else if (before != null) {
                LOG.info("client interface {}: link up again; reconnecting its {} path(s)", address, paths.size());
                paths.forEach(RsioPath::linkUp);
            }
        });
    }

    /** Why the interface with this address cannot carry traffic, or empty when it can. */
    static Optional<String> problem(String address) {
        try {
            NetworkInterface nic = NetworkInterface.getByInetAddress(InetAddress.getByName(address));
            if (nic == null) {
                return Optional.of("address " + address + " is not configured on this host");
            }
            String state = operstate(nic.getName());
            // "unknown" is what loopback and some virtual devices report while working.
            return state.equals("up") || state.equals("unknown")
                    ? Optional.empty() : Optional.of("link down on " + nic.getName() + " (" + state + ")");
        } catch (SocketException | java.net.UnknownHostException e) {
            return Optional.of("cannot read interface of " + address + ": " + e.getMessage());
        }
    }

    private static String operstate(String nic) {
        try {
            return Files.readString(Path.of("/sys/class/net", nic, "operstate")).trim();
        } catch (IOException e) {
            return "unknown";
        }
    }
}
