package io.rsio.common;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The few command-line shapes RSIO's programs use: short flags that may be clustered
 * ({@code -qvv}), {@code -c FILE}, {@code --long} words and plain operands.
 */
public final class Args {
    /** A command line that does not fit; programs print it with their usage and exit 2. */
    public static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        public UsageException(String message) {
            super(message);
        }
    }

    private final List<String> words;
    private int position;

    public Args(String[] argv) {
        this.words = new ArrayList<>(List.of(argv));
    }

    public boolean hasNext() {
        return position < words.size();
    }

    public String next() {
        return words.get(position++);
    }

    /** The value after an option such as {@code -c}; a missing value is a usage error. */
    public String valueFor(String option) throws UsageException {
        if (!hasNext() || words.get(position).startsWith("-")) {
            throw new UsageException(option + " needs a value");
        }
        return next();
    }

    /** The next word if it is an operand (does not start with '-'). */
    public Optional<String> optionalOperand() {
        return hasNext() && !words.get(position).startsWith("-") ? Optional.of(next()) : Optional.empty();
    }
}
