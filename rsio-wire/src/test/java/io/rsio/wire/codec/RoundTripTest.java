package io.rsio.wire.codec;

import static io.rsio.wire.WireConstants.DEFAULT_MAX_PAYLOAD;
import static io.rsio.wire.WireConstants.FEATURE_DATA_DIGEST;
import static io.rsio.wire.WireConstants.FEATURE_HEADER_DIGEST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import io.netty.buffer.ByteBuf;
import io.rsio.wire.WireConstants;
import io.rsio.wire.message.DataMessage;
import io.rsio.wire.message.Message;
import io.rsio.wire.message.Reply;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Every message type through encoder then decoder, under every digest setting and slicing. */
class RoundTripTest {
    private static final List<Encoding.Agreed> AGREEMENTS = new ArrayList<>();

    static {
        AGREEMENTS.add(null); // before HELLO
        for (int features : new int[] {0, FEATURE_HEADER_DIGEST, FEATURE_DATA_DIGEST,
                FEATURE_HEADER_DIGEST | FEATURE_DATA_DIGEST}) {
            AGREEMENTS.add(new Encoding.Agreed(DEFAULT_MAX_PAYLOAD, features));
        }
    }

    @BeforeAll
    static void watchLeaks() {
        LeakWatch.start();
    }

    @AfterAll
    static void noLeaks() throws InterruptedException {
        LeakWatch.assertNoLeaks();
    }

    @TestFactory
    Stream<DynamicTest> everyMessageSurvivesARoundTrip() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Encoding.Agreed agreed : AGREEMENTS) {
            for (Supplier<Message> sample : agreed == null ? Samples.small() : Samples.all()) {
                for (int chunk : new int[] {0, 1, 5}) {
                    String name = describe(sample) + (agreed == null ? " before HELLO" : " features " + agreed.features())
                            + (chunk == 0 ? " whole" : " in " + chunk + "-byte slices");
                    tests.add(dynamicTest(name, () -> roundTrip(sample, agreed, chunk)));
                }
            }
        }
        return tests.stream();
    }

    private static String describe(Supplier<Message> sample) {
        Message m = sample.get();
        Samples.release(m);
        return m.getClass().getSimpleName() + "(" + m.opcode() + ", tag " + m.tag() + ")";
    }

    private static void roundTrip(Supplier<Message> sample, Encoding.Agreed agreed, int chunk) {
        byte[] wire = Encoding.bytes(sample.get(), agreed);
        Message expected = sample.get();
        DecoderHarness decoder = new DecoderHarness(!(expected instanceof Reply));
        if (agreed != null) {
            decoder.agreed(agreed.maxPayload(), agreed.features());
        }
        if (chunk == 0) {
            decoder.write(wire);
        } else {
            decoder.write(wire, chunk);
        }
        List<Message> decoded = decoder.messages();
        assertEquals(1, decoded.size(), "messages decoded");
        try {
            MessageAssertions.assertSameContent(expected, decoded.getFirst());
        } finally {
            Samples.release(expected);
            decoder.assertAllReleased();
        }
        assertFalse(decoder.finish(), "nothing left over");
        decoder.assertAllReleased();
    }

    /** The decoder hands data on as a slice of the bytes it received, not a copy. */
    @Test
    void decodedWriteDataIsASliceOfTheInput() {
        var agreed = new Encoding.Agreed(DEFAULT_MAX_PAYLOAD, WireConstants.DEFAULT_FEATURES);
        byte[] wire = Encoding.bytes(Samples.large().getFirst().get(), agreed);
        DecoderHarness decoder = new DecoderHarness(true).agreed(agreed.maxPayload(), agreed.features());
        decoder.write(wire);
        ByteBuf data = ((DataMessage) decoder.messages().getFirst()).data();
        assertTrue(data.hasArray());
        assertSame(wire, data.array(), "data shares the input's memory");
        assertEquals(WireConstants.HEADER_SIZE, data.arrayOffset() + data.readerIndex());
        assertFalse(decoder.finish());
        decoder.assertAllReleased();
    }

    @Test
    void decodedReadDataIsASliceOfTheInput() {
        var agreed = new Encoding.Agreed(DEFAULT_MAX_PAYLOAD, 0);
        byte[] wire = Encoding.bytes(Samples.large().get(1).get(), agreed);
        DecoderHarness decoder = new DecoderHarness(false).agreed(agreed.maxPayload(), agreed.features());
        decoder.write(wire);
        ByteBuf data = ((DataMessage) decoder.messages().getFirst()).data();
        assertSame(wire, data.array(), "data shares the input's memory");
        assertFalse(decoder.finish());
        decoder.assertAllReleased();
    }

    /** Several frames in one stream come out in order, the data ones still uncopied. */
    @Test
    void framesBackToBackDecodeInOrder() {
        var agreed = new Encoding.Agreed(DEFAULT_MAX_PAYLOAD, WireConstants.DEFAULT_FEATURES);
        List<Supplier<Message>> requests = Samples.all().stream().filter(s -> isRequest(s)).toList();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        requests.forEach(s -> stream.writeBytes(Encoding.bytes(s.get(), agreed)));
        DecoderHarness decoder = new DecoderHarness(true).agreed(agreed.maxPayload(), agreed.features());
        decoder.write(stream.toByteArray(), 4093);
        List<Message> decoded = decoder.messages();
        assertEquals(requests.size(), decoded.size());
        for (int i = 0; i < requests.size(); i++) {
            Message expected = requests.get(i).get();
            MessageAssertions.assertSameContent(expected, decoded.get(i));
            Samples.release(expected);
        }
        assertFalse(decoder.finish());
        decoder.assertAllReleased();
    }

    private static boolean isRequest(Supplier<Message> sample) {
        Message m = sample.get();
        Samples.release(m);
        return !(m instanceof Reply);
    }
}
