package io.rsio.crsio;

import com.googlecode.lanterna.gui2.AbstractTextGUIThread;
import com.googlecode.lanterna.gui2.AsynchronousTextGUIThread;
import com.googlecode.lanterna.gui2.TextGUI;
import com.googlecode.lanterna.gui2.TextGUIThreadFactory;
import com.googlecode.lanterna.gui2.Window;
import com.googlecode.lanterna.gui2.WindowBasedTextGUI;
import java.io.EOFException;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Lanterna's separate GUI thread, but resting 10 ms instead of 1 ms when there is nothing to do:
 * an idle crsio left open in an ssh session all day then costs a fraction of a percent of a core
 * instead of about 3 %, and 10 ms is still far below what a typist notices.
 */
public final class CalmGuiThread extends AbstractTextGUIThread implements AsynchronousTextGUIThread {
    static final long IDLE_SLEEP_MILLIS = 10;

    private volatile State state = State.CREATED;
    private final Thread thread;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private CalmGuiThread(TextGUI textGUI) {
        super(textGUI);
        this.thread = new Thread(this::loop, "crsio-gui");
    }

    /** Creates the thread for a {@code MultiWindowTextGUI}. */
    public static TextGUIThreadFactory factory() {
        return CalmGuiThread::new;
    }

    @Override
    public void start() {
        // STARTED before the thread runs: its loop runs only while STARTED, and a thread that got
        // the CPU first used to see CREATED and end at once, leaving a drawn screen deaf to keys.
        state = State.STARTED;
        thread.start();
    }

    @Override
    public void stop() {
        if (state == State.STARTED) {
            state = State.STOPPING;
        }
    }

    @Override
    public void waitForStop() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void waitForStop(long time, TimeUnit unit) throws InterruptedException {
        stopped.await(time, unit);
    }

    @Override
    public State getState() {
        return state;
    }

    @Override
    public Thread getThread() {
        return thread;
    }

    @Override
    public void invokeLater(Runnable runnable) {
        if (state != State.STARTED) {
            throw new IllegalStateException("the GUI thread is " + state);
        }
        super.invokeLater(runnable);
    }

    private void loop() {
        try {
            try {
                textGUI.updateScreen();
            } catch (IOException e) {
                exceptionHandler.onIOException(e);
            } catch (RuntimeException e) {
                exceptionHandler.onRuntimeException(e);
            }
            while (state == State.STARTED) {
                try {
                    if (!processEventsAndUpdate()) {
                        Thread.sleep(IDLE_SLEEP_MILLIS);
                    }
                } catch (EOFException e) {
                    stop();
                    if (textGUI instanceof WindowBasedTextGUI w) {
                        w.getWindows().forEach(Window::close);
                    }
                    break;
                } catch (IOException e) {
                    if (exceptionHandler.onIOException(e)) {
                        stop();
                        break;
                    }
                } catch (RuntimeException e) {
                    if (exceptionHandler.onRuntimeException(e)) {
                        stop();
                        break;
                    }
                } catch (InterruptedException e) {
                    stop();
                    break;
                }
            }
        } finally {
            state = State.STOPPED;
            stopped.countDown();
        }
    }

}
