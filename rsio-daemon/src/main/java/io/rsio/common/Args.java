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

    /** Takes one option word (and the values it needs from {@code args}); unknown words throw. */
    @FunctionalInterface
    public interface OptionHandler {
        void accept(String word, Args args) throws UsageException;
    }

    /**
     * The option loop of the programs: every word goes to {@code handler}; {@code -h} or
     * {@code --help} prints {@code usage} and answers false (the program ends with 0); a usage
     * error prints {@code program: reason} and the usage to stderr and exits 2.
     */
    public static boolean parseOrExit(String program, String usage, String[] argv, OptionHandler handler) {
        try {
            Args args = new Args(argv);
            while (args.hasNext()) {
                String word = args.next();
                if (word.equals("-h") || word.equals("--help")) {
                    System.out.print(usage);
                    return false;
                }
                handler.accept(word, args);
            }
            return true;
        } catch (UsageException e) {
            System.err.println(program + ": " + e.getMessage());
            System.err.print(usage);
            System.exit(2);
            return false;
        }
    }

    /**
     * Runs {@code handler} over {@code argv} as {@link #parseOrExit} does, without printing or
     * exiting: what the option-drift test asks of every program's parser.
     */
    public static void check(String[] argv, OptionHandler handler) throws UsageException {
        Args args = new Args(argv);
        while (args.hasNext()) {
            String word = args.next();
            if (!word.equals("-h") && !word.equals("--help")) {
                handler.accept(word, args);
            }
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
