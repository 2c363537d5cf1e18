package io.rsio.crsio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.input.DefaultKeyDecodingProfile;
import com.googlecode.lanterna.input.InputDecoder;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Lanterna's decoder as crsio sets it up (no wait of its own, QuickEscapeInput underneath): a lone
 * Esc is a key without a second key pressed, a sequence split in two reads still decodes, and
 * Esc-digit typed fast stays Alt-digit.
 */
@Timeout(20)
class QuickEscapeInputTest {
    private final PipedOutputStream keyboard = new PipedOutputStream();
    private final InputDecoder decoder;

    QuickEscapeInputTest() throws Exception {
        decoder = new InputDecoder(new InputStreamReader(new QuickEscapeInput(new PipedInputStream(keyboard, 64)),
                StandardCharsets.UTF_8));
        decoder.addProfile(new DefaultKeyDecodingProfile());
        KeyProfiles.all().forEach(decoder::addProfile);
        decoder.setTimeoutUnits(0);
    }

    private KeyStroke next() throws Exception {
        for (int i = 0; i < 500; i++) { // bounded: 5 s at most
            KeyStroke k = decoder.getNextCharacter(false);
            if (k != null) {
                return k;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no key decoded");
    }

    private void type(int... bytes) throws Exception {
        for (int b : bytes) {
            keyboard.write(b);
        }
        keyboard.flush();
    }

    @Test
    void aLoneEscapeIsAKeyWithoutWaitingForAnother() throws Exception {
        type(0x1b);
        assertEquals(KeyType.Escape, next().getKeyType());
    }

    @Test
    void aSequenceSplitInTwoStillDecodes() throws Exception {
        type(0x1b);
        Thread.sleep(20); // the rest arrives in a second ssh packet, within the short wait
        type('[', '1', '3', '~');
        assertEquals(KeyType.F3, next().getKeyType());
        type(0x1b, '[', '2', '1', '~'); // PuTTY's F10
        assertEquals(KeyType.F10, next().getKeyType());
    }

    @Test
    void escapeAndADigitTypedFastAreAltDigit() throws Exception {
        type(0x1b, '7');
        KeyStroke k = next();
        assertTrue(k.isAltDown() && k.getCharacter() == '7', k.toString());
    }
}
