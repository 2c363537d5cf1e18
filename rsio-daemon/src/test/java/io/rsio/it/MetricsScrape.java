package io.rsio.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One scrape of a daemon's metrics endpoint, as Prometheus would take it, with look-ups of
 * single samples by name and labels, and Prometheus' own linter ({@code promtool check metrics}).
 */
record MetricsScrape(String text) {
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    static MetricsScrape of(int port) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/metrics")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AssertionError("GET /metrics: HTTP " + response.statusCode() + "\n" + response.body());
            }
            return new MetricsScrape(response.body());
        }
    }

    /** The sample {@code name} whose labels include {@code labels} (name, value pairs); empty if none. */
    OptionalDouble value(String name, String... labels) {
        for (String line : text.split("\n")) {
            Matcher m = SAMPLE.matcher(line);
            if (line.startsWith("#") || !m.matches() || !m.group(1).equals(name)) {
                continue;
            }
            Map<String, String> found = new HashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                while (l.find()) {
                    found.put(l.group(1), l.group(2));
                }
            }
            boolean all = true;
            for (int i = 0; i < labels.length; i += 2) {
                all &= labels[i + 1].equals(found.get(labels[i]));
            }
            if (all) {
                return OptionalDouble.of(Double.parseDouble(m.group(4)));
            }
        }
        return OptionalDouble.empty();
    }

    /** The sample's value; fails with the whole scrape when it is missing. */
    double require(String name, String... labels) {
        return value(name, labels).orElseThrow(() -> new AssertionError("no sample " + name + " "
                + String.join(",", labels) + " in\n" + text));
    }

    /** Runs {@code promtool check metrics} on the scrape; its verdict and what it printed. */
    ProcessResult promtool(Path dir) throws IOException, InterruptedException {
        Commands.requireTool("promtool");
        Path file = Files.createTempFile(dir, "scrape", ".prom");
        Files.writeString(file, text);
        return Commands.run(Duration.ofSeconds(30), Map.of(), List.of("sh", "-c", "promtool check metrics < " + file));
    }
}
