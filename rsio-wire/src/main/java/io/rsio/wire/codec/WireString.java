package io.rsio.wire.codec;

import static io.rsio.wire.WireConstants.MAX_STRING_BYTES;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The {@code string} primitive of docs/PROTOCOL.md §3.1: strict UTF-8, at most 1024 bytes.
 * Shared by the codec and by the authentication transcript, which must encode names exactly as
 * the wire does. Strict in both directions: a lone surrogate or a malformed byte sequence is an
 * error, never silently replaced, so a string survives a round trip unchanged.
 */
public final class WireString {
    private WireString() {}

    /**
     * The UTF-8 bytes of {@code value}.
     *
     * @throws IllegalArgumentException when it is not well-formed or longer than 1024 bytes
     */
    public static byte[] encode(String value) {
        // Every char encodes to at least one byte: reject huge strings before encoding them.
        if (value.length() > MAX_STRING_BYTES) {
            throw new IllegalArgumentException("string of " + value.length() + " chars exceeds "
                    + MAX_STRING_BYTES + " bytes");
        }
        ByteBuffer encoded;
        try {
            encoded = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(value));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("string is not well-formed Unicode", e);
        }
        if (encoded.remaining() > MAX_STRING_BYTES) {
            throw new IllegalArgumentException("string of " + encoded.remaining() + " bytes exceeds "
                    + MAX_STRING_BYTES + " bytes");
        }
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        return bytes;
    }

    /**
     * {@code value} made sendable as a failure reason, which must never stop a reply from being
     * sent: lone surrogates become U+FFFD and the text is cut, at a code point boundary, to the
     * longest prefix whose UTF-8 form fits in 1024 bytes.
     */
    static String sendable(String value) {
        StringBuilder out = new StringBuilder(Math.min(value.length(), MAX_STRING_BYTES));
        int bytes = 0;
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isSurrogate((char) cp) && cp < 0x10000) {
                cp = 0xFFFD; // a lone surrogate has no UTF-8 form
            }
            int size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + size > MAX_STRING_BYTES) {
                break;
            }
            bytes += size;
            out.appendCodePoint(cp);
        }
        return out.toString();
    }

    /** Decodes well-formed UTF-8; {@code null} when the bytes are malformed. */
    static String decodeOrNull(ByteBuffer bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(bytes)
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
