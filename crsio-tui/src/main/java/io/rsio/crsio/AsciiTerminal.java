package io.rsio.crsio;

import com.googlecode.lanterna.TextCharacter;
import com.googlecode.lanterna.terminal.Terminal;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

/**
 * A terminal that draws box-drawing and arrow characters as plain ASCII ({@code + - | > <}),
 * for old PuTTY sessions set to ISO-8859-1 and other terminals without line graphics
 * ({@code crsio --ascii}). Everything else passes through to the real terminal.
 */
public final class AsciiTerminal {
    private AsciiTerminal() {}

    public static Terminal wrap(Terminal terminal) {
        InvocationHandler handler = (proxy, method, args) -> {
            Object[] a = args;
            if (a != null && a.length == 1 && method.getName().startsWith("put")) {
                if (a[0] instanceof Character c) {
                    a = new Object[] {ascii(c)};
                } else if (a[0] instanceof String s) {
                    a = new Object[] {ascii(s)};
                } else if (a[0] instanceof TextCharacter t && t.getCharacterString().length() == 1) {
                    char c = t.getCharacterString().charAt(0);
                    if (ascii(c) != c) {
                        a = new Object[] {t.withCharacter(ascii(c))};
                    }
                }
            }
            return invoke(terminal, method, a);
        };
        return (Terminal) Proxy.newProxyInstance(Terminal.class.getClassLoader(), new Class<?>[] {Terminal.class},
                handler);
    }

    private static Object invoke(Terminal terminal, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(terminal, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    static String ascii(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            b.append(ascii(s.charAt(i)));
        }
        return b.toString();
    }

    /** The ASCII stand-in of a line-drawing character, or the character itself. */
    static char ascii(char c) {
        if (c >= 0x2500 && c <= 0x257F) { // box drawing
            return switch (c) {
                case '─', '━', '═', '╌', '╍', '┄', '┅' -> '-';
                case '│', '┃', '║', '╎', '╏', '┆', '┇' -> '|';
                default -> '+';
            };
        }
        return switch (c) {
            case '▲', '↑' -> '^';
            case '▼', '↓' -> 'v';
            case '◄', '←' -> '<';
            case '►', '→' -> '>';
            case '█', '▇', '▓' -> '#'; // a scroll bar's thumb, a full sparkline bar
            case '▒', '░' -> ':'; // a scroll bar's track: not '#', or the bar is all thumb
            case '▆', '▅' -> '=';
            case '▄', '▃' -> '-';
            case '▂', '▁' -> '_';
            case '•' -> '*';
            default -> c;
        };
    }
}
