package io.rsio.crsio;

import java.util.ArrayList;
import java.util.List;

/** Small text helpers for fixed-width screens. */
public final class Text {
    private Text() {}

    /** Cuts {@code s} to {@code width} columns, marking the cut with "~". */
    public static String cut(String s, int width) {
        if (s == null) {
            return "";
        }
        return s.length() <= width ? s : s.substring(0, Math.max(0, width - 1)) + "~";
    }

    /** {@code s} padded or cut to exactly {@code width} columns. */
    public static String pad(String s, int width) {
        String c = cut(s, width);
        return c + " ".repeat(width - c.length());
    }

    /** Word-wraps text to lines of at most {@code width} columns (keeps existing line breaks). */
    public static String wrap(String text, int width) {
        List<String> out = new ArrayList<>();
        for (String paragraph : text.split("\n", -1)) {
            StringBuilder line = new StringBuilder();
            for (String word : paragraph.split(" ")) {
                if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                    out.add(line.toString());
                    line.setLength(0);
                }
                while (word.length() > width) {
                    out.add(word.substring(0, width));
                    word = word.substring(width);
                }
                if (line.length() > 0) {
                    line.append(' ');
                }
                line.append(word);
            }
            out.add(line.toString());
        }
        return String.join("\n", out);
    }
}
