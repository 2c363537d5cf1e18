package io.rsio.wire.jmh;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.rsio.wire.WireConstants;
import io.rsio.wire.codec.RsioFrameCodec;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
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

/**
 * Cost per frame of the RSIO codec: a READ request encoded on the client and decoded on the
 * server, and a READ reply with {@code size} bytes of data the other way, with digests on
 * (header and data CRC32C, the default) and off. Run: {@code scripts/bench jmh}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CodecBenchmark {
    @Param({"true", "false"})
    public boolean digests;

    @Param({"4096", "8192"})
    public int size;

    private EmbeddedChannel client;
    private EmbeddedChannel server;
    private ByteBuf data;
    private long tag;

    @Setup(Level.Trial)
    public void setUp() {
        int features = digests ? WireConstants.DEFAULT_FEATURES : 0;
        RsioFrameCodec clientCodec = new RsioFrameCodec(false);
        RsioFrameCodec serverCodec = new RsioFrameCodec(true);
        client = new EmbeddedChannel(clientCodec);
        server = new EmbeddedChannel(serverCodec);
        clientCodec.negotiated(WireConstants.DEFAULT_MAX_PAYLOAD, features);
        serverCodec.negotiated(WireConstants.DEFAULT_MAX_PAYLOAD, features);
        data = PooledByteBufAllocator.DEFAULT.directBuffer(size);
        data.writeZero(size);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        data.release();
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
    }

    /** Client encodes a READ request, server decodes it. */
    @Benchmark
    public Object readRequest() {
        client.writeOutbound(new Request.Read(++tag, 1, 4096L * tag, size));
        ByteBuf frame = client.readOutbound();
        server.writeInbound(frame);
        return server.readInbound();
    }

    /** Server encodes a READ reply with data, client decodes it (the data stays a slice). */
    @Benchmark
    public Object readReply() {
        server.writeOutbound(new Reply.ReadData(++tag, data.retainedDuplicate()));
        Object frame;
        while ((frame = server.readOutbound()) != null) {
            client.writeInbound(frame);
        }
        Reply.ReadData reply = client.readInbound();
        reply.data().release();
        return reply;
    }
}
