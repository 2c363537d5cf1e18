package io.rsio.nbd.protocol;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** NBD strings: UTF-8, no NUL, at most 4096 bytes, length carried by the enclosing message. */
public final class NbdStrings {
    private NbdStrings() {}

    /**
     * Reads {@code length} bytes as a strict UTF-8 string, or empty when the bytes are not a
     * valid NBD string. The bytes are consumed either way.
     */
    public static Optional<String> read(ByteBuf in, int length) {
        if (length < 0 || length > NbdProtocol.MAX_STRING_LENGTH || length > in.readableBytes()) {
            return Optional.empty();
        }
        ByteBuffer bytes = in.nioBuffer(in.readerIndex(), length);
        in.skipBytes(length);
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
            return s.indexOf('\0') >= 0 ? Optional.empty() : Optional.of(s);
        } catch (CharacterCodingException e) {
            return Optional.empty();
        }
    }

    /** Whether {@code s} may be sent as an NBD string (export names are checked with this). */
    public static boolean valid(String s) {
        return s.indexOf('\0') < 0 && s.getBytes(StandardCharsets.UTF_8).length <= NbdProtocol.MAX_STRING_LENGTH;
    }

    /** UTF-8 bytes of a human-readable message, cut to at most {@code max} bytes on a character boundary. */
    public static byte[] message(String s, int max) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= max) {
            return bytes;
        }
        int end = max;
        while (end > 0 && (bytes[end] & 0xc0) == 0x80) {
            end--; // do not cut a multi-byte character in half
        }
        return java.util.Arrays.copyOf(bytes, end);
    }
}
