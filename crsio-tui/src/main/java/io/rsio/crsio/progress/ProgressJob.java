package io.rsio.crsio.progress;

/**
 * Work that may take longer than a second, as crsio's progress dialog follows it: a thick
 * create's preallocation now, a server-side copy later. The dialog does not know what the work
 * is; it polls the job and draws what the job says. A job whose work runs elsewhere (a copy on
 * the server, listed by rsiod) answers {@link #poll} from one request per call; a job that is one
 * long request ({@link RequestJob}) answers from its own thread.
 *
 * @param <T> what the finished work gives, for the caller to show
 */
public interface ProgressJob<T> {
    /**
     * Where the work stands now. Called on a worker thread, never the GUI thread, about twice a
     * second until it answers {@link JobState.Done} or throws (the failure the caller shows). It
     * may block briefly (a control request).
     */
    JobState<T> poll() throws Exception;

    /**
     * The label of a button that stops the work itself ("Stop copy"), or null when the work can
     * only be left to run; the dialog's Background button (and Esc) never stops anything.
     */
    default String stopLabel() {
        return null;
    }

    /** Stops the work; called off the GUI thread, only when {@link #stopLabel} is not null. */
    default void stop() throws Exception {
    }
}
