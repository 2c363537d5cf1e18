package io.rsio.crsio.progress;

/** What a {@link ProgressJob} answers to a poll: still running (how far), or done (with what). */
public sealed interface JobState<T> {
    /**
     * Still running. {@code totalBytes} -1: the work does not say how far it is (one request the
     * server answers when done); the dialog then shows that it is busy and for how long.
     *
     * @param phase what it is doing, in the words shown, like "big-9 preallocates 1.0 GiB"
     */
    record Running<T>(long doneBytes, long totalBytes, String phase) implements JobState<T> {
        public boolean measured() {
            return totalBytes > 0;
        }
    }

    record Done<T>(T result) implements JobState<T> {}
}
