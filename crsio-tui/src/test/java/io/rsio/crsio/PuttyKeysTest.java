package io.rsio.crsio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.googlecode.lanterna.input.DefaultKeyDecodingProfile;
import com.googlecode.lanterna.input.InputDecoder;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Raw key sequences of PuTTY's keyboard modes through Lanterna's decoder with crsio's profiles. */
class PuttyKeysTest {
    private static List<KeyStroke> decode(String raw) throws Exception {
        InputDecoder decoder = new InputDecoder(new StringReader(raw));
        decoder.addProfile(new DefaultKeyDecodingProfile());
        KeyProfiles.all().forEach(decoder::addProfile);
        List<KeyStroke> keys = new ArrayList<>();
        for (KeyStroke k = decoder.getNextCharacter(false); k != null && k.getKeyType() != KeyType.EOF;
             k = decoder.getNextCharacter(false)) {
            keys.add(k);
        }
        return keys;
    }

    private static String raw(String escaped) {
        return escaped.replace("ESC", "\u001b");
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            // mode | key | sequence
            "ESC[n~ (default) | F1  | ESC[11~", "ESC[n~ (default) | F3 | ESC[13~", "ESC[n~ (default) | F7 | ESC[18~",
            "ESC[n~ (default) | F9  | ESC[20~", "ESC[n~ (default) | F10 | ESC[21~",
            "Xterm R6 | F1 | ESCOP", "Xterm R6 | F3 | ESCOR", "Xterm R6 | F7 | ESC[18~", "Xterm R6 | F10 | ESC[21~",
            "Linux | F1 | ESC[[A", "Linux | F3 | ESC[[C", "Linux | F7 | ESC[18~", "Linux | F10 | ESC[21~",
            "VT100+ | F1 | ESCOP", "VT100+ | F3 | ESCOR", "VT100+ | F4 | ESCOS", "VT100+ | F5 | ESCOT",
            "VT100+ | F7 | ESCOV", "VT100+ | F9 | ESCOX", "VT100+ | F10 | ESCOY", "VT100+ | F12 | ESCO[",
    })
    void functionKeysOfEveryPuttyModeDecode(String mode, KeyType key, String sequence) throws Exception {
        List<KeyStroke> keys = decode(raw(sequence));
        assertEquals(1, keys.size(), mode + ": " + keys);
        assertEquals(key, keys.getFirst().getKeyType(), mode);
        assertFalse(keys.getFirst().isAltDown() || keys.getFirst().isCtrlDown(), mode);
    }

    @ParameterizedTest(name = "SCO {0}")
    @CsvSource(delimiter = '|', value = {"F1 | ESC[M", "F3 | ESC[O", "F4 | ESC[P", "F7 | ESC[S", "F9 | ESC[U",
            "F10 | ESC[V", "F12 | ESC[X"})
    void scoFunctionKeysAreRecognisedAsSuch(KeyType key, String sequence) throws Exception {
        List<KeyStroke> keys = decode(raw(sequence));
        assertEquals(1, keys.size(), keys.toString());
        assertEquals(key, keys.getFirst().getKeyType());
        assertInstanceOf(KeyProfiles.ScoKeyStroke.class, keys.getFirst(), "so crsio can tell the user");
    }

    @org.junit.jupiter.api.Test
    void ordinaryKeysAreUntouched() throws Exception {
        List<KeyStroke> keys = decode(raw("aESC[AESC[BESCOA\t\n"));
        assertEquals(List.of(KeyType.Character, KeyType.ArrowUp, KeyType.ArrowDown, KeyType.ArrowUp, KeyType.Tab,
                KeyType.Enter), keys.stream().map(KeyStroke::getKeyType).toList());
    }

    @org.junit.jupiter.api.Test
    void escapeThenADigitTypedTogetherIsAltDigit() throws Exception {
        // What "Esc 3" becomes when both bytes arrive at once; crsio treats Alt-3 as F3.
        KeyStroke k = decode(raw("ESC3")).getFirst();
        assertEquals(KeyType.Character, k.getKeyType());
        assertEquals('3', k.getCharacter());
        assertEquals(true, k.isAltDown());
    }
}
