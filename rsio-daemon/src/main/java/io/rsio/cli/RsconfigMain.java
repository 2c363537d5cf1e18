package io.rsio.cli;

import io.rsio.common.Args;
import io.rsio.common.RsioEnvironment;
import io.rsio.control.ControlClient;
import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.ReloadRow;

/**
 * {@code rsconfig}: the administrator's command. Talks to rsiod over its control socket;
 * exits 0 on success, 1 when rsiod is not running or refuses, 2 on a usage error.
 */
public final class RsconfigMain {
    static final String USAGE = """
            usage: rsconfig -q[v[v[v]]]     namespace view: namespaces, servers, volumes
                   rsconfig -m status       multipath status: every path per client interface
                   rsconfig -m stat         statistics: per path MB/s, IOPS, RTT, errors, failovers
                   rsconfig -m vstat        the servers' statistics per volume: requests, bytes,
                                            throttled requests and time, limits, latency
                   rsconfig -m jobs         the servers' copy jobs (rsconfig -K/-B/-S): bytes
                                            done of the total, rate, state
                   rsconfig --reload        rsiod reads its config file again (systemctl reload)
                   rsconfig -h | --help
              -q     the volumes rsiod's servers offer; each v (or a separate -v) adds
                     detail (ids, paths, sizes in units, volume identity and NBD export)
              -m status
                     each client interface with a rep: line per server interface and its
                     state (connected, connecting, down) and tx/rx state
              -m stat
                     per path: state, MB/s and IOPS read/write over the last second, requests
                     in flight, RTT, errors, failovers, last state change; per volume totals
              --reload
                     one line per change: applied, restart (needs a restart of rsiod) or
                     refused (not applied; exit status 1); as crsio's Daemon > Reload
            rsconfig talks to rsiod at $RSIO_RUN_DIR/rsiod.sock (default /run/rsio/rsiod.sock).
            exit status: 0 success, 1 rsiod not running or refused, 2 usage error
            block devices:
            """ + DeviceCommands.USAGE + "volumes (rights given in the server's [pool]):\n" + VolumeCommands.USAGE;

    private RsconfigMain() {}

    private sealed interface Command {
        record Query(int verbosity) implements Command {}

        record Status() implements Command {}

        record Stat() implements Command {}

        record ServerStat() implements Command {}

        record Jobs() implements Command {}

        record Reload() implements Command {}

        record Help() implements Command {}
    }

    public static void main(String[] argv) {
        if (DeviceCommands.handles(argv)) {
            System.exit(DeviceCommands.run(argv));
        }
        if (VolumeCommands.handles(argv)) {
            System.exit(VolumeCommands.run(argv));
        }
        Command command;
        try {
            command = parse(argv);
        } catch (Args.UsageException e) {
            System.err.println("rsconfig: " + e.getMessage());
            System.err.print(USAGE);
            System.exit(2);
            return;
        }
        System.exit(run(command));
    }

    /** Parses a command line as main does, without acting on it (the option-drift test). */
    public static void check(String[] argv) throws Args.UsageException {
        if (VolumeCommands.handles(argv)) {
            VolumeCommands.parse(argv);
        } else if (DeviceCommands.handles(argv)) {
            DeviceCommands.parse(argv);
        } else {
            parse(argv);
        }
    }

    private static Command parse(String[] argv) throws Args.UsageException {
        Args args = new Args(argv);
        if (!args.hasNext()) {
            throw new Args.UsageException("no command given");
        }
        Command command = null;
        while (args.hasNext()) {
            String word = args.next();
            Command next;
            if (word.equals("--help") || word.equals("-h")) {
                next = new Command.Help();
            } else if (word.equals("--reload")) {
                next = new Command.Reload();
            } else if (word.equals("-m")) {
                String what = args.valueFor("-m");
                next = switch (what) {
                    case "status" -> new Command.Status();
                    case "stat" -> new Command.Stat();
                    case "vstat" -> new Command.ServerStat();
                    case "jobs" -> new Command.Jobs();
                    default -> throw new Args.UsageException("-m knows 'status', 'stat', 'vstat' and 'jobs', not '" + what
                            + "'");
                };
            } else if (word.matches("-qv*")) {
                next = new Command.Query(word.length() - 2);
            } else if (word.matches("-v+") && command instanceof Command.Query q) {
                next = new Command.Query(q.verbosity() + word.length() - 1);
                command = null;
            } else {
                throw new Args.UsageException("unknown option " + word);
            }
            if (command != null) {
                throw new Args.UsageException("give one command at a time");
            }
            command = next;
        }
        return command;
    }

    /** {@code applied: …}, {@code restart: …}, {@code refused: …}, one change a line. */
    private static String reloadLines(ControlResponse response) {
        StringBuilder out = new StringBuilder();
        for (ReloadRow row : response.rows(ReloadRow.class)) {
            out.append(row.action()).append(": ").append(row.change()).append('\n');
        }
        return out.toString();
    }

    private static int run(Command command) {
        if (command instanceof Command.Help) {
            System.out.print(USAGE);
            return 0;
        }
        ControlClient client = new ControlClient(RsioEnvironment.fromSystem().controlSocket());
        try {
            ControlResponse response = switch (command) {
                case Command.Query q -> client.call("query");
                case Command.Status s -> client.call("status");
                case Command.Stat s -> client.call("stat");
                case Command.ServerStat s -> client.call("volume", "stats", "-");
                case Command.Jobs j -> client.call("volume", "jobs");
                case Command.Reload r -> client.call("reload");
                case Command.Help h -> throw new IllegalStateException();
            };
            if (!response.ok()) {
                System.err.println("rsconfig: rsiod refused: " + response.error());
                return 1;
            }
            System.out.print(switch (command) {
                case Command.Query q -> QueryFormatter.format(response, q.verbosity(),
                        q.verbosity() >= 2 ? client.call("volume", "usage") : null);
                case Command.Status s -> StatusFormatter.format(response);
                case Command.Stat s -> StatFormatter.format(response);
                case Command.ServerStat s -> ServerStatFormatter.format(response);
                case Command.Jobs j -> JobFormatter.format(response.rows(io.rsio.control.ControlRows.JobRow.class));
                case Command.Reload r -> reloadLines(response);
                case Command.Help h -> "";
            });
            return command instanceof Command.Reload
                    && response.rows(ReloadRow.class).stream().anyMatch(r -> r.action().equals("refused")) ? 1 : 0;
        } catch (ControlClient.ControlException e) {
            System.err.println("rsconfig: " + e.getMessage());
            return 1;
        }
    }
}
