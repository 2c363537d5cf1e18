package io.rsio.nbd.handshake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.rsio.nbd.RawNbdClient;
import io.rsio.nbd.handshake.OptionPayloads.MalformedOptionException;
import java.nio.ByteBuffer;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class OptionPayloadsTest {

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().ofMinLength(0).ofMaxLength(300).excludeChars('\0')
                .filter(s -> s.codePoints().noneMatch(c -> Character.isSurrogate((char) c)));
    }

    @Property(tries = 200)
    void exportRequestRoundTrips(@ForAll("names") String name,
            @ForAll @Size(max = 20) List<@IntRange(min = 0, max = 65535) Integer> infos) throws Exception {
        int[] ints = infos.stream().mapToInt(Integer::intValue).toArray();
        ByteBuf data = Unpooled.wrappedBuffer(RawNbdClient.exportRequest(name, ints));
        OptionPayloads.ExportRequest r = OptionPayloads.exportRequest(data);
        assertEquals(name, r.name());
        assertEquals(infos, r.infoRequests());
    }

    @Property(tries = 200)
    void metaContextRequestRoundTrips(@ForAll("names") String name, @ForAll @Size(max = 8) List<@From("names") String> queries)
            throws Exception {
        ByteBuf data = Unpooled.wrappedBuffer(RawNbdClient.metaContextRequest(name, queries.toArray(String[]::new)));
        OptionPayloads.MetaContextRequest r = OptionPayloads.metaContextRequest(data);
        assertEquals(name, r.exportName());
        assertEquals(queries, r.queries());
    }

    /** Whatever the bytes, parsing either succeeds or says the payload is malformed; nothing else. */
    @Property(tries = 500)
    void arbitraryBytesNeverBreakTheParser(@ForAll @Size(max = 64) byte[] bytes) {
        for (int which = 0; which < 2; which++) {
            ByteBuf data = Unpooled.wrappedBuffer(bytes);
            try {
                if (which == 0) {
                    OptionPayloads.exportRequest(data);
                } else {
                    OptionPayloads.metaContextRequest(data);
                }
            } catch (MalformedOptionException expected) {
                // fine
            }
        }
    }

    @Test
    void nameLengthBeyondThePayloadIsMalformed() {
        ByteBuf data = Unpooled.wrappedBuffer(ByteBuffer.allocate(8).putInt(100).putShort((short) 0).array());
        assertThrows(MalformedOptionException.class, () -> OptionPayloads.exportRequest(data));
    }

    @Test
    void infoCountNotMatchingTheBytesLeftIsMalformed() {
        byte[] ok = RawNbdClient.exportRequest("a", 3, 1);
        ByteBuf data = Unpooled.wrappedBuffer(ok, 0, ok.length - 1);
        assertThrows(MalformedOptionException.class, () -> OptionPayloads.exportRequest(data));
    }

    @Test
    void invalidUtf8NameIsMalformed() {
        ByteBuf data = Unpooled.wrappedBuffer(ByteBuffer.allocate(8).putInt(2).put((byte) 0xc3).put((byte) 0x28)
                .putShort((short) 0).array());
        assertThrows(MalformedOptionException.class, () -> OptionPayloads.exportRequest(data));
    }

    @Test
    void hugeQueryCountIsRejectedBeforeAllocating() {
        ByteBuf data = Unpooled.wrappedBuffer(ByteBuffer.allocate(8).putInt(0).putInt(Integer.MAX_VALUE).array());
        assertThrows(MalformedOptionException.class, () -> OptionPayloads.metaContextRequest(data));
    }
}
