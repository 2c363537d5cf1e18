package io.rsio.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.rsio.client.daemon.ClientDaemon;
import io.rsio.client.multipath.NamespaceClient;
import io.rsio.client.multipath.VolumeClient;
import io.rsio.common.Args;
import io.rsio.config.ClientConfig;
import io.rsio.config.ConfigException;
import io.rsio.config.ConfigValues;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The RSIO protocol alone, without the NBD hop: the client core runs in this process and keeps
 * {@code qd} random reads or writes in flight against one volume for a fixed time, then prints
 * one JSON line with IOPS, latency percentiles and this process's CPU seconds.
 *
 * <pre>rsio-load -c rscltcfg --volume vol --rw randread --bs 8k --qd 32 --seconds 5</pre>
 */
public final class RsioLoad {
    private static final String USAGE = "usage: rsio-load -c FILE --volume NAME [--rw randread|randwrite] [--bs 8k]"
            + " [--qd 32] [--seconds 5] [--span 1G]\n";

    private final VolumeClient volume;
    private final boolean write;
    private final int blockSize;
    private final long span;
    private final long deadline;
    private final long[] latencies = new long[4 << 20];
    private final AtomicInteger count = new AtomicInteger();
    private final AtomicInteger errors = new AtomicInteger();

    private RsioLoad(VolumeClient volume, boolean write, int blockSize, long span, long deadline) {
        this.volume = volume;
        this.write = write;
        this.blockSize = blockSize;
        this.span = Math.min(span, volume.size()) / blockSize;
        this.deadline = deadline;
    }

    public static void main(String[] argv) throws Exception {
        Path config = null;
        String volumeName = null;
        String rw = "randread";
        int bs = 8192;
        int qd = 32;
        int seconds = 5;
        long span = 1L << 30;
        try {
            Args args = new Args(argv);
            while (args.hasNext()) {
                String word = args.next();
                switch (word) {
                    case "-c" -> config = Path.of(args.valueFor(word));
                    case "--volume" -> volumeName = args.valueFor(word);
                    case "--rw" -> rw = args.valueFor(word);
                    case "--bs" -> bs = (int) ConfigValues.parseSize(args.valueFor(word));
                    case "--qd" -> qd = Integer.parseInt(args.valueFor(word));
                    case "--seconds" -> seconds = Integer.parseInt(args.valueFor(word));
                    case "--span" -> span = ConfigValues.parseSize(args.valueFor(word));
                    default -> throw new Args.UsageException("unknown option " + word);
                }
            }
            if (config == null || volumeName == null || !(rw.equals("randread") || rw.equals("randwrite"))) {
                throw new Args.UsageException("-c, --volume and --rw randread|randwrite are needed");
            }
        } catch (Args.UsageException | IllegalArgumentException e) {
            System.err.print("rsio-load: " + e.getMessage() + "\n" + USAGE);
            System.exit(2);
        }
        ClientConfig cfg;
        try {
            cfg = ClientConfig.load(config);
        } catch (ConfigException e) {
            System.err.println("rsio-load: " + e.getMessage());
            System.exit(1);
            return;
        }
        try (ClientDaemon client = ClientDaemon.startEmbedded(cfg)) {
            VolumeClient volume = awaitVolume(client, volumeName);
            long cpu0 = cpuNanos();
            long start = System.nanoTime();
            RsioLoad load = new RsioLoad(volume, rw.equals("randwrite"), bs, span, start + seconds * 1_000_000_000L);
            load.run(qd);
            double elapsed = (System.nanoTime() - start) / 1e9;
            double cpu = (cpuNanos() - cpu0) / 1e9;
            System.out.println(load.summary(rw, bs, qd, elapsed, cpu));
        }
        System.exit(0);
    }

    private static VolumeClient awaitVolume(ClientDaemon client, String name) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            for (NamespaceClient ns : client.namespaces()) {
                for (VolumeClient v : ns.volumes()) {
                    if (v.name().equals(name) && v.readyPaths() > 0) {
                        return v;
                    }
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("volume " + name + " did not become ready within 15 s");
    }

    private void run(int qd) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(qd);
        for (int i = 0; i < qd; i++) {
            issue(done);
        }
        done.await();
    }

    /** One slot of the queue: issue, and on completion record the latency and issue again. */
    private void issue(CountDownLatch done) {
        long now = System.nanoTime();
        if (now >= deadline) {
            done.countDown();
            return;
        }
        long offset = ThreadLocalRandom.current().nextLong(span) * blockSize;
        var future = write
                ? volume.write(offset, filled(), false)
                : volume.read(offset, blockSize).thenAccept(ByteBuf::release);
        future.whenComplete((ignored, failure) -> {
            if (failure != null) {
                errors.incrementAndGet();
            } else {
                int n = count.getAndIncrement();
                if (n < latencies.length) {
                    latencies[n] = System.nanoTime() - now;
                }
            }
            issue(done);
        });
    }

    private ByteBuf filled() {
        ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(blockSize);
        buf.writeZero(blockSize);
        return buf;
    }

    private String summary(String rw, int bs, int qd, double elapsed, double cpu) {
        int n = Math.min(count.get(), latencies.length);
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        double p50 = n == 0 ? 0 : sorted[n / 2] / 1e3;
        double p99 = n == 0 ? 0 : sorted[Math.min(n - 1, (int) (n * 0.99))] / 1e3;
        return String.format(java.util.Locale.ROOT,
                "{\"rw\":\"%s\",\"bs\":%d,\"qd\":%d,\"ios\":%d,\"errors\":%d,\"seconds\":%.3f,\"iops\":%.0f,"
                        + "\"p50_us\":%.1f,\"p99_us\":%.1f,\"client_cpu_s\":%.3f}",
                rw, bs, qd, count.get(), errors.get(), elapsed, count.get() / elapsed, p50, p99, cpu);
    }

    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
