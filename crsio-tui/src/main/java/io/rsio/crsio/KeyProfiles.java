package io.rsio.crsio;

import com.googlecode.lanterna.input.BasicCharacterPattern;
import com.googlecode.lanterna.input.CharacterPattern;
import com.googlecode.lanterna.input.KeyDecodingProfile;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import java.util.ArrayList;
import java.util.List;

/**
 * Function-key sequences of PuTTY's keyboard modes that Lanterna does not decode by itself
 * (see shared docs/tui.md; the default ESC[n~, Xterm R6 and Linux modes need nothing).
 * <ul>
 *   <li>VT100+: F1–F4 are {@code ESC O P}…{@code ESC O S} (Lanterna knows those), F5–F12 are
 *       {@code ESC O T}…{@code ESC O [}, which Lanterna would read as Alt-O and a letter.</li>
 *   <li>SCO: F1–F12 are {@code ESC [ M}…{@code ESC [ X}; Lanterna reads some of them as other
 *       keys ({@code ESC [ O}, PuTTY's F3, is nothing; {@code ESC [ S}, its F7, is F4). They are
 *       decoded as {@link ScoKeyStroke}s so crsio works and can tell the user to switch PuTTY to
 *       the default mode, which every other program expects.</li>
 * </ul>
 */
public final class KeyProfiles {
    private static final char ESC = 0x1b;
    private static final KeyType[] F = {KeyType.F1, KeyType.F2, KeyType.F3, KeyType.F4, KeyType.F5, KeyType.F6,
            KeyType.F7, KeyType.F8, KeyType.F9, KeyType.F10, KeyType.F11, KeyType.F12};

    private KeyProfiles() {}

    /** A function key as PuTTY's SCO keyboard mode sends it. */
    public static final class ScoKeyStroke extends KeyStroke {
        public ScoKeyStroke(KeyType type) {
            super(type, false, false);
        }
    }

    /** PuTTY VT100+: ESC O T … ESC O [ are F5 … F12. */
    public static KeyDecodingProfile vt100Plus() {
        List<CharacterPattern> patterns = new ArrayList<>();
        String finals = "TUVWXYZ[";
        for (int i = 0; i < finals.length(); i++) {
            patterns.add(new BasicCharacterPattern(new KeyStroke(F[4 + i]), ESC, 'O', finals.charAt(i)));
        }
        return () -> patterns;
    }

    /** PuTTY SCO: ESC [ M … ESC [ X are F1 … F12. */
    public static KeyDecodingProfile sco() {
        List<CharacterPattern> patterns = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            patterns.add(new BasicCharacterPattern(new ScoKeyStroke(F[i]), ESC, '[', (char) ('M' + i)));
        }
        return () -> patterns;
    }

    /** Both, in the order they must be added after Lanterna's defaults (later patterns win ties). */
    public static List<KeyDecodingProfile> all() {
        return List.of(vt100Plus(), sco());
    }
}
