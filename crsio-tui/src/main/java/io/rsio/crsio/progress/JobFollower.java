package io.rsio.crsio.progress;

import com.googlecode.lanterna.gui2.WindowBasedTextGUI;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * Follows a {@link ProgressJob} for a screen: polls it off the GUI thread, opens a
 * {@link ProgressDialog} once it has run {@link #SHOW_AFTER} (quicker work shows no dialog at
 * all), keeps the bar and numbers current, and hands the result or the failure to the caller on
 * the GUI thread, whether the dialog is still open or was sent to the background. In the
 * background the message line counts on, so the work is never out of sight.
 */
public final class JobFollower<T> {
    public static final Duration SHOW_AFTER = Duration.ofSeconds(1);
    static final Duration POLL = Duration.ofMillis(500);

    private final WindowBasedTextGUI gui;
    private final String title;
    private final ProgressJob<T> job;
    private final Consumer<String> status;
    private final Consumer<T> done;
    private final Consumer<Exception> failed;
    private final ProgressText text = new ProgressText();
    private final long started = System.nanoTime();
    // GUI thread only:
    private ProgressDialog dialog;
    private boolean background;
    private long polls;

    private JobFollower(WindowBasedTextGUI gui, String title, ProgressJob<T> job, Consumer<String> status,
                        Consumer<T> done, Consumer<Exception> failed) {
        this.gui = gui;
        this.title = title;
        this.job = job;
        this.status = status;
        this.done = done;
        this.failed = failed;
    }

    /**
     * Starts following {@code job}; returns at once. {@code status} writes the message line;
     * {@code done} and {@code failed} run on the GUI thread, exactly one of them, once.
     */
    public static <T> void follow(WindowBasedTextGUI gui, String title, ProgressJob<T> job, Consumer<String> status,
                                  Consumer<T> done, Consumer<Exception> failed) {
        JobFollower<T> f = new JobFollower<>(gui, title, job, status, done, failed);
        Thread.ofVirtual().name("crsio-progress").start(f::pollUntilDone);
    }

    /** Ends when the job does: a job's own request is bounded (rsiod answers within its timeout). */
    private void pollUntilDone() {
        while (true) {
            JobState<T> state;
            try {
                state = job.poll();
            } catch (Exception e) {
                onGui(() -> {
                    close();
                    failed.accept(e);
                });
                return;
            }
            if (state instanceof JobState.Done<T> d) {
                onGui(() -> {
                    if (background) {
                        status.accept(title + ": done");
                    }
                    close();
                    done.accept(d.result());
                });
                return;
            }
            long now = System.nanoTime();
            JobState.Running<T> r = (JobState.Running<T>) state;
            String numbers = text.numbers(r, now, now - started); // every poll: the rate needs the early ones
            if (now - started >= SHOW_AFTER.toNanos()) {
                onGui(() -> show(r, numbers));
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void show(JobState.Running<T> r, String numbers) {
        polls++;
        if (background) {
            status.accept(title + " (in the background): " + (r.measured() ? ProgressText.percent(r) + ", " : "")
                    + numbers);
            return;
        }
        if (dialog == null) {
            dialog = new ProgressDialog(title, job.stopLabel(), this::toBackground, this::stop);
            gui.addWindow(dialog);
        }
        dialog.update(r.phase(), ProgressText.bar(r, polls), numbers);
    }

    private void toBackground() {
        background = true;
        close();
        status.accept(title + ": goes on in the background; its result shows here when it is done");
    }

    private void stop() {
        status.accept(title + ": stopping...");
        Thread.ofVirtual().name("crsio-stop").start(() -> {
            try {
                job.stop();
            } catch (Exception e) {
                onGui(() -> status.accept(title + ": not stopped: " + e.getMessage()));
            }
        });
    }

    private void close() {
        if (dialog != null) {
            dialog.close();
            dialog = null;
        }
    }

    private void onGui(Runnable r) {
        try {
            gui.getGUIThread().invokeLater(r);
        } catch (IllegalStateException e) {
            // crsio is closing: nobody is left to show it to
        }
    }
}
