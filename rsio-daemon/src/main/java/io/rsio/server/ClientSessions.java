package io.rsio.server;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.LongAdder;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Who is logged in to this server: one entry per logged-in connection (path), with the node
 * name, the source address and the client's instance (the random id an rsiod picks at start,
 * docs/PROTOCOL.md §3.3). One rsiod has many paths, from several addresses, under one
 * instance; two instances under one node name are two rsiods sharing one identity (a cloned
 * host, a copied config), which rssrv logs when the second one logs in and tells both in
 * every PING reply (docs/security.md, "One identity, one host").
 */
public final class ClientSessions {
    private static final Logger LOG = LogManager.getLogger(ClientSessions.class);

    /** One logged-in connection; {@code instance} is null for a client that does not send one. */
    record Login(String node, String address, UUID instance) {}

    private final Map<String, List<Login>> byNode = new HashMap<>();
    private final LongAdder accepted = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder readPauses = new LongAdder();
    private int sessions;

    /** A connection logged in; logs when it is a second instance of a node already logged in. */
    synchronized void loggedIn(Login login) {
        accepted.increment();
        sessions++;
        List<Login> same = byNode.computeIfAbsent(login.node(), n -> new ArrayList<>());
        boolean newInstance = login.instance() != null
                && same.stream().noneMatch(l -> login.instance().equals(l.instance()));
        same.add(login);
        if (newInstance) {
            Set<String> otherAddresses = new LinkedHashSet<>();
            same.stream().filter(l -> l.instance() != null && !l.instance().equals(login.instance()))
                    .forEach(l -> otherAddresses.add(l.address()));
            if (!otherAddresses.isEmpty()) {
                LOG.warn("client {} logged in from {} as another rsiod (instance {}) while one with the same node name "
                        + "is logged in from {}: two hosts share one node name and key, and each can use every "
                        + "volume the other can (give each host its own nodename and key)", login.node(),
                        login.address(), login.instance(), String.join(", ", otherAddresses));
            }
        }
    }

    synchronized void loggedOut(Login login) {
        List<Login> same = byNode.get(login.node());
        if (same != null && same.remove(login)) {
            sessions--;
            if (same.isEmpty()) {
                byNode.remove(login.node());
            }
        }
    }

    /** How many other instances of {@code login}'s node are logged in now (0 without an instance). */
    synchronized int otherInstances(Login login) {
        if (login.instance() == null) {
            return 0;
        }
        return (int) byNode.getOrDefault(login.node(), List.of()).stream().map(Login::instance)
                .filter(i -> i != null && !i.equals(login.instance())).distinct().count();
    }

    void refused() {
        refused.increment();
    }

    /** A connection stopped reading requests until its in-flight work drains (the per-connection throttle). */
    void pausedReading() {
        readPauses.increment();
    }

    /** Times connections stopped reading requests because of their in-flight or unsent-reply limits. */
    public long readPauses() {
        return readPauses.sum();
    }

    /** Logged-in connections now. */
    public synchronized int sessions() {
        return sessions;
    }

    /** Node names with at least one logged-in connection now. */
    public synchronized int clients() {
        return byNode.size();
    }

    /** Node names logged in from more than one rsiod instance now. */
    public synchronized int sharedIdentities() {
        return (int) byNode.values().stream().filter(l -> l.stream().map(Login::instance)
                .filter(java.util.Objects::nonNull).distinct().count() > 1).count();
    }

    public long loginsAccepted() {
        return accepted.sum();
    }

    public long loginsRefused() {
        return refused.sum();
    }
}
