package io.rsio.crsio;

import com.googlecode.lanterna.gui2.AsynchronousTextGUIThread;
import com.googlecode.lanterna.gui2.MultiWindowTextGUI;
import com.googlecode.lanterna.gui2.TextGUIThread;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.DefaultTerminalFactory;
import com.googlecode.lanterna.terminal.Terminal;
import com.googlecode.lanterna.terminal.ansi.StreamBasedTerminal;
import com.googlecode.lanterna.terminal.ansi.UnixTerminal;
import io.rsio.admin.DaemonControl;
import io.rsio.admin.RsiodCommand;
import io.rsio.admin.DaemonState;
import io.rsio.common.Args;
import io.rsio.common.RsioEnvironment;
import io.rsio.config.ConfigException;
import io.rsio.config.edit.ClientConfigEditor;
import io.rsio.config.edit.ConfigFileStore;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/** {@code crsio}: the curses administration tool for the RSIO client. */
public final class CrsioMain {
    static final String USAGE = """
            usage: crsio [-c FILE] [--ascii] [--help]
              -c FILE   client configuration to edit (default /etc/rscltcfg)
              --ascii   draw lines with + - | (for terminals without line graphics);
                        automatic when the locale is not UTF-8
              -h, --help  show this help
            Keys: F1 help, F3 save, F7 actions, F9 menu, F10 exit; or Esc then 1, 3, 7, 9, 0.
            environment: RSIO_RUN_DIR (default /run/rsio), RSIO_LOG_DIR (default /var/log/rsio)
            """;

    private CrsioMain() {}

    /** The command line: what USAGE lists, and nothing else. */
    public static final class Options implements Args.OptionHandler {
        Path configFile = Path.of("/etc/rscltcfg");
        boolean ascii = !utf8Locale();

        @Override
        public void accept(String word, Args args) throws Args.UsageException {
            switch (word) {
                case "-c" -> configFile = Path.of(args.valueFor("-c"));
                case "--ascii" -> ascii = true;
                default -> throw new Args.UsageException("unknown option " + word);
            }
        }
    }

    public static void main(String[] argv) {
        Options options = new Options();
        boolean go = Args.parseOrExit("crsio", USAGE, argv, options);
        if (go) {
            System.exit(run(options.configFile, TerminalLook.detect(System.getenv(), options.ascii)));
        }
    }

    static boolean utf8Locale() {
        for (String name : new String[] {"LC_ALL", "LC_CTYPE", "LANG"}) {
            String v = System.getenv(name);
            if (v != null && !v.isEmpty()) {
                String l = v.toLowerCase(Locale.ROOT);
                return l.contains("utf-8") || l.contains("utf8");
            }
        }
        return false; // the POSIX locale is ASCII
    }

    static int run(Path configFile, TerminalLook look) {
        // Refuse a broken file before the screen is taken over, so the message stays readable.
        try {
            ClientConfigEditor.of(configFile, new ConfigFileStore(configFile).load().text());
        } catch (ConfigException e) {
            System.err.println("crsio: " + e.getMessage());
            System.err.println("crsio: fix the file with an editor first (see docs/CONFIG.md)");
            return 1;
        } catch (IOException e) {
            System.err.println("crsio: cannot read " + configFile + ": " + e.getMessage());
            return 1;
        }
        RsioEnvironment env = RsioEnvironment.fromSystem();
        CrsioApp.Options options = new CrsioApp.Options(configFile, env, RsiodCommand.ofThisInstallation(System.getenv()),
                Duration.ofSeconds(1), Duration.ofSeconds(1), look);
        Terminal terminal;
        try {
            Charset charset = look.ascii() ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8;
            terminal = new DefaultTerminalFactory(System.out, new QuickEscapeInput(System.in), charset)
                    .setForceTextTerminal(true)
                    .setInputTimeout(0) // QuickEscapeInput waits briefly after an Esc instead of 250 ms
                    .setUnixTerminalCtrlCBehaviour(UnixTerminal.CtrlCBehaviour.TRAP)
                    .createTerminal();
        } catch (IOException | RuntimeException e) {
            System.err.println("crsio: needs a terminal: " + CrsioApp.message(e));
            return 1;
        }
        if (terminal instanceof StreamBasedTerminal s) {
            KeyProfiles.all().forEach(s.getInputDecoder()::addProfile);
        }
        terminal = look.wrap(terminal);
        TerminalScreen screen = null;
        CrsioApp app = null;
        try {
            screen = new TerminalScreen(terminal);
            screen.startScreen();
            MultiWindowTextGUI gui = new MultiWindowTextGUI(CalmGuiThread.factory(), screen);
            app = CrsioApp.create(gui, options);
            CrsioApp started = app;
            gui.getGUIThread().setExceptionHandler(new TextGUIThread.ExceptionHandler() {
                @Override
                public boolean onIOException(IOException e) {
                    return true; // the terminal is gone
                }

                @Override
                public boolean onRuntimeException(RuntimeException e) {
                    // A bug in one screen must not freeze crsio: say it and go on.
                    started.status("internal error: " + CrsioApp.message(e));
                    e.printStackTrace(System.err);
                    return false;
                }
            });
            app.start();
            AsynchronousTextGUIThread thread = (AsynchronousTextGUIThread) gui.getGUIThread();
            thread.start();
            while (!app.exited() && thread.getState() == AsynchronousTextGUIThread.State.STARTED) {
                Thread.sleep(100);
            }
            thread.stop();
            thread.waitForStop(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (IOException | ConfigException e) {
            System.err.println("crsio: " + CrsioApp.message(e));
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (app != null) {
                app.shutdown();
            }
            if (screen != null) {
                try {
                    screen.stopScreen();
                } catch (IOException ignored) {
                    // the terminal is gone; nothing to restore
                }
            }
        }
        DaemonState state = new DaemonControl(env, options.rsiod()).state();
        System.out.println(state.running() ? "crsio: rsiod keeps running (pid " + state.pid() + ")"
                : "crsio: rsiod is not running (start it with crsio's Daemon screen or scripts/rsiod)");
        return 0;
    }
}
