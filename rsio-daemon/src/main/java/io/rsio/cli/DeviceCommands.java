package io.rsio.cli;

import io.rsio.common.Args;
import io.rsio.common.RsioEnvironment;
import io.rsio.control.ControlClient;
import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.DeviceRow;
import java.util.ArrayList;
import java.util.List;

/**
 * rsconfig's block device commands: {@code -a [NAME|ns:NAME]}, {@code -d [-f] [NAME|ns:NAME]},
 * {@code -l[v[v]]} and {@code --stop [-f]}. Exit status as for every rsconfig command: 0, 1 when
 * rsiod is not running, refuses, or a device could not be attached or detached, 2 on a usage error.
 */
final class DeviceCommands {
    static final String USAGE = """
                   rsconfig -a [NAME|NS:NAME]  attach volumes as block devices (all without NAME)
                   rsconfig -d [-f] [NAME|NS:NAME]
                                            detach them; a mounted or open device is refused
                                            unless -f (which unmounts it lazily)
                   rsconfig -l[v[v]]        local view: attached devices (c: raw path, b: block
                                            device, blocks, servers; -lvv the method and device)
                   rsconfig --stop [-f]     stop rsiod: detaches every device first; refused
                                            while one is mounted or open, unless -f
            """;

    private DeviceCommands() {}

    /** A parsed command: the control request words and how to show the answer. */
    record Command(List<String> request, int verbosity, boolean listing) {}

    static boolean handles(String[] argv) {
        return argv.length > 0 && (argv[0].equals("-a") || argv[0].equals("-d") || argv[0].matches("-lv*")
                || argv[0].equals("--stop"));
    }

    static Command parse(String[] argv) throws Args.UsageException {
        Args args = new Args(argv);
        String first = args.next();
        List<String> request = new ArrayList<>();
        if (first.matches("-lv*")) {
            int verbosity = first.length() - 2;
            while (args.hasNext()) {
                String word = args.next();
                if (!word.matches("-v+")) {
                    throw new Args.UsageException("-l takes no " + word);
                }
                verbosity += word.length() - 1;
            }
            return new Command(List.of("local"), verbosity, true);
        }
        request.add(switch (first) {
            case "-a" -> "attach";
            case "-d" -> "detach";
            default -> "stop";
        });
        boolean force = false;
        String operand = null;
        while (args.hasNext()) {
            String word = args.next();
            if (word.equals("-f") && !first.equals("-a")) {
                force = true;
            } else if (!word.startsWith("-") && operand == null && !first.equals("--stop")) {
                operand = word;
            } else {
                throw new Args.UsageException(first + " does not take " + word);
            }
        }
        if (force) {
            request.add("-f");
        }
        if (operand != null) {
            request.add(operand);
        }
        return new Command(List.copyOf(request), 0, false);
    }

    static int run(String[] argv) {
        Command command;
        try {
            command = parse(argv);
        } catch (Args.UsageException e) {
            System.err.println("rsconfig: " + e.getMessage());
            System.err.print(RsconfigMain.USAGE);
            return 2;
        }
        ControlClient client = new ControlClient(RsioEnvironment.fromSystem().controlSocket());
        try {
            ControlResponse response = client.call(command.request().toArray(String[]::new));
            if (!response.ok()) {
                System.err.println("rsconfig: " + response.error());
                return 1;
            }
            if (command.listing()) {
                System.out.print(LocalFormatter.format(response, command.verbosity()));
                return 0;
            }
            StringBuilder out = new StringBuilder();
            StringBuilder err = new StringBuilder();
            LocalFormatter.outcomes(response, out, err);
            System.out.print(out);
            System.err.print(err);
            if (command.request().getFirst().equals("stop") && err.isEmpty()) {
                System.out.println("rsiod stopping");
            }
            boolean failed = response.rows(DeviceRow.class).stream()
                    .anyMatch(r -> r.action().equals("refused") || r.action().equals("failed"));
            return failed ? 1 : 0;
        } catch (ControlClient.ControlException e) {
            System.err.println("rsconfig: " + e.getMessage());
            return 1;
        }
    }
}
