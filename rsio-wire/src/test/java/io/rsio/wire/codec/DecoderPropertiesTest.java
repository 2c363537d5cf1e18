package io.rsio.wire.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.handler.codec.DecoderException;
import io.rsio.block.Errno;
import io.rsio.wire.Opcode;
import io.rsio.wire.WireConstants;
import io.rsio.wire.message.Message;
import io.rsio.wire.message.Reply;
import io.rsio.wire.message.Request;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.EdgeCasesMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Hostile input: whatever bytes arrive, the decoder either decodes them or fails with a
 * ProtocolException (as such or as the cause of a DecoderException) — never another exception,
 * never a leaked buffer.
 */
class DecoderPropertiesTest {
    private static final List<Supplier<Message>> SAMPLES = Samples.all();
    private static final int SMALL = Samples.small().size();
    private static final List<Encoding.Agreed> AGREEMENTS = Arrays.asList(null,
            new Encoding.Agreed(1 << 20, 0),
            new Encoding.Agreed(1 << 20, WireConstants.FEATURE_HEADER_DIGEST),
            new Encoding.Agreed(1 << 20, WireConstants.FEATURE_DATA_DIGEST),
            new Encoding.Agreed(1 << 20, WireConstants.DEFAULT_FEATURES));

    /** One encoded sample and the settings it was encoded under. */
    record Frame(byte[] bytes, boolean reply, Encoding.Agreed agreed, String what) {
        @Override
        public String toString() {
            return what + " " + agreed + " " + bytes.length + " bytes";
        }
    }

    @AfterContainer
    static void noLeaks() throws InterruptedException {
        LeakWatch.assertNoLeaks();
    }

    @Property(tries = 300, edgeCases = EdgeCasesMode.MIXIN)
    void randomBytesOnlyEverCauseProtocolErrors(
            @ForAll @Size(max = 400) byte[] bytes,
            @ForAll boolean server,
            @ForAll @IntRange(min = 0, max = 4) int agreement,
            @ForAll @IntRange(min = 1, max = 64) int chunk) {
        feed(server, AGREEMENTS.get(agreement), bytes, chunk);
    }

    /** Random bytes behind a plausible start, so more of them get past the magic and version. */
    @Property(tries = 300, edgeCases = EdgeCasesMode.MIXIN)
    void randomFramesOnlyEverCauseProtocolErrors(
            @ForAll @Size(max = 200) byte[] rest,
            @ForAll @IntRange(min = 0, max = 40) int opcode,
            @ForAll boolean server,
            @ForAll @IntRange(min = 0, max = 4) int agreement) {
        byte[] bytes = ByteBuffer.allocate(6 + rest.length)
                .putInt(WireConstants.MAGIC).put((byte) 1).put((byte) opcode).put(rest).array();
        feed(server, AGREEMENTS.get(agreement), bytes, 7);
    }

    @Property(tries = 1000, edgeCases = EdgeCasesMode.MIXIN)
    void singleByteMutationsOnlyEverCauseProtocolErrors(
            @ForAll("frames") Frame frame,
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int position,
            @ForAll @IntRange(min = 1, max = 255) int flip,
            @ForAll @IntRange(min = 1, max = 9) int chunk) {
        byte[] bytes = frame.bytes().clone();
        bytes[position % bytes.length] ^= (byte) flip;
        feed(!frame.reply(), frame.agreed(), bytes, chunk);
    }

    @Property(tries = 500, edgeCases = EdgeCasesMode.MIXIN)
    void truncatedFramesFailWithAProtocolError(
            @ForAll("frames") Frame frame,
            @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int cut,
            @ForAll @IntRange(min = 1, max = 9) int chunk) {
        byte[] bytes = Arrays.copyOf(frame.bytes(), 1 + cut % (frame.bytes().length - 1));
        DecoderHarness decoder = harness(!frame.reply(), frame.agreed());
        decoder.write(bytes, chunk);
        Throwable thrown = null;
        try {
            decoder.finish();
        } catch (Throwable t) {
            thrown = t;
        }
        assertProtocolError(thrown);
        assertTrue(decoder.messages().isEmpty());
        decoder.assertAllReleased();
    }

    /** Strings, numbers and nonces of any legal value survive encoding and decoding. */
    @Property(tries = 300, edgeCases = EdgeCasesMode.MIXIN)
    void randomMessagesRoundTrip(@ForAll("messages") Message message, @ForAll @IntRange(min = 0, max = 4) int agreement) {
        Encoding.Agreed agreed = AGREEMENTS.get(agreement);
        byte[] bytes = Encoding.bytes(message, agreed);
        DecoderHarness decoder = harness(!(message instanceof Reply), agreed);
        decoder.write(bytes, 3);
        assertEquals(1, decoder.messages().size());
        MessageAssertions.assertSameContent(message, decoder.messages().getFirst());
        assertFalse(decoder.finish());
        decoder.assertAllReleased();
    }

    @Provide
    Arbitrary<Frame> frames() {
        return Combinators.combine(Arbitraries.integers().between(0, SAMPLES.size() - 1),
                Arbitraries.integers().between(0, AGREEMENTS.size() - 1)).as((index, agreement) -> {
                    // The large samples do not fit before HELLO: use an agreement for them.
                    Encoding.Agreed agreed = AGREEMENTS.get(index >= SMALL && agreement == 0 ? 4 : agreement);
                    Message message = SAMPLES.get(index).get();
                    String what = message.getClass().getSimpleName() + "/" + message.opcode();
                    return new Frame(Encoding.bytes(message, agreed), message instanceof Reply, agreed, what);
                });
    }

    @Provide
    Arbitrary<Message> messages() {
        Arbitrary<String> text = Arbitraries.strings()
                .withCharRange('\u0000', '\uD7FF').withCharRange('\uE000', '\uFFFF').ofMaxLength(340);
        Arbitrary<Long> longs = Arbitraries.longs();
        Arbitrary<Integer> ints = Arbitraries.integers();
        Arbitrary<byte[]> nonces = Arbitraries.bytes().array(byte[].class).ofSize(32);
        Arbitrary<Errno> failures = Arbitraries.of(Errno.class).filter(e -> e != Errno.OK);
        Arbitrary<Opcode> opcodes = Arbitraries.of(Opcode.class);
        return Arbitraries.oneOf(
                Combinators.combine(longs, ints, text, nonces).as(Request.AuthStart::new),
                Combinators.combine(longs, text, Arbitraries.of(true, false)).as(Request.Open::new),
                Combinators.combine(longs, ints, longs, ints).as(Request.Read::new),
                Combinators.combine(longs, ints, longs, ints, Arbitraries.of(true, false)).as(Request.WriteZeroes::new),
                Combinators.combine(longs, ints, text, nonces).as(Reply.AuthChallenge::new),
                Combinators.combine(longs, opcodes, failures, text).as(Reply.Failure::new),
                Combinators.combine(longs, longs).as(Reply.Pong::new));
    }

    private static void feed(boolean server, Encoding.Agreed agreed, byte[] bytes, int chunk) {
        DecoderHarness decoder = harness(server, agreed);
        Throwable thrown = null;
        try {
            decoder.write(bytes, chunk);
            decoder.finish();
        } catch (Throwable t) {
            thrown = t;
            decoder.finish(); // after a protocol error the decoder must end quietly
        }
        if (thrown != null) {
            assertProtocolError(thrown);
        }
        decoder.assertAllReleased();
    }

    private static void assertProtocolError(Throwable thrown) {
        assertInstanceOf(DecoderException.class, thrown, "expected a protocol error");
        Throwable cause = thrown;
        while (cause != null && !(cause instanceof ProtocolException)) {
            cause = cause.getCause();
        }
        assertInstanceOf(ProtocolException.class, cause, () -> "not a protocol error: " + thrown);
    }

    private static DecoderHarness harness(boolean server, Encoding.Agreed agreed) {
        DecoderHarness decoder = new DecoderHarness(server);
        if (agreed != null) {
            decoder.agreed(agreed.maxPayload(), agreed.features());
        }
        return decoder;
    }
}
