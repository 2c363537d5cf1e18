package io.rsio.crsio;

import com.googlecode.lanterna.SGR;
import com.googlecode.lanterna.TextColor;
import com.googlecode.lanterna.graphics.SimpleTheme;
import com.googlecode.lanterna.graphics.Theme;
import com.googlecode.lanterna.gui2.TextBox;
import com.googlecode.lanterna.terminal.Terminal;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the terminal can show: line-drawing characters or only ASCII, colours or only bold,
 * underline and reverse video. Without colours ({@code NO_COLOR}, or terminfo says fewer than 8,
 * as for {@code vt100} and {@code xterm-mono}) crsio sends no colour codes at all and marks the
 * selection, focus and fields with reverse video and underline; the vt100 family gets ASCII lines,
 * because it cannot draw Unicode boxes.
 */
public record TerminalLook(boolean ascii, boolean colour) {
    public static final TerminalLook COLOUR = new TerminalLook(false, true);
    public static final TerminalLook ASCII = new TerminalLook(true, true);
    public static final TerminalLook MONO_ASCII = new TerminalLook(true, false);

    /** From the environment ({@code TERM}, {@code NO_COLOR}) and the --ascii flag / locale. */
    public static TerminalLook detect(Map<String, String> env, boolean asciiWanted) {
        String term = env.getOrDefault("TERM", "").toLowerCase(Locale.ROOT);
        boolean noColor = !env.getOrDefault("NO_COLOR", "").isEmpty(); // no-color.org: set and not empty
        boolean vtFamily = term.matches("vt\\d+.*") || term.equals("dumb");
        boolean colour = !noColor && !vtFamily && !term.contains("mono") && colours(term) != 0;
        return new TerminalLook(asciiWanted || vtFamily, colour);
    }

    /** terminfo's number of colours (tput), -1 when it cannot say, 0 for none. */
    private static int colours(String term) {
        if (term.isEmpty()) {
            return -1;
        }
        try {
            Process p = new ProcessBuilder("tput", "-T", term, "colors").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (!p.waitFor(2, TimeUnit.SECONDS) || p.exitValue() != 0) {
                return -1;
            }
            int n = Integer.parseInt(out);
            return n < 8 ? 0 : n;
        } catch (IOException | NumberFormatException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The terminal as crsio should draw on it. */
    public Terminal wrap(Terminal terminal) {
        Terminal t = ascii ? AsciiTerminal.wrap(terminal) : terminal;
        return colour ? t : withoutColours(t);
    }

    /** The theme for a terminal without colours; null means Lanterna's own. */
    public Theme theme() {
        if (colour) {
            return null;
        }
        SimpleTheme theme = new SimpleTheme(TextColor.ANSI.DEFAULT, TextColor.ANSI.DEFAULT);
        theme.getDefaultDefinition()
                .setPreLight(TextColor.ANSI.DEFAULT, TextColor.ANSI.DEFAULT, SGR.BOLD)
                .setSelected(TextColor.ANSI.DEFAULT, TextColor.ANSI.DEFAULT, SGR.REVERSE)
                .setActive(TextColor.ANSI.DEFAULT, TextColor.ANSI.DEFAULT, SGR.REVERSE, SGR.BOLD)
                .setInsensitive(TextColor.ANSI.DEFAULT, TextColor.ANSI.DEFAULT);
        // Fields must show where they are without a coloured background: underlined.
        theme.addOverride(TextBox.class, TextColor.ANSI.DEFAULT, TextColor.ANSI.DEFAULT, SGR.UNDERLINE)
                .setActive(TextColor.ANSI.DEFAULT, TextColor.ANSI.DEFAULT, SGR.REVERSE)
                .setSelected(TextColor.ANSI.DEFAULT, TextColor.ANSI.DEFAULT, SGR.REVERSE);
        return theme;
    }

    /** Drops every colour change, so not one colour code reaches the terminal. */
    private static Terminal withoutColours(Terminal terminal) {
        InvocationHandler handler = (proxy, method, args) -> {
            if (method.getName().equals("setForegroundColor") || method.getName().equals("setBackgroundColor")) {
                return null;
            }
            try {
                return method.invoke(terminal, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Terminal) Proxy.newProxyInstance(Terminal.class.getClassLoader(), new Class<?>[] {Terminal.class},
                handler);
    }
}
