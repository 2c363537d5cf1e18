package io.rsio.client.multipath;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Per server, for one volume: how many writes it acknowledged, how many of them a FLUSH on it
 * has made durable, and the server instance (host boot id) that holds the rest in its cache.
 *
 * <p>A server makes durable only what it wrote itself. So a FLUSH must reach every server with
 * acknowledged writes not yet flushed, and if such a server comes back as another instance (its
 * host rebooted) those writes may be gone: that is a loss to report, not a FLUSH to send.
 * Writes count in the order their acknowledgements were recorded; a FLUSH covers those
 * recorded before it was issued (they were all acknowledged before it went out).
 */
final class FlushLedger {
    /** Writes of one server that a FLUSH has not made durable yet. */
    private static final class Server {
        long acknowledged;
        long flushed;
        UUID instance;
        /** Why writes of this server may be gone, until a FLUSH has reported it; else null. */
        String unreportedLoss;

        /** The unflushed writes count as lost for {@code why}: nothing can flush them any more. */
        Loss lose(int serverId, String why) {
            long writes = acknowledged - flushed;
            unreportedLoss = why;
            flushed = acknowledged;
            return new Loss(serverId, writes, why);
        }
    }

    /** A loss: {@code writes} acknowledged writes of server {@code serverId} may be gone. */
    record Loss(int serverId, long writes, String why) {}

    private final Map<Integer, Server> servers = new HashMap<>();

    /**
     * A write, discard or write-zeroes was acknowledged by {@code serverId} (instance
     * {@code instance}) and is not yet durable there. Returns a loss when it came from another
     * instance than the writes still waiting for a FLUSH (normally caught by {@link #connected}).
     */
    synchronized Loss acknowledged(int serverId, UUID instance) {
        Server s = servers.computeIfAbsent(serverId, id -> new Server());
        Loss loss = null;
        if (s.acknowledged > s.flushed && !Objects.equals(s.instance, instance)) {
            loss = loseToNewInstance(serverId, s, instance);
        }
        if (s.acknowledged == s.flushed) {
            s.instance = instance;
        }
        s.acknowledged++;
        return loss;
    }

    /**
     * A path to {@code serverId} logged in and found instance {@code instance}. If the server has
     * writes not yet flushed and this is not the instance that acknowledged them, they may be
     * lost: the answer says how many (and they no longer wait for a FLUSH: it cannot bring them
     * back). Without an instance (a server that does not report one) nobody can tell, so that
     * counts as a loss too.
     */
    synchronized Loss connected(int serverId, UUID instance) {
        Server s = servers.get(serverId);
        if (s == null) {
            return null;
        }
        if (s.acknowledged > s.flushed && !sameInstance(s.instance, instance)) {
            return loseToNewInstance(serverId, s, instance);
        }
        if (s.acknowledged == s.flushed) {
            s.instance = instance;
        }
        return null;
    }

    private static boolean sameInstance(UUID a, UUID b) {
        return a != null && a.equals(b);
    }

    private static Loss loseToNewInstance(int serverId, Server s, UUID now) {
        long writes = s.acknowledged - s.flushed;
        String why = s.instance == null || now == null
                ? "server id " + serverId + " reconnected without telling its instance, so " + writes
                        + " acknowledged write(s) not yet flushed there cannot be proven durable"
                : "server id " + serverId + " came back as another instance (boot id " + s.instance + " -> " + now
                        + ": its host restarted) and may have lost " + writes + " acknowledged write(s) not yet flushed";
        s.instance = now;
        return s.lose(serverId, why);
    }

    /**
     * No path leads to {@code serverId} any more (a reload removed it): its unflushed writes can
     * never be flushed from here, so they count as a possible loss, reported to the next FLUSH
     * like one after a reboot; then the server is forgotten.
     */
    synchronized Loss forget(int serverId) {
        Server s = servers.get(serverId);
        if (s == null) {
            return null;
        }
        long writes = s.acknowledged - s.flushed;
        if (writes == 0) {
            if (s.unreportedLoss == null) {
                servers.remove(serverId);
            }
            return null;
        }
        return s.lose(serverId, "server id " + serverId + " was removed from the configuration with " + writes
                + " acknowledged write(s) not yet flushed there");
    }

    /** Servers this ledger knows. */
    synchronized java.util.Set<Integer> servers() {
        return java.util.Set.copyOf(servers.keySet());
    }

    /** Servers with acknowledged writes that no FLUSH has covered yet. */
    synchronized List<Integer> unflushed() {
        return servers.entrySet().stream().filter(e -> e.getValue().acknowledged > e.getValue().flushed)
                .map(Map.Entry::getKey).sorted().toList();
    }

    /** Acknowledged writes of {@code serverId} so far: what a FLUSH issued now covers. */
    synchronized long mark(int serverId) {
        Server s = servers.get(serverId);
        return s == null ? 0 : s.acknowledged;
    }

    /**
     * A FLUSH that covered the first {@code covered} writes succeeded on {@code serverId}, on
     * instance {@code instance}. Ignored when that is not the instance that holds the writes
     * (the loss was reported when the new instance connected).
     */
    synchronized void flushed(int serverId, UUID instance, long covered) {
        Server s = servers.get(serverId);
        if (s != null && Objects.equals(s.instance, instance) && covered > s.flushed) {
            s.flushed = Math.min(covered, s.acknowledged);
        }
    }

    /**
     * Takes the not yet reported loss of {@code serverId}: a FLUSH that fails with it has told
     * the application, like a write-back error that fsync reports once.
     */
    synchronized String takeLoss(int serverId) {
        Server s = servers.get(serverId);
        if (s == null) {
            return null;
        }
        String why = s.unreportedLoss;
        s.unreportedLoss = null;
        return why;
    }

    /** Takes every loss not yet reported, in server order (see {@link #takeLoss}). */
    synchronized List<String> takeLosses() {
        return unreportedLosses().stream().map(this::takeLoss).toList();
    }

    /** Servers with a loss not yet reported to a FLUSH. */
    synchronized List<Integer> unreportedLosses() {
        return servers.entrySet().stream().filter(e -> e.getValue().unreportedLoss != null).map(Map.Entry::getKey)
                .sorted().toList();
    }

    synchronized long unflushedWrites(int serverId) {
        Server s = servers.get(serverId);
        return s == null ? 0 : s.acknowledged - s.flushed;
    }
}
