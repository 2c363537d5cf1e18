package io.rsio.config;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A configuration file that cannot be used, with the place and the reason.
 *
 * <p>{@link #getMessage()} reads {@code FILE:LINE: reason} (or {@code FILE: reason} when the
 * problem is not tied to one line, such as a missing section), so a daemon can print it as is
 * and an editor can jump to the line. The reason says what was expected and what was found;
 * it never contains a node key or client key.
 */
public final class ConfigException extends Exception {

    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final int line;
    private final String reason;

    /**
     * @param file   the file as the user named it
     * @param line   1-based line number, or 0 when the problem is not on one line
     * @param reason what is wrong, phrased for an administrator (no location prefix)
     */
    public ConfigException(Path file, int line, String reason) {
        this(file, line, reason, null);
    }

    public ConfigException(Path file, int line, String reason, Throwable cause) {
        super(format(file, line, reason), cause);
        if (line < 0) {
            throw new IllegalArgumentException("line must be >= 0: " + line);
        }
        this.file = Objects.requireNonNull(file, "file");
        this.line = line;
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    /** The file the problem is in, as given to the parser. */
    public Path file() {
        return file;
    }

    /** The 1-based line of the problem, or 0 when it concerns the whole file. */
    public int line() {
        return line;
    }

    /** The reason alone, without the {@code FILE:LINE:} prefix (e.g. for a TUI field hint). */
    public String reason() {
        return reason;
    }

    private static String format(Path file, int line, String reason) {
        return line > 0 ? file + ":" + line + ": " + reason : file + ": " + reason;
    }
}
