package io.rsio.metrics;

import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.rsio.common.NamedThreads;
import io.rsio.config.MetricsAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A daemon's Prometheus endpoint: {@code GET /metrics} on the configured address, in the text
 * format (docs/METRICS.md). The Prometheus Java client's HTTP server does the HTTP and the
 * exposition; one thread answers, so a scrape never competes with I/O for more than a core.
 */
public final class MetricsEndpoint implements AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(MetricsEndpoint.class);

    private final HTTPServer server;
    private final ExecutorService thread;

    private MetricsEndpoint(HTTPServer server, ExecutorService thread) {
        this.server = server;
        this.thread = thread;
    }

    /** {@link #start} when the config sets an address; empty when it does not (the default). */
    public static java.util.Optional<MetricsEndpoint> startIfConfigured(String program,
            java.util.Optional<MetricsAddress> address, java.util.function.Supplier<MultiCollector> collector)
            throws IOException {
        return address.isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of(start(program, address.get(), collector.get()));
    }

    /** Serves what {@code collector} collects at {@code address}; fails when the port cannot be bound. */
    public static MetricsEndpoint start(String program, MetricsAddress address, MultiCollector collector)
            throws IOException {
        PrometheusRegistry registry = new PrometheusRegistry();
        registry.register(collector);
        ExecutorService thread = Executors.newSingleThreadExecutor(new NamedThreads(program + "-metrics"));
        HTTPServer server;
        try {
            server = HTTPServer.builder().inetAddress(InetAddress.ofLiteral(address.address())).port(address.port())
                    .registry(registry).executorService(thread).buildAndStart();
        } catch (IOException | RuntimeException e) {
            thread.shutdownNow();
            throw new IOException("cannot serve metrics on " + address.text() + " (metrics key): " + e.getMessage(), e);
        }
        if (address.loopback()) {
            LOG.info("metrics on http://{}/metrics", address.text());
        } else {
            LOG.warn("metrics on http://{}/metrics: readable without authentication by anyone who reaches {} "
                    + "(node names, addresses and volume names; no keys)", address.text(), address.address());
        }
        return new MetricsEndpoint(server, thread);
    }

    /** The port actually bound. */
    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.close();
        thread.shutdownNow();
    }
}
