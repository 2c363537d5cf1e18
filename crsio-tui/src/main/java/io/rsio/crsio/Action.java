package io.rsio.crsio;

import java.util.Objects;

/**
 * One entry of a screen's F7 action menu. An action that does not apply now stays in the menu,
 * greyed, with the reason ({@code unavailable}), so the items never move under the cursor.
 */
public record Action(String label, Runnable run, String unavailable) {
    public Action {
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(run, "run");
    }

    public Action(String label, Runnable run) {
        this(label, run, null);
    }

    /** An item shown greyed: choosing it only says why it does not apply. */
    public static Action unavailable(String label, String why) {
        return new Action(label, () -> { }, why);
    }

    /** {@code action} when {@code applies}, else the same label greyed with {@code why}. */
    public static Action when(boolean applies, String label, Runnable run, String why) {
        return applies ? new Action(label, run) : unavailable(label, why);
    }

    public boolean available() {
        return unavailable == null;
    }
}
