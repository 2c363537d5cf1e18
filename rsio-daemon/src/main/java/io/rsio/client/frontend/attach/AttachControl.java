package io.rsio.client.frontend.attach;

import io.rsio.client.multipath.NamespaceClient;
import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.BlockLayerRow;
import io.rsio.control.ControlRows.DeviceRow;
import io.rsio.control.ControlRows.LocalRow;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The control-socket requests of the block device layer (docs/CONTROL.md):
 * {@code attach [SEL]}, {@code detach [-f] [SEL]}, {@code local}, {@code stop [-f]}, where SEL
 * is NAME or NAMESPACE:NAME and no SEL means every volume.
 */
public final class AttachControl {
    private static final Logger LOG = LogManager.getLogger(AttachControl.class);
    public static final List<String> REQUESTS = List.of("attach", "detach", "local", "stop");

    private final AttachManager manager;
    private final Supplier<List<NamespaceClient>> namespaces;
    private final Runnable exit;

    /** {@code exit} ends the process once a {@code stop} was answered. */
    public AttachControl(AttachManager manager, Supplier<List<NamespaceClient>> namespaces, Runnable exit) {
        this.manager = manager;
        this.namespaces = namespaces;
        this.exit = exit;
    }

    public ControlResponse handle(List<String> words) {
        boolean force = words.stream().skip(1).anyMatch("-f"::equals);
        List<String> operands = words.stream().skip(1).filter(w -> !w.equals("-f")).toList();
        if (operands.size() > 1 || words.stream().skip(1).anyMatch(w -> w.startsWith("-") && !w.equals("-f"))) {
            return ControlResponse.error("usage: " + words.getFirst() + " [-f] [NAME|NAMESPACE:NAME]");
        }
        String selector = operands.isEmpty() ? "" : operands.getFirst();
        try {
            return switch (words.getFirst()) {
                case "attach" -> ControlResponse.ok(rows(manager.attach(selector)));
                case "detach" -> ControlResponse.ok(rows(manager.detach(selector, force)));
                case "local" -> ControlResponse.ok(local());
                case "stop" -> stop(force, selector);
                default -> ControlResponse.error("unknown request '" + words.getFirst() + "'");
            };
        } catch (AttachException e) {
            return ControlResponse.error(e.getMessage());
        }
    }

    private ControlResponse stop(boolean force, String selector) throws AttachException {
        if (!selector.isEmpty()) {
            return ControlResponse.error("usage: stop [-f]");
        }
        List<AttachManager.Outcome> outcomes = manager.prepareStop(force);
        if (outcomes.stream().anyMatch(AttachManager.Outcome::failed)) {
            return ControlResponse.ok(rows(outcomes)); // some device could not go: keep running
        }
        LOG.info("stop requested on the control socket{}", force ? " (forced)" : "");
        // Answer first, then end the process (its shutdown hook closes everything in order).
        Thread.ofPlatform().daemon().name("rsiod-stop").start(() -> {
            try {
                Thread.sleep(200);
            } catch (InterruptedException ignored) {
                // stop anyway
            }
            exit.run();
        });
        return ControlResponse.ok(rows(outcomes));
    }

    private List<Record> local() {
        List<Record> rows = new ArrayList<>();
        AttachMethod.Choice method = manager.method();
        rows.add(new BlockLayerRow(method.method().label(), method.reason(), manager.fuseDir().toString(),
                method.method() == AttachMethod.FUSE_LOOP ? manager.fuseTransport().describe() : ""));
        for (Attachment a : manager.attachments()) {
            rows.add(new LocalRow(a.namespace(), a.volume().name(), a.deviceDir(), a.charLink().toString(),
                    a.blockLink().toString(), a.volume().size(), a.volume().blockSize(), servers(a),
                    a.method().label(), a.loop().path().toString(), a.fuseFile().toString(), a.loop().directIo(),
                    a.volume().readOnly(), a.detaching() ? "detaching" : "attached"));
        }
        return rows;
    }

    /** Servers of the namespace that offer this volume (by identity): the seed's "N server(s)". */
    private int servers(Attachment a) {
        UUID id = a.volume().info().id();
        int count = 0;
        for (NamespaceClient ns : namespaces.get()) {
            if (!ns.name().equals(a.namespace())) {
                continue;
            }
            for (NamespaceClient.ServerView server : ns.servers()) {
                if (server.volumes().stream().anyMatch(v -> v.id().equals(id))) {
                    count++;
                }
            }
        }
        return count;
    }

    private static List<Record> rows(List<AttachManager.Outcome> outcomes) {
        List<Record> rows = new ArrayList<>();
        for (AttachManager.Outcome o : outcomes) {
            Attachment a = o.attachment();
            rows.add(new DeviceRow(o.action(), o.namespace(), o.volume(), a == null ? "" : a.blockLink().toString(),
                    a == null ? "" : a.charLink().toString(), a == null ? "" : a.loop().path().toString(),
                    o.message()));
        }
        return rows;
    }
}
