package io.rsio.cli;

import io.rsio.common.Args;
import io.rsio.common.RsioEnvironment;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * {@code rsclogcat} and {@code rsslogcat}: print a daemon's log, and with {@code -f} follow it,
 * across log rotation, until interrupted.
 */
public final class LogCatMain {
    private static final long POLL_MILLIS = 200;

    private LogCatMain() {}

    /** The command line after the daemon's name: -f, and nothing else. */
    public static final class Options implements Args.OptionHandler {
        boolean follow;

        @Override
        public void accept(String word, Args args) throws Args.UsageException {
            if (!word.equals("-f")) {
                throw new Args.UsageException("unknown option " + word);
            }
            follow = true;
        }
    }

    /** argv[0] names the daemon: {@code rsiod} (rsclogcat) or {@code rssrv} (rsslogcat). */
    public static void main(String[] argv) throws InterruptedException {
        String daemon = argv.length > 0 ? argv[0] : "rsiod";
        String program = daemon.equals("rssrv") ? "rsslogcat" : "rsclogcat";
        String usage = "usage: " + program + " [-f] [-h|--help]\n"
                + "  prints $RSIO_LOG_DIR/" + daemon + ".log (default /var/log/rsio/" + daemon + ".log)\n"
                + "  -f   keep following the log as it grows (Ctrl-C ends)\n";
        Options follow = new Options();
        String[] options = java.util.Arrays.copyOfRange(argv, Math.min(1, argv.length), argv.length);
        boolean go = Args.parseOrExit(program, usage, options, follow);
        if (!go) {
            return;
        }
        Path log = RsioEnvironment.fromSystem().logFile(daemon);
        try {
            System.exit(follow.follow ? follow(log, System.out) : print(log, System.out));
        } catch (IOException e) {
            System.err.println(program + ": " + log + ": " + e.getMessage());
            System.exit(1);
        }
    }

    private static int print(Path log, PrintStream out) throws IOException {
        try (InputStream in = Files.newInputStream(log)) {
            in.transferTo(out);
        } catch (NoSuchFileException e) {
            System.err.println("no log yet at " + log);
            return 1;
        }
        out.flush();
        return 0;
    }

    private static int follow(Path log, PrintStream out) throws IOException, InterruptedException {
        long position = 0;
        Object fileKey = null;
        byte[] buffer = new byte[64 * 1024];
        while (true) {
            if (Files.exists(log)) {
                BasicFileAttributes attributes = Files.readAttributes(log, BasicFileAttributes.class);
                if (!attributes.fileKey().equals(fileKey) || attributes.size() < position) {
                    fileKey = attributes.fileKey(); // rotated or truncated: start from its beginning
                    position = 0;
                }
                if (attributes.size() > position) {
                    try (var channel = Files.newByteChannel(log)) {
                        channel.position(position);
                        var bb = java.nio.ByteBuffer.wrap(buffer);
                        int n;
                        while ((n = channel.read(bb.clear())) > 0) {
                            out.write(buffer, 0, n);
                            position += n;
                        }
                    }
                    out.flush();
                }
            }
            Thread.sleep(POLL_MILLIS);
        }
    }
}
