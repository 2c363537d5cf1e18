package io.rsio.cli;

import io.rsio.common.Args;
import io.rsio.common.RsioEnvironment;
import io.rsio.config.ConfigValues;
import io.rsio.control.ControlClient;
import io.rsio.control.ControlResponse;
import io.rsio.control.ControlRows.JobRow;
import io.rsio.control.ControlRows.ManageRow;
import java.util.ArrayList;
import java.util.List;

/**
 * rsconfig's volume-management commands (docs/VOLUMES.md): {@code -C} create, {@code -G} grow
 * (or shrink), {@code -S} snapshot, {@code -D} delete, {@code -T} throttle, {@code -P} pause,
 * {@code -R} resume, {@code -K} copy to a new volume, {@code -B} back up to a file in the pool;
 * -S, -K and -B follow a background copy with a progress bar until it ends, unless --no-wait. rsiod sends each to one logged-in server (pause and resume to every one)
 * of the namespace; the server checks the client's rights in its {@code [pool]}. Exit status 0,
 * 1 when rsiod or the server refuses, 2 on a usage error. crsio's Volumes screen builds the same
 * command lines and sends the control words {@link #parse} makes of them, so both check alike.
 */
public final class VolumeCommands {
    static final String USAGE = """
                   rsconfig -C [NS:]NAME SIZE [-p POOL] [--thick]
                                            create a volume in a server pool (SIZE like 10G;
                                            thin unless --thick; -p when the server has several)
                   rsconfig -G [NS:]NAME SIZE
                                            grow it to SIZE, online (attached devices follow);
                                            a smaller SIZE shrinks, refused while in use
                   rsconfig -S [NS:]NAME SNAPSHOT [--no-wait]
                                            snapshot it (read-only volume SNAPSHOT): a reflink,
                                            or a background copy where the pool has none
                   rsconfig -K [NS:]NAME COPY [--no-wait]
                                            copy it on the server to a new volume COPY
                   rsconfig -B [NS:]NAME [FILE] [--no-wait]
                                            back it up on the server to FILE in its pool
                                            (default NAME.backup-DATE.raw); no data crosses
                                            the network; -S/-K/-B show progress until done
                   rsconfig -D [NS:]NAME    delete it; refused while attached or open elsewhere
                   rsconfig -T [NS:]NAME BANDWIDTH[,IOPS] [-c CLIENT]
                                            limit its I/O on the server, online: BANDWIDTH
                                            bytes a second (like 100M), IOPS requests a
                                            second, 0 for no limit, off for neither; of all
                                            clients together, or with -c of one client
                   rsconfig -P [NS:]NAME... pause their I/O on the servers, all at one instant
                                            (held, not failed); answers once running I/O is done
                   rsconfig -R [NS:]NAME... resume them: the held I/O goes on
            """;

    private VolumeCommands() {}

    static boolean handles(String[] argv) {
        return argv.length > 0 && List.of("-C", "-G", "-S", "-D", "-T", "-P", "-R", "-K", "-B").contains(argv[0]);
    }

    /** The control request words for a command line. */
    public static List<String> parse(String[] argv) throws Args.UsageException {
        Args args = new Args(argv);
        String option = args.next();
        List<String> operands = new ArrayList<>();
        String pool = "-";
        boolean thick = false;
        String client = "-";
        while (args.hasNext()) {
            String word = args.next();
            if (word.equals("-p") && option.equals("-C")) {
                pool = args.valueFor("-p");
            } else if (word.equals("--thick") && option.equals("-C")) {
                thick = true;
            } else if (word.equals("-c") && option.equals("-T")) {
                client = args.valueFor("-c");
            } else if (word.equals("--no-wait") && List.of("-S", "-K", "-B").contains(option)) {
                continue; // run() reads it: the request is the same
            } else if (word.startsWith("-")) {
                throw new Args.UsageException(option + " does not take " + word);
            } else {
                operands.add(word);
            }
        }
        if (option.equals("-P") || option.equals("-R")) {
            if (operands.isEmpty()) {
                throw new Args.UsageException(option + " needs at least one NAME");
            }
            List<String> words = new ArrayList<>(List.of("volume", option.equals("-P") ? "pause" : "resume"));
            words.addAll(operands);
            return words;
        }
        if (option.equals("-B")) {
            if (operands.isEmpty() || operands.size() > 2) {
                throw new Args.UsageException("-B needs NAME [FILE]");
            }
            return List.of("volume", "copy", operands.getFirst(), operands.size() == 2 ? operands.get(1) : "-", "file");
        }
        int wanted = option.equals("-D") ? 1 : 2;
        if (operands.size() != wanted) {
            throw new Args.UsageException(option + " needs " + (wanted == 1 ? "NAME" : option.equals("-S")
                    ? "NAME SNAPSHOT" : option.equals("-K") ? "NAME COPY" : option.equals("-T") ? "NAME BANDWIDTH[,IOPS]" : "NAME SIZE"));
        }
        String name = operands.getFirst();
        return switch (option) {
            case "-C" -> List.of("volume", "create", name, bytes(operands.get(1)), pool, thick ? "thick" : "thin");
            case "-G" -> List.of("volume", "resize", name, bytes(operands.get(1)));
            case "-S" -> List.of("volume", "snapshot", name, operands.get(1));
            case "-K" -> List.of("volume", "copy", name, operands.get(1), "volume");
            case "-T" -> {
                long[] limit = limit(operands.get(1));
                yield List.of("volume", "throttle", name, Long.toString(limit[0]), Long.toString(limit[1]), client);
            }
            default -> List.of("volume", "delete", name);
        };
    }

    /** {@code off}, {@code BANDWIDTH}, {@code BANDWIDTH,IOPS} or {@code ,IOPS}: bytes a second and IOPS, 0 for none. */
    static long[] limit(String word) throws Args.UsageException {
        if (word.equals("off")) {
            return new long[] {0, 0};
        }
        int comma = word.indexOf(',');
        String bandwidth = comma < 0 ? word : word.substring(0, comma);
        String iops = comma < 0 ? "0" : word.substring(comma + 1);
        try {
            long bytes = bandwidth.isEmpty() ? 0 : ConfigValues.parseSize(bandwidth.replaceFirst("(?i)/s$", ""));
            long requests = Long.parseLong(iops);
            if (requests < 0) {
                throw new NumberFormatException();
            }
            return new long[] {bytes, requests};
        } catch (NumberFormatException e) {
            throw new Args.UsageException("IOPS must be a whole number of requests a second, found '" + iops + "'");
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("BANDWIDTH " + e.getMessage());
        }
    }

    private static String bytes(String size) throws Args.UsageException {
        try {
            long n = ConfigValues.parseSize(size);
            if (n == 0) {
                throw new Args.UsageException("SIZE must be more than 0");
            }
            return Long.toString(n);
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("SIZE " + e.getMessage());
        }
    }

    static int run(String[] argv) {
        List<String> request;
        try {
            request = parse(argv);
        } catch (Args.UsageException e) {
            System.err.println("rsconfig: " + e.getMessage());
            System.err.print(RsconfigMain.USAGE);
            return 2;
        }
        try {
            ControlClient client = new ControlClient(RsioEnvironment.fromSystem().controlSocket());
            ControlResponse response = client.call(request.toArray(String[]::new));
            if (!response.ok()) {
                System.err.println("rsconfig: " + response.error());
                return 1;
            }
            for (ManageRow row : response.rows(ManageRow.class)) {
                System.out.println(row.namespace() + ":" + row.name() + ": " + row.message());
            }
            if (List.of(argv).contains("--no-wait")) {
                return 0;
            }
            for (JobRow job : response.rows(JobRow.class)) {
                if (job.state().equals("running")) {
                    job = JobWaiter.await(client, job.server(), job.id(), System.err, System.console() != null);
                    if (job == null) {
                        System.err.println("rsconfig: the copy job is no longer listed (its server restarted?)");
                        return 1;
                    }
                    System.out.println(JobFormatter.ended(job));
                }
                if (!job.state().equals("done")) {
                    System.err.println("rsconfig: " + JobFormatter.ended(job));
                    return 1;
                }
            }
            return 0;
        } catch (ControlClient.ControlException e) {
            System.err.println("rsconfig: " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
