package io.rsio.wire.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.rsio.wire.message.Message;
import java.lang.reflect.RecordComponent;

/** Compares messages by content: byte[] by elements, ByteBuf by readable bytes. */
final class MessageAssertions {
    private MessageAssertions() {}

    static void assertSameContent(Message expected, Message actual) {
        assertEquals(expected.getClass(), actual.getClass(), "message type");
        for (RecordComponent c : expected.getClass().getRecordComponents()) {
            Object e = get(c, expected);
            Object a = get(c, actual);
            String field = expected.getClass().getSimpleName() + "." + c.getName();
            switch (e) {
                case byte[] bytes -> assertArrayEquals(bytes, (byte[]) a, field);
                case ByteBuf buf -> assertEquals(ByteBufUtil.hexDump(buf), ByteBufUtil.hexDump((ByteBuf) a), field);
                case null, default -> assertEquals(e, a, field);
            }
        }
    }

    private static Object get(RecordComponent c, Message m) {
        try {
            return c.getAccessor().invoke(m);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
