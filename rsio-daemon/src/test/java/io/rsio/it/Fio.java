package io.rsio.it;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * fio, the real load generator, against an NBD URI with data verification, and what a user
 * reads from its JSON: errors, I/O counts and the longest completion latency (the stall).
 */
final class Fio {
    record Result(int exitCode, int error, long ios, double maxLatencyMillis, String output) {}

    private static final Pattern ERROR = Pattern.compile("\"error\" : (\\d+)");
    private static final Pattern TOTAL_IOS = Pattern.compile("\"total_ios\" : (\\d+)");
    private static final Pattern CLAT_MAX = Pattern.compile("\"clat_ns\" : \\{\\s*\"min\" : \\d+,\\s*\"max\" : (\\d+)");

    private Fio() {}

    /** Random 64 KiB writes at queue depth 16, every block read back and checked (CRC32C). */
    static CompletableFuture<Result> verifiedRandomWrites(String uri, int seconds) {
        return verifiedRandomWrites(uri, seconds, "64k");
    }

    /** Random writes of {@code blockSize} at queue depth 16, every block read back and checked (CRC32C). */
    static CompletableFuture<Result> verifiedRandomWrites(String uri, int seconds, String blockSize) {
        List<String> command = new ArrayList<>(List.of("fio", "--name=verify", "--ioengine=nbd", "--uri=" + uri,
                "--rw=randwrite", "--bs=" + blockSize, "--iodepth=16", "--size=128m", "--time_based",
                "--runtime=" + seconds, "--verify=crc32c", "--verify_backlog=64", "--verify_fatal=1", "--verify_state_save=0",
                "--output-format=json"));
        return CompletableFuture.supplyAsync(() -> {
            try {
                ProcessResult r = Commands.run(Duration.ofSeconds(seconds + 90L), Map.of(), command);
                return parse(r);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    static Result parse(ProcessResult r) {
        String out = r.stdout();
        int error = find(ERROR, out).map(Integer::parseInt).orElse(-1);
        long ios = 0;
        Matcher m = TOTAL_IOS.matcher(out);
        while (m.find()) {
            ios += Long.parseLong(m.group(1));
        }
        double max = 0;
        Matcher c = CLAT_MAX.matcher(out);
        while (c.find()) {
            max = Math.max(max, Long.parseLong(c.group(1)) / 1e6);
        }
        return new Result(r.exitCode(), error, ios, max, r.toString());
    }

    private static java.util.Optional<String> find(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? java.util.Optional.of(m.group(1)) : java.util.Optional.empty();
    }
}
