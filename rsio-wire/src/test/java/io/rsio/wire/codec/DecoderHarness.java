package io.rsio.wire.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.rsio.wire.message.DataMessage;
import io.rsio.wire.message.Message;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A decoder on an EmbeddedChannel that remembers every input buffer it was given, so a test can
 * check that the decoder released all of them (the cumulation included) however it ended.
 */
final class DecoderHarness {
    final RsioFrameDecoder decoder;
    final EmbeddedChannel channel;
    private final List<ByteBuf> inputs = new ArrayList<>();
    private final List<Message> received = new ArrayList<>();

    DecoderHarness(boolean serverSide) {
        decoder = new RsioFrameDecoder(serverSide);
        channel = new EmbeddedChannel(decoder);
    }

    DecoderHarness agreed(int maxPayload, int features) {
        decoder.negotiated(maxPayload, features);
        return this;
    }

    /** Feeds {@code bytes} as one buffer that wraps the array itself (no copy). */
    void write(byte[] bytes) {
        feed(Unpooled.wrappedBuffer(bytes));
    }

    /** Feeds {@code bytes} in slices of {@code chunk} bytes, one buffer each. */
    void write(byte[] bytes, int chunk) {
        for (int from = 0; from < bytes.length; from += chunk) {
            feed(Unpooled.wrappedBuffer(Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + chunk))));
        }
    }

    private void feed(ByteBuf buf) {
        inputs.add(buf);
        try {
            channel.writeInbound(buf);
        } finally {
            drain();
        }
    }

    /** Closes the input; a truncated frame makes this throw. Returns what finish() returned. */
    boolean finish() {
        try {
            return channel.finish();
        } finally {
            drain();
        }
    }

    List<Message> messages() {
        drain();
        return received;
    }

    /** Releases decoded data and asserts that no input buffer is still referenced. */
    void assertAllReleased() {
        drain();
        for (Message m : received) {
            if (m instanceof DataMessage data && data.data().refCnt() > 0) {
                data.release();
            }
        }
        for (int i = 0; i < inputs.size(); i++) {
            assertEquals(0, inputs.get(i).refCnt(), "input buffer " + i + " still referenced");
        }
    }

    private void drain() {
        for (Object m; (m = channel.readInbound()) != null; ) {
            received.add((Message) m);
        }
    }
}
