package io.rsio.crsio;

import java.util.Objects;

/** One entry of a screen's F7 action menu. */
public record Action(String label, Runnable run) {
    public Action {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(run, "run");
    }
}
