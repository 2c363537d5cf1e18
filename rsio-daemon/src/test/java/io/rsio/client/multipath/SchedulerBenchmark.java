package io.rsio.client.multipath;

import io.netty.channel.DefaultEventLoop;
import io.rsio.common.Transport;
import io.rsio.config.ClientConfig;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/** Cost of placing one request on one of {@code paths} paths. Run: {@code scripts/bench jmh}. */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SchedulerBenchmark {
    @Param({"1", "4", "8"})
    public int paths;

    @Param({"ADAPTIVE", "ROUNDROBIN"})
    public String policy;

    private PathScheduler scheduler;
    private List<RsioPath> ready;
    private DefaultEventLoop loop;

    @Setup(Level.Trial)
    public void setUp() {
        loop = new DefaultEventLoop();
        scheduler = new PathScheduler(PathScheduler.Policy.valueOf(policy));
        ready = new ArrayList<>();
        String loopback = InetAddress.getLoopbackAddress().getHostAddress();
        NamespaceLogin login = new NamespaceLogin("ns", 1, "node", "0xkey", ClientConfig.MultipathSettings.BUILT_IN);
        for (int i = 0; i < paths; i++) {
            PathSpec spec = new PathSpec("ns", i, new ClientConfig.Interface("if" + i, loopback, "tcp", 5000), i,
                    new ClientConfig.Server("s" + i, loopback, "tcp", 5000));
            RsioPath path = new RsioPath(spec, login, Transport.best(), loop, null);
            path.stats().outstandingBytes.set(65536L * i);
            ready.add(path);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    @Benchmark
    public RsioPath pick() {
        return scheduler.pick(ready, 262144);
    }
}
