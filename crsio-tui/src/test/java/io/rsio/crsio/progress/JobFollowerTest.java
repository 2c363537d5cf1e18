package io.rsio.crsio.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.googlecode.lanterna.TerminalPosition;
import com.googlecode.lanterna.TerminalSize;
import com.googlecode.lanterna.gui2.AsynchronousTextGUIThread;
import com.googlecode.lanterna.gui2.MultiWindowTextGUI;
import com.googlecode.lanterna.input.KeyStroke;
import com.googlecode.lanterna.input.KeyType;
import com.googlecode.lanterna.screen.TerminalScreen;
import com.googlecode.lanterna.terminal.virtual.DefaultVirtualTerminal;
import io.rsio.crsio.CalmGuiThread;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress dialog on an 80x24 virtual terminal, following a real job through the
 * {@link ProgressJob} interface: a copy of a 64 MiB file in 8 MiB steps, each step let go by the
 * test, so the screen can be read at a known point (half done). The dialog appears only after a
 * second, shows the bar, bytes, rate and time; Esc (Background) leaves the copy running and the
 * message line counts on, and the result still arrives; Stop stops it; quick work shows no dialog.
 */
@Timeout(60)
class JobFollowerTest {
    static final int CHUNK = 8 << 20;
    static final int CHUNKS = 8;

    @TempDir
    Path dir;
    DefaultVirtualTerminal terminal;
    TerminalScreen screen;
    MultiWindowTextGUI gui;
    final AtomicReference<String> status = new AtomicReference<>("");
    final AtomicReference<String> outcome = new AtomicReference<>("");

    /** A file copy in steps of {@link #CHUNK}; a step runs when the test releases a permit. */
    static final class SteppedCopy implements ProgressJob<Path> {
        final Semaphore steps = new Semaphore(0);
        final Path from;
        final Path to;
        volatile long copied;
        volatile boolean stopped;
        final Thread worker;
        volatile Exception failure;

        SteppedCopy(Path from, Path to) {
            this.from = from;
            this.to = to;
            worker = Thread.ofVirtual().start(this::copy);
        }

        private void copy() {
            try (FileChannel in = FileChannel.open(from); FileChannel out = FileChannel.open(to,
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.allocate(CHUNK);
                while (copied < in.size()) {
                    steps.acquire();
                    if (stopped) {
                        throw new IOException("copy stopped at " + copied + " bytes");
                    }
                    buffer.clear();
                    in.read(buffer, copied);
                    buffer.flip();
                    copied += out.write(buffer, copied);
                }
            } catch (Exception e) {
                failure = e;
            }
        }

        @Override
        public JobState<Path> poll() throws Exception {
            if (failure != null) {
                throw failure;
            }
            long total = Files.size(from);
            return copied == total && !worker.isAlive() ? new JobState.Done<>(to)
                    : new JobState.Running<>(copied, total, "Copying " + from.getFileName() + " to "
                            + to.getFileName());
        }

        @Override
        public String stopLabel() {
            return "Stop copy";
        }

        @Override
        public void stop() {
            stopped = true;
            steps.release();
        }
    }

    @BeforeEach
    void start() throws Exception {
        terminal = new DefaultVirtualTerminal(new TerminalSize(80, 24));
        screen = new TerminalScreen(terminal);
        screen.startScreen();
        gui = new MultiWindowTextGUI(CalmGuiThread.factory(), screen);
        ((AsynchronousTextGUIThread) gui.getGUIThread()).start();
    }

    @AfterEach
    void stop() throws Exception {
        AsynchronousTextGUIThread thread = (AsynchronousTextGUIThread) gui.getGUIThread();
        thread.stop();
        thread.waitForStop(5, TimeUnit.SECONDS);
        screen.stopScreen();
    }

    @Test
    void barBytesRateThenBackgroundAndTheResultStillComes() throws Exception {
        SteppedCopy copy = new SteppedCopy(source(), dir.resolve("copy.img"));
        follow(copy);
        copy.steps.release(CHUNKS / 2);
        String half = await("32.0 MiB of 64.0 MiB");
        assertTrue(half.contains("Copying source.img to copy.img"), half);
        assertTrue(half.contains("[" + "=".repeat(25) + " ".repeat(25) + "] 50 %"), half);
        assertTrue(half.contains("<Background>") && half.contains("<Stop copy>"), half);
        assertTrue(half.matches("(?s).*32\\.0 MiB of 64\\.0 MiB, [0-9.]+ (B|KiB|MiB|GiB)/s, \\d+ s.*"), half);
        terminal.addInput(new KeyStroke(KeyType.Escape));
        awaitGone("Copying source.img");
        awaitValue(status::get, "goes on in the background");
        copy.steps.release(1);
        awaitValue(status::get, "(in the background): 62 %, 40.0 MiB of 64.0 MiB");
        copy.steps.release(CHUNKS);
        awaitValue(outcome::get, "done " + dir.resolve("copy.img"));
        assertEquals(-1, Files.mismatch(source(), dir.resolve("copy.img")), "the copy is whole");
    }

    @Test
    void stopStopsTheWorkAndTheFailureIsShown() throws Exception {
        SteppedCopy copy = new SteppedCopy(source(), dir.resolve("copy.img"));
        follow(copy);
        copy.steps.release(1);
        await("8.0 MiB of 64.0 MiB");
        terminal.addInput(new KeyStroke(KeyType.ArrowRight));
        terminal.addInput(new KeyStroke(KeyType.Enter));
        awaitValue(outcome::get, "failed copy stopped at " + CHUNK + " bytes");
        awaitGone("Copying source.img");
        assertEquals(CHUNK, Files.size(dir.resolve("copy.img")));
    }

    @Test
    void quickWorkShowsNoDialog() throws Exception {
        JobFollower.follow(gui, "Quick", new RequestJob<>("Asking", () -> "answer"), status::set,
                r -> outcome.set("done " + r), e -> outcome.set("failed " + e.getMessage()));
        awaitValue(outcome::get, "done answer");
        assertTrue(gui.getWindows().isEmpty(), "no dialog for work done within a second: " + text());
    }

    private void follow(SteppedCopy copy) {
        JobFollower.follow(gui, "Copy source.img", copy, status::set,
                r -> outcome.set("done " + r), e -> outcome.set("failed " + e.getMessage()));
    }

    private Path source() throws IOException {
        Path file = dir.resolve("source.img");
        if (!Files.exists(file)) {
            byte[] data = new byte[CHUNK * CHUNKS];
            new Random(14).nextBytes(data);
            Files.write(file, data);
        }
        return file;
    }

    private String text() {
        StringBuilder b = new StringBuilder();
        for (int row = 0; row < 24; row++) {
            for (int col = 0; col < 80; col++) {
                b.append(terminal.getBufferCharacter(new TerminalPosition(col, row)).getCharacterString());
            }
            b.append('\n');
        }
        return b.toString();
    }

    private String await(String needle) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!text().contains(needle)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("screen never showed \"" + needle + "\":\n" + text());
            }
            Thread.sleep(20);
        }
        String seen = text(); // drawn whole: two reads a moment apart agree
        for (int i = 0; i < 25; i++) {
            Thread.sleep(30);
            String again = text();
            if (again.equals(seen) || !again.contains(needle)) {
                return seen;
            }
            seen = again;
        }
        return seen;
    }

    private void awaitGone(String needle) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (text().contains(needle)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("screen still shows \"" + needle + "\":\n" + text());
            }
            Thread.sleep(20);
        }
    }

    private static void awaitValue(Supplier<String> value, String needle) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!value.get().contains(needle)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never \"" + needle + "\"; last: " + value.get());
            }
            Thread.sleep(20);
        }
    }
}
